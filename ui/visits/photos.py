"""The photos of a visit being written: thumbnails in a strip, added from files and taken out again.

A thumbnail is read scaled (a phone photo of 12 megapixels is not decoded whole) and turned upright as the
camera's EXIF says; a file that is no image is named back to the window, not added."""

from __future__ import annotations

from pathlib import Path

from ui.qt import QIcon, QImageReader, QListView, QListWidget, QListWidgetItem, QPixmap, QSize, Qt

THUMB = 112
PATH_ROLE = Qt.ItemDataRole.UserRole


def thumbnail(path: Path) -> QPixmap | None:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # a phone photo taken upright shows upright
    size = reader.size()
    if size.isValid() and size.width() > 0:
        reader.setScaledSize(size.scaled(QSize(THUMB * 2, THUMB * 2), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(
        image.scaled(
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    )


class PhotoList(QListWidget):
    """The visit's photos as thumbnails; `paths` holds their files in the order they were added."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.paths: list[Path] = []
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setFixedHeight(THUMB + 44)
        self.setSpacing(4)

    def add(self, paths: list[str]) -> tuple[int, list[str]]:
        """Add the files not there yet; how many were added, and the names of those that are no image."""
        added = 0
        bad = []
        for p in paths:
            path = Path(p)
            if path in self.paths:
                continue
            pixmap = thumbnail(path)
            if pixmap is None:
                bad.append(path.name)
                continue
            item = QListWidgetItem(QIcon(pixmap), path.name)
            item.setToolTip(str(path))
            item.setData(PATH_ROLE, str(path))
            self.addItem(item)
            self.paths.append(path)
            added += 1
        return added, bad

    def remove_selected(self) -> None:
        """Take out the selected photos, or the last one when none is selected."""
        for item in self.selectedItems() or ([self.item(self.count() - 1)] if self.count() else []):
            self.paths.remove(Path(item.data(PATH_ROLE)))
            self.takeItem(self.row(item))
