"""The tables of the loan page's tabs: its schedule, payments, ปตท. stages, prevent checklist, notices
delivered, and visits and meetings, each a list of columns (ui.tablemodel) over the read model's rows
(fieldtool.loanview)."""

from __future__ import annotations

from datetime import date

from fieldtool.ledger import InstalmentState
from fieldtool.loanview import ContactRow, DeliveryRow, PaymentRow
from fieldtool.vocabulary import AskStep, ContactWay, MeetingKind, ReminderKind, Stage
from ui.i18n import day_text, money_text, tr
from ui.labels import code_text, purposes_text
from ui.loans.dialogs import prevent_label
from ui.qt import QColor
from ui.tablemodel import Column
from ui.visits.model import when_text
from ui.widgets import stage_color

GREEN, RED, GREY = QColor("#2e7d32"), QColor("#c62828"), QColor("#757575")


def instalment_status(inst: InstalmentState, day: date) -> str:
    if inst.is_paid:
        return "paid"
    return "overdue" if inst.due_date < day else "not_due"


_STATUS_COLOR = {"paid": GREEN, "overdue": RED, "not_due": None}


def schedule_columns(day) -> list[Column]:
    return [
        Column("col.no", lambda i: str(i.no), "right", sort_key=lambda i: i.no),
        Column("col.due_date", lambda i: day_text(i.due_date), "right", sort_key=lambda i: i.due_date),
        Column("col.amount", lambda i: money_text(i.amount_satang), "right"),
        Column("col.principal_part", lambda i: money_text(i.principal_satang), "right"),
        Column("col.interest", lambda i: money_text(i.interest_satang), "right"),
        Column("col.paid", lambda i: money_text(i.paid_satang), "right"),
        Column("col.remaining", lambda i: money_text(i.remaining_satang), "right"),
        Column(
            "col.status",
            lambda i: tr(f"inst.{instalment_status(i, day())}"),
            color=lambda i: _STATUS_COLOR[instalment_status(i, day())],
        ),
        Column("col.settled_on", lambda i: day_text(i.settled_on) or "–", "right"),
    ]


def _payment_state(p: PaymentRow) -> str:
    if p.is_reversal:
        return tr("payment.reversal_of")
    if p.reversed_by is not None:
        return tr("payment.reversed_on", day=day_text(p.reversed_by.paid_on))
    return ""


PAYMENT_COLUMNS = [
    Column("col.paid_on", lambda p: day_text(p.payment.paid_on), "right"),
    Column(
        "col.amount",
        lambda p: money_text(p.payment.amount_satang),
        "right",
        strike=lambda p: p.reversed_by is not None,
        color=lambda p: RED if p.is_reversal else None,
    ),
    Column(
        "col.kind",
        lambda p: tr("payment.reversal") if p.is_reversal else tr("payment.payment"),
        strike=lambda p: p.reversed_by is not None,
    ),
    Column("col.state", _payment_state, color=lambda p: RED if p.is_reversal or p.reversed_by else None),
    Column("field.note", lambda p: p.payment.note),
    Column("col.recorded_by", lambda p: p.payment.recorded_by or "–"),
]

TIMELINE_COLUMNS = [
    Column("col.from", lambda t: day_text(t[0])),
    Column("col.until", lambda t: day_text(t[2]) if t[2] else tr("timeline.now")),
    Column("col.stage", lambda t: code_text(Stage, t[1]), color=lambda t: stage_color(t[1])),
]

CHECK_COLUMNS = [
    Column("col.item", lambda c: prevent_label(c.item), max_width=420),  # the words of the work: never cut
    Column(
        "col.done",
        lambda c: tr("check.done") if c.done else tr("check.open"),
        color=lambda c: GREEN if c.done else RED,
    ),
    Column("col.done_on", lambda c: day_text(c.done_on) or "–", "right"),
    Column("field.note", lambda c: c.note),
]


def delivery_what(d: DeliveryRow) -> str:
    if d.delivery.kind.startswith("ask"):
        return code_text(AskStep, d.step)
    return code_text(ReminderKind, d.delivery.kind)


def _undone(d: DeliveryRow) -> bool:
    return d.undone_by is not None


def delivery_note(d: DeliveryRow) -> str:
    """The delivery's note; for one undone, when and why (the undo's own note)."""
    if d.undone_by is None:
        return d.delivery.note
    undone = tr("delivery.undone_on", day=day_text(d.undone_by.delivered_on))
    return f"{undone}: {d.undone_by.note}" if d.undone_by.note else undone


DELIVERY_COLUMNS = [
    Column("col.delivered_on", lambda d: day_text(d.delivery.delivered_on), "right", strike=_undone),
    Column("col.what", delivery_what, strike=_undone, max_width=300),
    Column("col.instalment_no", lambda d: str(d.instalment_no or "–"), "right"),
    Column("col.how", lambda d: code_text(ContactWay, d.delivery.how), strike=_undone),
    Column("col.by", lambda d: d.delivery.by_whom or "–"),
    Column("field.note", delivery_note, max_width=400, color=lambda d: RED if d.undone_by else None),
]


def contact_kind(c: ContactRow) -> str:
    if c.meeting is not None:
        return code_text(MeetingKind, c.meeting.kind)
    text = tr("contact.visit") if c.kind is ContactWay.VISIT else tr("contact.meeting")
    return text if c.delivery is None else f"{text} · {delivery_what(c.delivery)}"


def contact_findings(c: ContactRow) -> str:
    if c.visit is not None:
        return c.visit.findings or "–"
    if c.meeting is not None:
        return c.meeting.outcomes or "–"
    return c.delivery.delivery.note or "–"


def _contact_field(c: ContactRow, visit_field: str, meeting_field: str) -> str:
    row = c.visit or c.meeting
    return (getattr(row, visit_field if c.visit else meeting_field) or "–") if row is not None else "–"


CONTACT_COLUMNS = [
    Column("col.met_on", lambda c: when_text(c.on, c.at), "right", sort_key=lambda c: (c.on, c.at)),
    Column("col.kind", contact_kind, max_width=320),
    Column("col.place", lambda c: _contact_field(c, "place", "place"), max_width=220),
    Column("col.purposes", lambda c: purposes_text(c.purposes) if c.visit else "–", max_width=280),
    Column("col.findings", contact_findings, max_width=420),
    Column(
        "col.next_visit",
        lambda c: day_text(c.visit.next_visit_on) or "–" if c.visit else "–",
        "right",
    ),
    Column(
        "col.officer_visit",
        lambda c: _contact_field(c, "officer", "officer") if c.delivery is None else c.delivery.delivery.by_whom or "–",
    ),
]
