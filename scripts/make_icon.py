"""Draw the program's icon: resources/icon.png (256 px, the window icon) and resources/icon.ico (16–256 px,
the Windows executable, Start-menu entry and desktop shortcut).

The icon is a loan book (a green ledger with ruled lines) and a gold baht coin: what the program keeps.
It is drawn here, not shipped as a binary from elsewhere, so it can be changed and drawn again:
`.venv/bin/python scripts/make_icon.py`. Small sizes are drawn again at their own size with fewer details
(no ruled lines below 32 px), since a 256 px picture shrunk to 16 px turns its lines into grey mush.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
BOLD_FONT = RESOURCES / "fonts" / "Sarabun-Bold.ttf"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
SUPERSAMPLE = 4

BACKGROUND = (23, 107, 83)  # the deep green of a bank book
PAGE = (250, 248, 240)
RULE = (170, 190, 180)
SPINE = (14, 76, 58)
COIN = (240, 178, 38)
COIN_EDGE = (176, 118, 10)
BAHT = (120, 74, 0)


def draw(size: int) -> Image.Image:
    """The icon at `size` pixels, drawn large and shrunk once so its edges are smooth."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(x0, y0, x1, y1):  # fractions of the icon's side -> pixels of the big picture
        return [round(x0 * big), round(y0 * big), round(x1 * big), round(y1 * big)]

    pen.rounded_rectangle(box(0.02, 0.02, 0.98, 0.98), radius=round(0.2 * big), fill=BACKGROUND)
    # The open book: a page with a spine on its left.
    pen.rounded_rectangle(box(0.18, 0.16, 0.78, 0.84), radius=round(0.05 * big), fill=PAGE)
    pen.rectangle(box(0.18, 0.16, 0.27, 0.84), fill=SPINE)
    if size >= 32:
        for n in range(5):
            y = 0.30 + n * 0.11
            pen.rectangle(box(0.34, y, 0.70, y + 0.025), fill=RULE)
    # The coin, over the book's bottom-right corner.
    pen.ellipse(box(0.50, 0.50, 0.94, 0.94), fill=COIN, outline=COIN_EDGE, width=max(1, round(0.025 * big)))
    if size >= 24:
        font = ImageFont.truetype(str(BOLD_FONT), round(0.34 * big))
        pen.text((round(0.72 * big), round(0.72 * big)), "฿", font=font, fill=BAHT, anchor="mm")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = RESOURCES) -> tuple[Path, Path]:
    png = folder / "icon.png"
    ico = folder / "icon.ico"
    draw(256).save(png, optimize=True)
    images = [draw(size) for size in ICO_SIZES]
    # Each size is given its own drawing; Pillow would otherwise shrink the largest one.
    images[-1].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])
    return png, ico


if __name__ == "__main__":
    for path in write_icons():
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")
