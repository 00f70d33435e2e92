"""Columns of the visit lists (the log, a loan's or a household's visits), the meetings and the next-visit tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fieldtool.vocabulary import MeetingKind
from ui.i18n import day_text, tr
from ui.labels import code_text, purposes_text
from ui.qt import QColor
from ui.tablemodel import Column
from ui.visits.data import TaskRow, VisitRow

PURPOSE_GROUPS = ("prevent", "follow", "ask", "plan", "other")


def purpose_group(code: str) -> str:
    stage, sep, _ = code.partition(":")
    if sep:
        return stage
    return "plan" if code == "plan" else "other"


def when_text(on: date, at: str) -> str:
    return f"{day_text(on)} {at}".strip()


def _cut(title: str, text: Callable[[VisitRow], str], max_width: int) -> Column:
    """A column of words that a small screen cuts short (on 1280×720 even a village's name, below the
    model's 24 letters): the whole text is always in its tooltip."""
    return Column(title, text, max_width=max_width, tooltip=text)


def visit_columns(with_village: bool = True) -> list[Column]:
    cols = [
        Column(
            "col.visited",
            lambda r: when_text(r.visit.visited_on, r.visit.visited_at),
            "right",  # a day and a time, like every date in a list: never cut to make room for words
            sort_key=lambda r: (r.visit.visited_on, r.visit.visited_at),
        ),
    ]
    if with_village:
        cols.append(_cut("col.village", lambda r: r.village, 170))
    cols += [
        _cut("col.place", lambda r: r.visit.place or "–", 130),
        _cut("col.about", lambda r: ", ".join(r.about) or "–", 210),
        _cut("col.purposes", lambda r: purposes_text(r.purposes), 210),
        Column(
            "col.next_visit",
            lambda r: day_text(r.visit.next_visit_on) or "–",
            "right",
            sort_key=lambda r: r.visit.next_visit_on or date.min,
        ),
        _cut("col.findings", lambda r: r.visit.findings or "–", 280),
        _cut("col.officer_visit", lambda r: r.visit.officer or "–", 200),
    ]
    return cols


def meeting_kind_text(code: str) -> str:
    return code_text(MeetingKind, code)


MEETING_COLUMNS = [
    Column(
        "col.held",
        lambda r: when_text(r.meeting.held_on, r.meeting.held_at),
        "right",
        sort_key=lambda r: (r.meeting.held_on, r.meeting.held_at),
    ),
    Column("col.meeting_kind", lambda r: meeting_kind_text(r.meeting.kind)),
    Column("col.place", lambda r: r.meeting.place or "–", max_width=200),
    Column("col.about", lambda r: ", ".join(r.about) or "–", max_width=240),
    Column("col.attendees", lambda r: r.meeting.attendees or "–", max_width=220),
    Column("col.outcomes", lambda r: r.meeting.outcomes or "–", max_width=320),
    Column("col.officer_visit", lambda r: r.meeting.officer or "–"),
]


def task_columns(day: Callable[[], date]) -> list[Column]:
    def late(r: TaskRow) -> int:
        return (day() - r.task.due_on).days

    return [
        Column(
            "col.promised_on",
            lambda r: day_text(r.task.due_on),
            "right",
            sort_key=lambda r: r.task.due_on,
        ),
        Column(
            "col.timing",
            lambda r: tr("today.visit_late", n=late(r)) if late(r) > 0 else tr("today.visit_today"),
            "right",
            sort_key=lambda r: -late(r),
            color=lambda r: QColor("#c62828") if late(r) > 0 else None,
        ),
        Column("col.village", lambda r: r.task.village, max_width=170),
        Column("col.place", lambda r: r.task.place or "–", max_width=170),
        Column("col.about", lambda r: ", ".join(r.about) or "–", max_width=260),
        Column("col.next_steps", lambda r: r.task.next_steps or "–", max_width=380),
    ]
