"""The district office's desk: which laptops report, what arrived, and the conflicts to review, in words.

The merge itself is `fieldtool.sync`; this module says what the clerk needs to see about it. A conflict
names its record as the change log names it (`fieldtool.history`: "นางสมศรี ใจดี หมู่ที่ 3 บ้านหนองบัว",
"สัญญา 12/2569 กลุ่มทอผ้า"), its field in Thai and its values in words, not as a table name, a uuid and raw
JSON. The command line and the office window both read from here, so they always agree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import change_words, history
from fieldtool.district_areas import subdistrict_label
from fieldtool.models import (
    ChangeLog,
    Instalment,
    Schedule,
    Subdistrict,
    SyncBundle,
    SyncConflict,
    SyncKey,
)
from fieldtool.sync.office import device_gaps
from fieldtool.text import Text
from fieldtool.thai import InputError, format_time
from fieldtool.vocabulary import BundleDirection, BundleKind, ConflictStatus, KeyRole


def table_label(table: str, english: bool = False) -> str:
    return change_words.kind_label(table).in_language("en" if english else "th")


def field_label(name: str, english: bool = False) -> str:
    return change_words.field_label(name).in_language("en" if english else "th")


@dataclass
class ConflictItem:
    """One conflict as the office reviews it: the record in words, the value in use and the other one."""

    id: str
    table: str
    record_id: str
    field: str
    record: str  # "นางสมศรี ใจดี หมู่ที่ 3 บ้านหนองบัว"
    chosen: object  # the value the merge took (the later change)
    chosen_officer: str
    chosen_at: datetime
    other: object
    other_officer: str
    other_at: datetime
    status: ConflictStatus
    resolved_at: datetime | None
    resolved_by: str
    chosen_words: str = ""  # the values as people read them: names for ids, baht, BE dates
    other_words: str = ""

    def __post_init__(self) -> None:
        self.status = ConflictStatus(self.status)  # as stored, the code: a member from here on

    @property
    def taken_other(self) -> bool:
        return self.status is ConflictStatus.TOOK_OTHER

    @property
    def in_use(self) -> object:
        return self.other if self.taken_other else self.chosen

    @property
    def not_used(self) -> object:
        return self.chosen if self.taken_other else self.other

    @property
    def in_use_words(self) -> str:
        return self.other_words if self.taken_other else self.chosen_words

    @property
    def not_used_words(self) -> str:
        return self.chosen_words if self.taken_other else self.other_words

    @property
    def in_use_by(self) -> tuple[str, datetime]:
        return (self.other_officer, self.other_at) if self.taken_other else (self.chosen_officer, self.chosen_at)

    @property
    def not_used_by(self) -> tuple[str, datetime]:
        return (self.chosen_officer, self.chosen_at) if self.taken_other else (self.other_officer, self.other_at)

    def text(self) -> str:
        """The conflict on one line, as the command line prints it: the record, the field, the value in use
        and the one it replaced, with who and when (Thailand's time)."""
        field = change_words.field_label(self.field).th
        use, other = self.in_use_by, self.not_used_by
        line = (f"{self.record} – {field}: ใช้ {self.in_use_words} ({use[0] or '-'}, {format_time(use[1], zone=True)})"
                f" แทน {self.not_used_words} ({other[0] or '-'}, {format_time(other[1], zone=True)})")
        if self.status is not ConflictStatus.OPEN:
            line += f" [ตัดสินแล้ว: {self.status.label.th}]"
        return line


def conflict_items(s: Session, include_resolved: bool = False, ids: Sequence[str] | None = None) -> list[ConflictItem]:
    """The conflicts still open (or all, or those of `ids`), oldest first, in words."""
    q = select(SyncConflict).order_by(col(SyncConflict.chosen_at), col(SyncConflict.id))
    if ids is not None:
        q = q.where(col(SyncConflict.id).in_(ids))
    elif not include_resolved:
        q = q.where(col(SyncConflict.status) == ConflictStatus.OPEN)
    rows = list(s.scalars(q))
    values = [(json.loads(c.chosen_value), json.loads(c.other_value)) for c in rows]
    words = history.field_words(s, [(c.table_name, c.record_id, c.field, list(v)) for c, v in zip(rows, values, strict=True)])
    return [ConflictItem(
        c.id, c.table_name, c.record_id, c.field, record, chosen, c.chosen_officer, c.chosen_at, other,
        c.other_officer, c.other_at, ConflictStatus(c.status), c.resolved_at, c.resolved_by, chosen_words, other_words)
        for c, (chosen, other), (record, (chosen_words, other_words)) in zip(rows, values, words, strict=True)]


@dataclass
class DeviceItem:
    """An enrolled laptop: who carries it, its subdistrict, the last bundle received, bundles missing."""

    device_id: str
    officer: str
    subdistrict_code: str
    subdistrict: str  # "341905 ต.โนนกลาง"
    key_id: str
    enrolled_at: datetime
    last_bundle: int | None
    last_imported_at: datetime | None
    missing_bundles: list[int]
    missing_changes: list[tuple[int, int]]

    @property
    def has_gap(self) -> bool:
        return bool(self.missing_changes)


def device_items(s: Session) -> list[DeviceItem]:
    items = []
    names = subdistrict_names(s)
    keys = s.scalars(select(SyncKey).where(col(SyncKey.role) == KeyRole.OFFICER)
                     .order_by(col(SyncKey.area_code), col(SyncKey.officer)))
    for key in keys:
        last = s.scalars(select(SyncBundle).where(col(SyncBundle.direction) == BundleDirection.IN,
                                                  col(SyncBundle.kind) == BundleKind.FIELD,
                                                  col(SyncBundle.source_device) == key.device_id)
                         .order_by(col(SyncBundle.bundle_seq).desc())).first()
        gap = device_gaps(s, key.device_id)
        items.append(DeviceItem(key.device_id, key.officer, key.area_code, area_text(key.area_code, names), key.key_id, key.enrolled_at,
                                last.bundle_seq if last else None, last.processed_at if last else None,
                                gap.bundles if gap else [], list(gap.changes) if gap else []))
    return items


def subdistrict_names(s: Session) -> dict[str, str]:
    """Subdistrict code -> "ต.โนนกลาง" for every subdistrict the office has heard of."""
    rows = s.execute(select(col(Subdistrict.code), col(Subdistrict.name)))
    return {code: subdistrict_label(name) for code, name in rows}


def area_text(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}" if code in names else code


@dataclass
class BundleItem:
    """A field bundle received here, with its subdistrict named."""

    officer: str
    subdistrict: str  # "341905 ต.โนนกลาง"
    bundle_seq: int
    full: bool
    seq_from: int
    seq_to: int
    entries: int
    entries_new: int
    processed_at: datetime  # UTC
    file_name: str


def received_bundles(s: Session, limit: int = 500) -> list[BundleItem]:
    """Field bundles received here, the latest first."""
    names = subdistrict_names(s)
    q = (select(SyncBundle).where(col(SyncBundle.direction) == BundleDirection.IN,
                                  col(SyncBundle.kind) == BundleKind.FIELD)
         .order_by(col(SyncBundle.processed_at).desc(), col(SyncBundle.bundle_seq).desc()).limit(limit))
    return [BundleItem(b.officer, area_text(b.area_code, names), b.bundle_seq, b.full, b.seq_from, b.seq_to,
                       b.entries, b.entries_new, b.processed_at, b.file_name) for b in s.scalars(q)]


# --- a loan restructured on two laptops --------------------------------------------------------------------


@dataclass
class ScheduleChoice:
    """One of the competing schedules: who made it, when, and what it asks of the borrower."""

    schedule_id: str
    effective_from: date
    reason: str
    officer: str
    made_at: datetime | None
    instalments: int
    first_due: date | None
    total_satang: int


@dataclass
class DoubleRestructure:
    """A loan restructured on two devices that had not seen each other: two schedules of one version.

    Both are kept by the merge (they are two records, and money never merges by last write wins); the
    ledger settles on one deterministically until the office decides which agreement stands.
    """

    loan_id: str
    loan: str  # "สัญญา 12/2569 กลุ่มทอผ้า"
    version: int
    choices: list[ScheduleChoice]


def double_restructures(s: Session) -> list[DoubleRestructure]:
    doubled = s.execute(
        select(col(Schedule.loan_id), col(Schedule.version)).group_by(col(Schedule.loan_id), col(Schedule.version))
        .having(func.count() > 1).order_by(col(Schedule.loan_id), col(Schedule.version))
    ).all()
    loans = history.field_words(s, [("loan", loan_id, "", []) for loan_id, _v in doubled])
    out = []
    for (loan_id, version), (loan, _values) in zip(doubled, loans, strict=True):
        choices = []
        for sched in s.scalars(select(Schedule).where(col(Schedule.loan_id) == loan_id, col(Schedule.version) == version)
                               .order_by(col(Schedule.created_at), col(Schedule.id))):
            made = s.execute(select(col(ChangeLog.officer), col(ChangeLog.at)).where(
                col(ChangeLog.table_name) == "schedule", col(ChangeLog.record_id) == sched.id,
                col(ChangeLog.action) == "insert")).first()
            insts = s.execute(select(func.count(), func.min(col(Instalment.due_date)),
                                     func.sum(col(Instalment.principal_satang) + col(Instalment.interest_satang)))
                              .where(col(Instalment.schedule_id) == sched.id)).one()
            choices.append(ScheduleChoice(sched.id, sched.effective_from, sched.reason, made.officer if made else "",
                                          made.at if made else None, insts[0], insts[1], int(insts[2] or 0)))
        out.append(DoubleRestructure(loan_id, loan, version, choices))
    return out


def keep_schedule(s: Session, schedule_id: str) -> tuple[Schedule, int]:
    """The office decides which restructuring stands: the other schedules of that version are removed.

    The removal is written to the change log like any change, so it travels back to the laptops in the
    return bundles. Returns the schedule kept and how many were removed.
    """
    kept = s.get(Schedule, schedule_id) if schedule_id else None
    if kept is None and schedule_id and len(schedule_id) >= 6:
        found = s.scalars(select(Schedule).where(col(Schedule.id).like(f"{schedule_id}%"))).all()
        kept = found[0] if len(found) == 1 else None
    if kept is None:
        raise InputError(Text(f"ไม่พบตารางผ่อนชำระ {schedule_id[:8]}", "no such repayment schedule"))
    others = s.scalars(select(Schedule).where(col(Schedule.loan_id) == kept.loan_id,
                                              col(Schedule.version) == kept.version, col(Schedule.id) != kept.id)).all()
    if not others:
        raise InputError(Text("สัญญานี้มีตารางผ่อนชำระฉบับนี้เพียงฉบับเดียวแล้ว", "this loan has only this schedule now"))
    for other in others:
        for inst in s.scalars(select(Instalment).where(col(Instalment.schedule_id) == other.id)):
            s.delete(inst)
        s.flush()
        s.delete(other)
    s.flush()
    return kept, len(others)
