"""The import window's last page: what the import made (records by kind, rows already in the book) and the
refused rows it skipped, each with its sentence."""

from __future__ import annotations

from fieldtool.bookimport import ImportPlan, ImportResult
from fieldtool.vocabulary import RowAction
from ui.i18n import day_text, tr
from ui.importer.model import KINDS, RowsModel, ordered_rows
from ui.importer.preview import fit_rows, rows_view
from ui.qt import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets import section_title


class ResultPage(QWidget):
    """What was made; the window connects `close_button`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.done_title = section_title(tr("importer.done"))
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        created_box = QGroupBox(tr("importer.created"))
        grid = QGridLayout(created_box)
        self.created_labels: dict[str, QLabel] = {}
        for i, kind in enumerate(KINDS):
            name = QLabel(tr(f"importer.kind.{kind}"))
            number = QLabel("0")
            font = number.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            font.setBold(True)
            number.setFont(font)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(number, 0, i)
            grid.addWidget(name, 1, i)
            self.created_labels[kind] = number
        self.matched_label = QLabel()
        self.remembered_label = QLabel(tr("importer.remembered"))
        self.remembered_label.setWordWrap(True)
        self.skipped_label = QLabel()
        self.skipped_label.setWordWrap(True)
        self.skipped_model = RowsModel(self)
        self.skipped_view = rows_view(self.skipped_model)
        self.close_button = QPushButton(tr("button.close"))
        self.close_button.setDefault(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.done_title)
        box.addWidget(self.done_label)
        box.addWidget(created_box)
        box.addWidget(self.matched_label)
        box.addWidget(self.remembered_label)
        box.addWidget(self.skipped_label)
        box.addWidget(self.skipped_view, 1)
        self.stretch = QWidget()  # the room a short list leaves
        self.stretch.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        box.addWidget(self.stretch)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        box.addLayout(bottom)

    def show_result(self, result: ImportResult, plan: ImportPlan) -> None:
        self.done_label.setText(tr("importer.done_file", file=result.file_name, day=day_text(result.on)))
        for kind, label in self.created_labels.items():
            label.setText(f"{result.created.get(kind, 0):,}")
        self.matched_label.setText(tr("importer.matched", n=f"{result.matched:,}"))
        self.matched_label.setVisible(result.matched > 0)
        self.remembered_label.setVisible(any(s.given for s in plan.sheets))
        skipped = [r for r in ordered_rows(plan) if r.action == RowAction.REFUSED]
        self.skipped_label.setText(tr("importer.skipped", n=f"{len(skipped):,}") if skipped
                                   else tr("importer.skipped_none"))
        self.skipped_model.set_rows(skipped)
        self.skipped_view.setVisible(bool(skipped))

    def fit(self) -> None:
        if not self.skipped_model.rowCount():
            return
        view = self.skipped_view
        fit_rows(view)
        # no taller than its rows: a short list of skipped rows leaves the room below empty
        rows = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
        header = max(view.horizontalHeader().height(), view.horizontalHeader().sizeHint().height())
        view.setMaximumHeight(header + rows + 2 * view.frameWidth() + 4)
