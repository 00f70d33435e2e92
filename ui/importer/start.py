"""The import window's first page: a dashed box to drop a workbook on, or a button to choose one, and a few
lines on what the import does."""

from __future__ import annotations

from ui.i18n import tr
from ui.qt import QFrame, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget


class DropFrame(QFrame):
    """The dashed box of the empty window: drop a workbook here, or choose one; what the import does below."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dropframe")
        self.hot(False)
        self.label = QLabel(tr("importer.drop_here"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.label.setFont(font)
        self.choose = QPushButton(tr("importer.choose"))
        self.choose.setMinimumWidth(self.choose.fontMetrics().horizontalAdvance(self.choose.text()) + 48)
        self.choose.setMinimumHeight(self.choose.sizeHint().height() + 8)
        self.intro = QLabel(tr("importer.intro"))
        self.intro.setWordWrap(True)
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro.setStyleSheet("QLabel { color: #455a64; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 28, 24, 28)
        box.addStretch(1)
        box.addWidget(self.label)
        box.addSpacing(14)
        box.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addSpacing(22)
        # centred in a row of its own, not by alignment, so that the wrapped lines get their height
        intro_row = QHBoxLayout()
        intro_row.addStretch(1)
        intro_row.addWidget(self.intro, 4)
        intro_row.addStretch(1)
        box.addLayout(intro_row)
        box.addStretch(1)

    def hot(self, on: bool) -> None:
        colour, bg = ("#1c5fa8", "#e3f2fd") if on else ("#90a4ae", "#fafafa")
        self.setStyleSheet(f"QFrame#dropframe {{ border: 2px dashed {colour}; border-radius: 8px; background: {bg}; }}")


class StartPage(QWidget):
    """The drop box and a Close button; the window connects both."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drop = DropFrame()
        self.close_button = QPushButton(tr("button.close"))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.drop, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        box.addLayout(bottom)
