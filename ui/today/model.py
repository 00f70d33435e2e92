"""Columns of the today lists: one row per open notice (แจ้งเตือน) or ask task (ทวงถาม)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fieldtool.phone import format_phone
from fieldtool.reminders import Reminder
from fieldtool.thai import thai_sort_key
from fieldtool.vocabulary import ReminderKind
from ui.i18n import day_text, label_text, money_text, tr
from ui.qt import QColor
from ui.tablemodel import Column, RowTableModel


def what_text(r: Reminder) -> str:
    return label_text(r.step)  # an ask task's step, or the notice


def _timing_text(r: Reminder, day: date) -> str:
    if r.kind is ReminderKind.ASK:
        return tr("today.days_overdue", n=r.days_overdue)
    # Counted from the day on screen, not from the day the notice opened.
    left = (r.due_date - day).days
    return tr("today.due_today") if left == 0 else tr("today.days_to_due", n=left)


def _timing_key(r: Reminder, day: date) -> int:
    return -r.days_overdue if r.kind is ReminderKind.ASK else (r.due_date - day).days


def reminder_columns(day: Callable[[], date]) -> list[Column]:
    return [
        Column(
            "col.borrower",
            lambda r: r.info.borrower,
            sort_key=lambda r: thai_sort_key(r.info.sort_name),
            max_width=210,
        ),
        Column("col.village", lambda r: r.info.village, sort_key=lambda r: r.info.village),
        Column("col.what", what_text, max_width=210),
        Column(
            "col.instalment_no",
            lambda r: ", ".join(str(n) for n in r.covers) if len(r.covers) > 1 else str(r.instalment_no),
            "right",
            sort_key=lambda r: r.instalment_no,
            max_width=110,
        ),
        Column("col.due_date", lambda r: day_text(r.due_date), "right", sort_key=lambda r: r.due_date),
        Column(
            "col.amount_due",
            lambda r: money_text(r.amount_due_satang),
            "right",
            sort_key=lambda r: r.amount_due_satang,
        ),
        Column(
            "col.timing",
            lambda r: _timing_text(r, day()),
            "right",
            sort_key=lambda r: _timing_key(r, day()),
            color=lambda r: QColor("#c62828") if r.kind is ReminderKind.ASK else None,
        ),
        Column("col.phone", lambda r: format_phone(r.info.phone)),
    ]


class ReminderModel(RowTableModel):
    def __init__(self, day: Callable[[], date], parent=None):
        super().__init__(reminder_columns(day), parent)

    def row_of(self, reminder_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == reminder_id), -1)
