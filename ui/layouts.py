"""How the parts of a page are put together: a row of buttons, a tab of a record's window, a list under its
caption. Shared by the pages so each lays its parts out the same way (and none keeps its own copy)."""

from __future__ import annotations

from ui.qt import QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget


def button_row(*widgets: QWidget) -> QHBoxLayout:
    """Buttons side by side from the left, the rest of the row empty."""
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row


def tab_page(*parts: QWidget | QLayout) -> QWidget:
    """A tab of a record's window: its parts from the top; a table (or any part not a label or a row of
    buttons) takes the height."""
    page = QWidget()
    box = QVBoxLayout(page)
    for part in parts:
        if isinstance(part, QLayout):
            box.addLayout(part)
        elif isinstance(part, QLabel):
            box.addWidget(part)
        else:
            box.addWidget(part, 1)
    return page


def captioned(caption: str | QLabel, widget: QWidget, *below: QWidget | QLayout) -> QWidget:
    """A widget with its caption above it (and `below` under it), the widget taking the height; flush with
    the panel around it. The caption is plain text, or a label made for it (a section title)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(caption if isinstance(caption, QLabel) else QLabel(caption))
    layout.addWidget(widget, 1)
    for part in below:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return box
