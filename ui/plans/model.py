"""The actions table of one part of a 4ท plan: what, who helps, by when (BE), resources, budget, status.

Editable while a new revision is drafted (typed straight into the cells, quick during a visit);
read-only when an earlier or the latest saved revision is shown. A typed date or budget is kept as
typed and checked when the plan is saved, so a half-typed cell never loses what was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldtool.plans import ActionInput
from fieldtool.thai import InputError, format_date, parse_baht, parse_date
from fieldtool.vocabulary import ActionStatus
from ui.i18n import day_text, money_text, tr
from ui.labels import code_text
from ui.qt import (
    QAbstractTableModel,
    QColor,
    QComboBox,
    QModelIndex,
    QStyledItemDelegate,
    Qt,
    emit,
)

RED = QColor("#c62828")
COLUMNS = ("what", "helper", "due", "resources", "budget", "status")
STATUS_COLUMN = COLUMNS.index("status")


def action_status_text(code: str) -> str:
    return code_text(ActionStatus, code)


@dataclass
class ActionDraft:
    """One action as the table holds it: texts as typed, plus what the saved action knows."""

    part: str
    what: str = ""
    helper: str = ""
    due: str = ""  # typed: d/m/yyyy BE or ISO
    resources: str = ""
    budget: str = ""  # typed baht
    status: str = "planned"
    id: str | None = None  # the saved action (a shown revision)
    carried_from_id: str | None = None  # the action of the earlier revision this one continues
    notes: list[tuple[date, str, str]] = field(default_factory=list)
    overdue: bool = False

    def is_blank(self) -> bool:
        return not any(x.strip() for x in (self.what, self.helper, self.due, self.resources, self.budget))

    def due_date(self) -> date | None:
        return parse_date(self.due) if self.due.strip() else None

    def budget_satang(self) -> int:
        return parse_baht(self.budget) if self.budget.strip() else 0

    def as_input(self) -> ActionInput:
        return ActionInput(
            part=self.part,
            what=self.what.strip(),
            helper=self.helper.strip(),
            due_on=self.due_date(),
            resources=self.resources.strip(),
            budget_satang=self.budget_satang(),
            status=self.status,
            carried_from_id=self.carried_from_id,
        )


def draft_of(part, what, helper, due_on, resources, budget_satang, status, **extra) -> ActionDraft:
    return ActionDraft(
        part=part,
        what=what,
        helper=helper,
        due=format_date(due_on, "numeric") if due_on else "",
        resources=resources,
        budget=money_text(budget_satang) if budget_satang else "",
        status=status,
        **extra,
    )


class ActionsModel(QAbstractTableModel):
    def __init__(self, part: str, parent=None):
        super().__init__(parent)
        self.part = part
        self.editable = False
        self._rows: list[ActionDraft] = []

    @property
    def rows(self) -> list[ActionDraft]:
        return list(self._rows)

    def row_at(self, row: int) -> ActionDraft:
        return self._rows[row]

    def set_rows(self, rows: list[ActionDraft]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def add_row(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(ActionDraft(self.part))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    # --- QAbstractTableModel -------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if self.editable else flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        a = self._rows[index.row()]
        name = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, name)
        if role == Qt.ItemDataRole.EditRole:
            return a.status if name == "status" else getattr(a, name)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            right = name in ("due", "budget")
            return (
                Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            ) | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole:
            if name == "due" and (a.overdue or not self._valid(a, "due")):
                return RED
            if name == "budget" and not self._valid(a, "budget"):
                return RED
            if name == "status" and a.status == "done":
                return QColor("#2e7d32")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "due" and not self._valid(a, "due"):
                return tr("plan.bad_date")
            if name == "budget" and not self._valid(a, "budget"):
                return tr("plan.bad_budget")
            if a.notes:
                return "\n".join(f"{day_text(d)} · {action_status_text(s)} · {n}" for d, s, n in a.notes)
            return None
        return None

    @staticmethod
    def _valid(a: ActionDraft, name: str) -> bool:
        try:
            a.due_date() if name == "due" else a.budget_satang()
        except InputError:
            return False
        return True

    def _display(self, a: ActionDraft, name: str) -> str:
        if name == "due":
            if not a.due.strip():
                return ""
            try:
                text = day_text(a.due_date())
            except InputError:
                return a.due
            return text + (" " + tr("plan.overdue_mark") if a.overdue else "")
        if name == "budget":
            if not a.budget.strip():
                return ""
            try:
                return money_text(a.budget_satang())
            except InputError:
                return a.budget
        if name == "status":
            return action_status_text(a.status)
        return getattr(a, name)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        a = self._rows[index.row()]
        name = COLUMNS[index.column()]
        if name == "status":
            if ActionStatus.parse(value) is None:
                return False
            a.status = value
        else:
            setattr(a, name, str(value or ""))
        emit(self.dataChanged, index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(f"plan.col.{COLUMNS[section]}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            right = COLUMNS[section] in ("due", "budget")
            return (
                Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            ) | Qt.AlignmentFlag.AlignVCenter
        return None


class StatusDelegate(QStyledItemDelegate):
    """The status cell is edited with a list of the four statuses."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for status in ActionStatus:
            combo.addItem(action_status_text(status), status.value)
        return combo

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
