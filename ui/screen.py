"""Windows that fit the screen they open on: the common government laptop is 1366×768, some 1280×720.

A window asks for the size it would like; it opens at that size or at most 90 % of the screen's free area
(without the taskbar), whichever is smaller, centred on it. Long contents go in a scroll area
(`scrolled`) so Save and OK stay at the bottom of the window instead of below the screen's edge.
"""

from __future__ import annotations

from ui.qt import QApplication, QFrame, QRect, QScrollArea, QSize, Qt, QWidget

SHARE = 0.9  # of the free screen area: the window's edges and the taskbar stay in sight
# Never smaller than this, when the screen has room for it: the pages' lists still show a useful number of
# rows. 1024×600 fits 90 % of 1280×720 (1152×648).
FLOOR = (1024, 600)
# The screen a headless screenshot is taken as if on: the laptop most officers have.
COMMON_LAPTOP = QRect(0, 0, 1366, 768)

_PREFERRED = "fit_preferred_size"  # the dynamic property that keeps the asked-for size for a refit


def available_geometry(window: QWidget) -> QRect:
    """The free area of the screen the window is on (or will open on), without the taskbar."""
    screen = window.screen() or QApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else COMMON_LAPTOP


def fit_size(preferred: tuple[int, int], available: QRect) -> tuple[int, int]:
    """The preferred size, or 90 % of the available area when that is smaller, but not below the floor
    unless the screen itself is smaller than the floor."""

    def one(want: int, room: int, floor: int) -> int:
        return min(room, max(min(want, int(room * SHARE)), min(floor, want)))

    return one(preferred[0], available.width(), FLOOR[0]), one(preferred[1], available.height(), FLOOR[1])


def fit_to_screen(
    window: QWidget, preferred: tuple[int, int] | None = None, available: QRect | None = None
) -> None:
    """Size `window` for `available` (its screen's free area unless given) and centre it there.

    The preferred size is remembered, so a later call with only `available` fits the window again: the
    tests do that to open each window as if on a 1366×768 or a 1280×720 screen."""
    if preferred is None:
        preferred = window.property(_PREFERRED) or (window.width(), window.height())
    else:
        window.setProperty(_PREFERRED, tuple(preferred))
    area = available if available is not None else available_geometry(window)
    width, height = fit_size(tuple(preferred), area)
    window.resize(width, height)
    window.move(area.x() + (area.width() - window.width()) // 2, area.y() + (area.height() - window.height()) // 2)


def fit_when_first_shown(window: QWidget) -> None:
    """For a window sized by what it holds (a form dialog): call from its showEvent. The first time, it
    takes the size it was given, or else its natural size, fitted to the screen."""
    if window.property(_PREFERRED) is not None:
        return
    given = window.testAttribute(Qt.WidgetAttribute.WA_Resized)  # resize() called before show()
    size = window.size() if given else window.sizeHint().expandedTo(window.minimumSizeHint())
    fit_to_screen(window, (size.width(), size.height()))


class _ScrollArea(QScrollArea):
    """Asks for the whole of what it holds (a plain QScrollArea asks for at most 36×24 lines), so a window
    on a large screen opens without scroll bars; on a small one it gives way and scrolls."""

    def sizeHint(self) -> QSize:
        inner = self.widget().sizeHint() if self.widget() is not None else QSize(0, 0)
        bar = self.verticalScrollBar().sizeHint().width()
        margins = self.contentsMargins()
        return QSize(
            inner.width() + bar + margins.left() + margins.right(),
            inner.height() + margins.top() + margins.bottom(),
        )


def scrolled(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area: a long form on a short screen scrolls, and the window's
    buttons below it stay in sight."""
    area = _ScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area
