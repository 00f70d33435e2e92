"""Records named as the registers name them, for the change log and the office's conflicts: "นางมาลัย ทองคำ
หมู่ที่ 2 บ้านหนองบัว", "งวดที่ 3 ครบกำหนด 31 ม.ค. 2569 สัญญา 12/2568 กลุ่มทอผ้า".

A page of entries names its records with one query per table it touches (not one per entry): `RecordNames`
fetches what was asked for and what those rows point at, then names each from its rows. The words of the
fields and values themselves are fieldtool.change_words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from fieldtool import vocabulary
from fieldtool.change_words import (
    KIND_TABLES,
    Label,
    kind_label,
    reminder_kind_label,
    setting_label,
    shown,
    value_label,
)
from fieldtool.funds import DEFAULT_LADDER, Ladder, ladder_of
from fieldtool.loanbook import person_name, village_label
from fieldtool.models import (
    ActionNote,
    BorrowingGroup,
    District,
    EvidenceLink,
    Fund,
    GroupMember,
    Handover,
    Household,
    HouseholdMember,
    HouseholdNeed,
    HouseholdPlan,
    Instalment,
    LetterRecord,
    Loan,
    Meeting,
    Payment,
    Person,
    Photo,
    PlanAction,
    PlanPart,
    PreventCheck,
    Province,
    ReminderDelivery,
    Schedule,
    Subdistrict,
    SyncKey,
    Verification,
    Village,
    Visit,
    WorkItem,
)
from fieldtool.reminders import UNDO, UNDO_PREFIX
from fieldtool.thai import format_baht, format_date
from fieldtool.vocabulary import Dimension, MeetingKind

# The model of each table a change-log entry can name.
MODELS: dict[str, type[SQLModel]] = {
    "person": Person, "household": Household, "householdmember": HouseholdMember,
    "borrowing_group": BorrowingGroup, "group_member": GroupMember, "fund": Fund, "loan": Loan,
    "schedule": Schedule, "instalment": Instalment, "payment": Payment, "prevent_check": PreventCheck,
    "reminder_delivery": ReminderDelivery, "letter_record": LetterRecord, "household_need": HouseholdNeed,
    "household_plan": HouseholdPlan, "plan_part": PlanPart, "plan_action": PlanAction,
    "action_note": ActionNote, "visit": Visit, "meeting": Meeting, "evidence_link": EvidenceLink,
    "photo": Photo, "work_item": WorkItem, "village": Village, "subdistrict": Subdistrict,
    "district": District, "province": Province, "verification": Verification, "handover": Handover,
    "sync_key": SyncKey,
}
_TABLE_OF = {model: table for table, model in MODELS.items()}
# For each table, the fields that point at other records, which are named too.
POINTERS = {
    "person": {"village_id": "village"},
    "household": {"head_id": "person", "village_id": "village"},
    "householdmember": {"household_id": "household", "person_id": "person"},
    "borrowing_group": {"village_id": "village", "chair_id": "person", "committee_member_id": "person"},
    "group_member": {"group_id": "borrowing_group", "person_id": "person"},
    "loan": {"household_id": "household", "group_id": "borrowing_group", "fund_id": "fund"},
    "schedule": {"loan_id": "loan"}, "instalment": {"loan_id": "loan"}, "payment": {"loan_id": "loan"},
    "prevent_check": {"loan_id": "loan"}, "reminder_delivery": {"loan_id": "loan"},
    "letter_record": {"loan_id": "loan"}, "work_item": {"loan_id": "loan"},
    "household_need": {"household_id": "household"}, "household_plan": {"household_id": "household"},
    "plan_part": {"plan_id": "household_plan"}, "plan_action": {"plan_id": "household_plan"},
    "action_note": {"action_id": "plan_action"}, "visit": {"village_id": "village"},
    "meeting": {"village_id": "village"}, "photo": {"visit_id": "visit"},
    "handover": {"subdistrict_id": "subdistrict"},
}
PEOPLE_FIELDS = {"head_id", "person_id", "chair_id", "committee_member_id"}

_M = TypeVar("_M", bound=SQLModel)
_T = TypeVar("_T")


def pointer_target(table: str, field: str) -> str | None:
    """The table a field of `table` points at (a person's fields wherever they are), or None."""
    return "person" if field in PEOPLE_FIELDS else POINTERS.get(table, {}).get(field)


def chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


class RecordNames:
    """The records of a page of entries, fetched one query per table, and their names."""

    def __init__(self, session: Session):
        self.s = session
        self.rows: dict[str, dict[str, SQLModel]] = defaultdict(dict)
        self.names: dict[tuple[str, str], str] = {}

    def load(self, wanted: Mapping[str, Iterable[str]]) -> None:
        # Fetch what was asked for, then what those rows point at, until nothing new is wanted.
        while wanted:
            more: dict[str, set[str]] = defaultdict(set)
            for table, asked in wanted.items():
                model = MODELS.get(table)
                ids = {i for i in asked if i and i not in self.rows[table]}
                if model is None or not ids:
                    continue
                key = inspect(model).primary_key[0]  # a key is named by its key id, the rest by their id
                for chunk in chunks(sorted(ids), 900):
                    for row in self.s.scalars(select(model).where(key.in_(chunk))):
                        self.rows[table][getattr(row, key.key)] = row
                        for field, target in POINTERS.get(table, {}).items():
                            if (ref := getattr(row, field, None)) and ref not in self.rows[target]:
                                more[target].add(ref)
                        if isinstance(row, EvidenceLink):
                            more[KIND_TABLES.get(row.source_kind, row.source_kind)].add(row.source_id)
                            more[KIND_TABLES.get(row.target_kind, row.target_kind)].add(row.target_id)
                        if isinstance(row, Verification):
                            more[row.table_name].add(row.record_id)
                        if isinstance(row, ReminderDelivery) and row.kind == UNDO:
                            more[table].add(row.reminder_id.removeprefix(UNDO_PREFIX))  # the delivery it undid
            wanted = more

    def get(self, model: type[_M], record_id: str | None) -> _M | None:
        """A fetched record of `model`, or None."""
        row = self.rows[_TABLE_OF[model]].get(record_id) if record_id else None
        return row if isinstance(row, model) else None

    def name(self, table: str, record_id: str | None) -> str:
        if not record_id:
            return "–"
        key = (table, record_id)
        if key not in self.names:
            row = self.rows.get(table, {}).get(record_id)
            self.names[key] = self._name(row) if row is not None else ""
            if table == "setting":
                self.names[key] = setting_label(record_id).th
            if not self.names[key]:  # a setting is named by its key, whole; other records by their id's start
                self.names[key] = f"{kind_label(table).th} {record_id[:8]}"
        return self.names[key]

    def value(self, table: str, name: str, value: object, stage: str = "", ladder: Ladder = DEFAULT_LADDER) -> Label:
        """A value as people read it (fieldtool.change_words), a record it points at by its name."""
        if isinstance(value, str) and value and name.endswith("_id") and (target := pointer_target(table, name)):
            return self.name(target, value)
        return value_label(table, name, value, stage, ladder)

    def ladder(self, loan_id: str | None) -> Ladder:
        """The ask ladder a loan follows: its own, or its fund's for a loan made before rules were copied."""
        loan = self.get(Loan, loan_id)
        fund = self.get(Fund, loan.fund_id) if loan is not None else None
        return ladder_of((loan.ask_ladder if loan is not None else "") or (fund.ask_ladder if fund else ""))

    def _name(self, r: SQLModel) -> str:  # noqa: C901  (one line per kind of record)
        n = self.name
        match r:
            case Village():
                return village_label(r.moo, r.name)
            case Province() | District() | Subdistrict() | Fund():
                return r.name
            case Person():
                return _joined(person_name(r.title, r.first_name, r.last_name),
                               n("village", r.village_id) if r.village_id else "")
            case Household():
                head = self.get(Person, r.head_id)
                who = person_name(head.title, head.first_name, head.last_name) if head else r.head_id[:8]
                return _joined(who, n("village", r.village_id))
            case BorrowingGroup():
                return _joined(r.name, n("village", r.village_id))
            case Loan():
                if r.group_id:
                    group = self.get(BorrowingGroup, r.group_id)
                    borrower = group.name if group else ""
                else:
                    household = self.get(Household, r.household_id)
                    borrower = self._person(household.head_id if household else None)
                return _joined(f"สัญญา {r.agreement_no or r.id[:8]}", borrower)
            case Payment():
                return f"{format_baht(r.amount_satang)} บาท วันที่ {format_date(r.paid_on)} {n('loan', r.loan_id)}"
            case Schedule():
                return f"ตารางชำระฉบับที่ {r.version} {n('loan', r.loan_id)}"
            case Instalment():
                return f"งวดที่ {r.no} ครบกำหนด {format_date(r.due_date)} {n('loan', r.loan_id)}"
            case PreventCheck():
                return f"{shown(value_label('prevent_check', 'item', r.item), None)} {n('loan', r.loan_id)}"
            case WorkItem():
                return f"{shown(value_label('work_item', 'item', r.item, stage=r.stage), None)} {n('loan', r.loan_id)}"
            case ReminderDelivery() if r.kind == UNDO:
                undone = self.get(ReminderDelivery, r.reminder_id.removeprefix(UNDO_PREFIX))
                what = (f"{self._reminder_kind(undone.kind, r.loan_id)} วันที่ {format_date(undone.delivered_on)}"
                        if undone else "การแจ้ง")
                return f"ยกเลิกการบันทึก{what} ที่บันทึกผิด {n('loan', r.loan_id)}"
            case ReminderDelivery():
                return f"{self._reminder_kind(r.kind, r.loan_id)} {format_date(r.delivered_on)} {n('loan', r.loan_id)}"
            case LetterRecord():
                return _joined(f"หนังสือ{r.number_text}", r.recipient)
            case HouseholdMember():
                return f"{self._person(r.person_id)} ในครัวเรือน {n('household', r.household_id)}"
            case GroupMember():
                return f"{self._person(r.person_id)} ใน{n('borrowing_group', r.group_id)}"
            case HouseholdNeed():
                dimension = Dimension.parse(r.dimension)
                return f"ด้าน{dimension.label.th if dimension else r.dimension} {n('household', r.household_id)}"
            case HouseholdPlan():
                return f"แผน 4ท ครั้งที่ {r.revision} {n('household', r.household_id)}"
            case PlanPart():
                part = vocabulary.PlanPart.parse(r.part)
                return f"{part.label.th if part else r.part} {n('household_plan', r.plan_id)}"
            case PlanAction():
                return f"กิจกรรม “{r.what}” {n('household_plan', r.plan_id)}"
            case ActionNote():
                return f"บันทึก {format_date(r.noted_on)} {n('plan_action', r.action_id)}"
            case Visit():
                return _joined(f"ลงพื้นที่ {format_date(r.visited_on)}", n("village", r.village_id), r.place)
            case Meeting():
                kind = MeetingKind.parse(r.kind)
                return _joined(f"{kind.label.th if kind else r.kind} {format_date(r.held_on)}",
                               n("village", r.village_id) if r.village_id else "", r.place)
            case Photo():
                return _joined(f"ภาพถ่าย {r.original_name or r.file_name}", n("visit", r.visit_id))
            case EvidenceLink():
                source = n(KIND_TABLES.get(r.source_kind, r.source_kind), r.source_id)
                return f"{source} → {n(KIND_TABLES.get(r.target_kind, r.target_kind), r.target_id)}"
            case Verification():
                return (f"ตรวจสอบ{kind_label(r.table_name).th} {n(r.table_name, r.record_id)} "
                        f"{format_date(r.verified_on)}")
            case Handover():
                return _joined(f"ส่งมอบ{n('subdistrict', r.subdistrict_id)}",
                               f"ให้ {r.to_officer}" if r.to_officer else "", f"วันที่ {format_date(r.handed_on)}")
            case SyncKey():
                return _joined(f"กุญแจของ {r.officer or '–'}", f"ตำบล {r.area_code}" if r.area_code else "")
        return ""

    def _reminder_kind(self, kind: str, loan_id: str) -> str:
        """A delivery's kind in Thai, as record names say it."""
        return shown(reminder_kind_label(kind, self.ladder(loan_id)), None)

    def _person(self, person_id: str | None) -> str:
        p = self.get(Person, person_id)
        return person_name(p.title, p.first_name, p.last_name) if p else ""
