"""What the book already holds, loaded in a few bulk queries before the first row is planned (no row costs a
query): villages, funds, people, households, groups, loans and payments – and the look-ups rows make in it (a
row's village, the duplicate guard over a village's people)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Literal, overload

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.bookimport import values as v
from fieldtool.bookimport.rowplan import refuse
from fieldtool.bookimport.workbook import Cell
from fieldtool.booklayout import header_key
from fieldtool.households import SIMILAR, name_key, names_alike
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    Household,
    HouseholdMember,
    Loan,
    Payment,
    Person,
    Village,
)
from fieldtool.names import clean
from fieldtool.places import own_subdistrict

# A village as a row names it: (id, หมู่ที่, name).
RowVillage = tuple[str, int, str]
# A fund as the rows read it: (id, name, kind, rate in basis points, instalments, frequency).
FundRow = tuple[str, str, str, int, int, str]


@dataclass
class KnownPerson:
    id: str
    title: str
    first: str
    last: str
    nid: str | None
    village_id: str | None
    house_no: str = ""  # the person's own, else the household's they head


@dataclass
class Known:
    """The database's villages, funds, people, households, groups, loans and payments, loaded in bulk."""

    subdistrict: str
    villages: dict[int, tuple[str, str]]  # moo → (id, name)
    village_names: dict[str, int]  # name key → moo
    funds: list[FundRow]
    fund_records: dict[str, Fund]  # id → the fund, whose rules a new loan takes
    by_nid: dict[str, KnownPerson]
    people_in: dict[str, list[KnownPerson]]  # village id → people
    exact_names: dict[tuple[str, str], list[KnownPerson]]  # (village id, name key) → people
    # (village id, given, family) as written, cleaned: whom a group's member list names (groups.People's test)
    written_names: dict[tuple[str, str, str], list[KnownPerson]]
    household_of: dict[str, str]  # person id → household id
    household_village: dict[str, str]
    household_house: dict[str, str]  # household id → house no.
    household_head: dict[str, str]  # household id → head's person id
    head_names: dict[tuple[str, str], list[str]]  # (clean given, clean family) → household ids
    groups: dict[tuple[str, str], str]  # (village id, name) → group id
    group_names: dict[str, list[tuple[str, str]]]  # name → [(group id, village id)]
    loans: dict[str, list[tuple[str, date | None, int]]]  # agreement key → [(id, disbursed, principal)]
    payments: dict[str, list[tuple[date, int, str, bool]]]  # loan id → (paid on, amount, receipt key, original)

    def same_name(self, vid: str, first: str, last: str, nid: str | None) -> list[KnownPerson]:
        """The village's people with exactly this name (as name_key compares); another national ID is another
        person."""
        people = self.exact_names.get((vid, full_name_key(first, last)), [])
        return [p for p in people if not (nid and p.nid and p.nid != nid)]

    def similar(self, vid: str, first: str, last: str, nid: str | None) -> list[KnownPerson]:
        """The duplicate guard's test (households.names_alike), on the village's people only."""
        out: list[KnownPerson] = []
        for p in self.people_in.get(vid, ()):
            if nid and p.nid and p.nid != nid:
                continue  # two different national IDs are two people, however alike the names
            if not lengths_can_match(first, p.first) or (
                    last and p.last and not lengths_can_match(last, p.last)):
                continue
            if names_alike(first, last, p.first, p.last) >= SIMILAR:
                out.append(p)
        return out

    @overload
    def village(self, cell: Cell, required: Literal[True] = True) -> RowVillage: ...

    @overload
    def village(self, cell: Cell, required: bool) -> RowVillage | None: ...

    def village(self, cell: Cell, required: bool = True) -> RowVillage | None:
        """The row's village (id, หมู่ที่, name) from its หมู่ที่ or name; one this subdistrict lacks is refused."""
        moo, name = v.parse_village(cell)
        if moo is None and name:
            moo = self.village_names.get(header_key(name)) or self.village_names.get(
                header_key(name).removeprefix("บ้าน"))
            if moo is None:
                refuse(f"ไม่มีหมู่บ้าน {name} ในตำบลนี้ ให้เพิ่มหมู่บ้านก่อนนำเข้า",
                       f"there is no village {name} in this subdistrict; add it before importing")
        if moo is None:
            if required:
                refuse("ไม่มีหมู่ที่", "the village number (หมู่ที่) is missing")
            return None
        found = self.villages.get(moo)
        if found is None:
            refuse(f"ไม่มีหมู่ที่ {moo} ในตำบลนี้ ให้เพิ่มหมู่บ้านก่อนนำเข้า",
                   f"there is no หมู่ที่ {moo} in this subdistrict; add the village before importing")
        return found[0], moo, found[1]


def full_name_key(first: str, last: str) -> str:
    """A person's given and family name as the book and the file are compared exactly."""
    return name_key(first) + "|" + name_key(last)


def lengths_can_match(a: str, b: str) -> bool:
    """False when two names differ so much in length that the guard's likeness cannot reach its threshold
    (a ratio of 0.7 at best before the soundex nudge): a cheap filter before the real comparison."""
    la, lb = len(a), len(b)
    return la + lb == 0 or 2 * min(la, lb) / (la + lb) >= 0.7


def village_label(moo: int, name: str) -> str:
    return f"หมู่ที่ {moo} {name}"


def _as_date(value: object) -> date | None:
    return None if value is None else _day(value)


def _day(value: object) -> date:
    """A date column's value as a date, also where the driver hands back its text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def load_known(session: Session) -> Known:
    sub = own_subdistrict(session)
    q = select(col(Village.id), col(Village.moo), col(Village.name))
    if sub is not None:
        q = q.where(col(Village.subdistrict_id) == sub.id)
    villages = {moo: (vid, name) for vid, moo, name in session.execute(q)}
    village_names: dict[str, int] = {}
    for moo, (_, name) in villages.items():
        key = header_key(name)
        village_names[key] = moo
        village_names.setdefault(key.removeprefix("บ้าน"), moo)
    fund_records = {f.id: f for f in session.scalars(select(Fund))}
    fund_rows = [(f.id, f.name, f.kind, f.rate_bp, f.default_instalments, f.default_frequency)
                 for f in fund_records.values()]
    by_nid: dict[str, KnownPerson] = {}
    people_in: dict[str, list[KnownPerson]] = defaultdict(list)
    exact: dict[tuple[str, str], list[KnownPerson]] = defaultdict(list)
    people: dict[str, KnownPerson] = {}
    written: dict[tuple[str, str, str], list[KnownPerson]] = defaultdict(list)
    for pid, title, first, last, nid, vid, house_no in session.execute(select(
            col(Person.id), col(Person.title), col(Person.first_name), col(Person.last_name),
            col(Person.national_id), col(Person.village_id), col(Person.house_no))):
        p = KnownPerson(pid, title, first, last, nid, vid, house_no or "")
        people[pid] = p
        if nid:
            by_nid[nid] = p
        if vid:
            people_in[vid].append(p)
            exact[(vid, full_name_key(first, last))].append(p)
            written[(vid, clean(first), clean(last))].append(p)
    household_of: dict[str, str] = {}
    head_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for hid, pid in session.execute(select(col(HouseholdMember.household_id), col(HouseholdMember.person_id))):
        household_of.setdefault(pid, hid)
        if (member := people.get(pid)) is not None:
            head_names[(clean(member.first), clean(member.last))].append(hid)
    household_village: dict[str, str] = {}
    household_house: dict[str, str] = {}
    household_head: dict[str, str] = {}
    for hid, vid, house_no, head_id in session.execute(
            select(col(Household.id), col(Household.village_id), col(Household.house_no), col(Household.head_id))):
        household_village[hid] = vid
        household_house[hid] = house_no or ""
        household_head[hid] = head_id
        if (head_person := people.get(head_id)) is not None and not head_person.house_no:
            head_person.house_no = house_no or ""
    groups: dict[tuple[str, str], str] = {}
    group_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for gid, name, vid in session.execute(
            select(col(BorrowingGroup.id), col(BorrowingGroup.name), col(BorrowingGroup.village_id))):
        groups[(vid, clean(name))] = gid
        group_names[clean(name)].append((gid, vid))
    loans: dict[str, list[tuple[str, date | None, int]]] = defaultdict(list)
    for lid, number, disbursed, principal in session.execute(
            select(col(Loan.id), col(Loan.agreement_no), col(Loan.disbursed_on), col(Loan.principal_satang))):
        if number:
            loans[v.key_of(number)].append((lid, _as_date(disbursed), principal))
    payments: dict[str, list[tuple[date, int, str, bool]]] = defaultdict(list)
    for lid, paid_on, amount, receipt, reverses in session.execute(select(
            col(Payment.loan_id), col(Payment.paid_on), col(Payment.amount_satang), col(Payment.receipt_no),
            col(Payment.reverses_id))):
        payments[lid].append((_day(paid_on), amount, v.key_of(receipt or ""), reverses is None))
    return Known(
        sub.name if sub else "", villages, village_names, fund_rows, fund_records, by_nid, people_in, exact, written, household_of,
        household_village, household_house, household_head, head_names, groups, group_names, loans, payments,
    )
