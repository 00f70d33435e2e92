"""The laptop's books as the register workbook holds them: one row per household, group, loan and payment.

`register_book` is the read model behind `export-registers` (and any screen that offers the export): rows
in `fieldtool.booklayout` field names, so a writer fills each sheet column by column and the importer reads
the file back into the same books. `template_choices` is what a set-up laptop offers for หมู่ที่ and กองทุน.
Money stays satang and dates stay `date` here; the writer decides how a cell shows them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import funds, places
from fieldtool.bookimport.values import key_of  # agreement numbers compared as the importer compares them
from fieldtool.booklayout import FREQUENCY_WORDS
from fieldtool.loanbook import person_name
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    GroupMember,
    Household,
    Loan,
    Payment,
    Person,
    Schedule,
    Village,
)
from fieldtool.names import clean
from fieldtool.thai import thai_sort_key

# A loan with no agreement number is written under one made from its id: the importer keys loans and their
# payments by agreement number, and the same loan gets the same number on every export.
GENERATED_PREFIX = "FT-"


def generated_agreement_no(loan_id: str) -> str:
    return f"{GENERATED_PREFIX}{loan_id[:8]}"


def frequency_word(frequency: str) -> str:
    """ชำระทุก as the template writes it: the first word registers use for the frequency."""
    return FREQUENCY_WORDS[frequency][0]


@dataclass(frozen=True)
class HouseholdRow:
    moo: int
    house_no: str
    title: str
    first_name: str
    last_name: str
    national_id: str
    phone: str


@dataclass(frozen=True)
class GroupRow:
    name: str
    moo: int
    chair: str  # the chair's national ID when a household head has one, else the name (see `_written_as`)
    members: str  # the other members, comma-separated, each written like the chair


@dataclass(frozen=True)
class LoanRow:
    agreement_no: str
    fund: str
    borrower: str  # the head's national ID (else the name, with the house), or the group's name
    moo: int
    principal: int  # satang
    rate: int  # basis points a year (2 % = 200)
    instalments: int
    frequency: str  # the ชำระทุก word
    disbursed_on: date
    first_due: date
    purpose: str
    # Empty in an export: the payments sheet carries every payment, and the two must not both count.
    paid_to_date: int | None = None
    paid_as_of: date | None = None


@dataclass(frozen=True)
class PaymentRow:
    agreement_no: str
    paid_on: date
    amount: int  # satang
    receipt_no: str


SheetRow = HouseholdRow | GroupRow | LoanRow | PaymentRow


@dataclass(frozen=True)
class VillageChoice:
    moo: int
    name: str


@dataclass(frozen=True)
class FundChoice:
    name: str
    kind_label: str
    rate_bp: int
    default_instalments: int
    default_frequency: str


@dataclass
class TemplateChoices:
    """The villages and funds set up on this laptop: the template offers them as the only choices."""

    place: places.Place | None
    villages: list[VillageChoice]
    funds: list[FundChoice]


@dataclass
class RegisterBook:
    choices: TemplateChoices
    households: list[HouseholdRow]
    groups: list[GroupRow]
    loans: list[LoanRow]
    payments: list[PaymentRow]
    # What the export leaves out or changes, so the instructions sheet and the command can say so.
    undisbursed: int = 0  # applications never paid out (stage ป): not books yet
    reversed_payments: int = 0  # payments cancelled by a reversal (their reversals are left out too)
    numbered: list[str] = field(default_factory=list)  # generated agreement numbers
    renumbered: list[tuple[str, str]] = field(default_factory=list)  # (number shared by several loans, written)
    restructured: list[str] = field(default_factory=list)  # agreement numbers of loans with a newer schedule

    def rows(self, sheet_key: str) -> Sequence[SheetRow]:
        sheets: dict[str, Sequence[SheetRow]] = {"households": self.households, "groups": self.groups,
                                                 "loans": self.loans, "payments": self.payments}
        return sheets[sheet_key]

    def counts(self) -> dict[str, int]:
        return {key: len(self.rows(key)) for key in ("households", "groups", "loans", "payments")}


def template_choices(session: Session) -> TemplateChoices:
    villages = [VillageChoice(v.moo, v.name) for v in places.village_views(session)]
    fund_list = [
        FundChoice(f.name, f.kind_label.th, f.rate_bp, f.default_instalments, f.default_frequency)
        for f in funds.fund_views(session)
    ]
    return TemplateChoices(places.current_place(session), villages, fund_list)


def register_book(session: Session) -> RegisterBook:
    """Every household, group, paid-out loan and standing payment of the laptop, in register order."""
    moo = {v.id: v.moo for v in session.scalars(select(Village))}
    people = {p.id: p for p in session.scalars(select(Person))}
    # a head's house is the household's, as the households sheet writes it
    heads = {h.head_id: h.house_no or people[h.head_id].house_no for h in session.scalars(select(Household))}
    book = RegisterBook(template_choices(session), [], [], [], [])
    book.households = _households(session, moo, people)
    book.groups = _groups(session, moo, people, heads)
    numbers = _loans(session, book, moo, people)
    _payments(session, book, numbers)
    return book


def _name(p: Person) -> str:
    return person_name(p.title, p.first_name, p.last_name)


def _households(session: Session, moo: dict[str, int], people: dict[str, Person]) -> list[HouseholdRow]:
    rows = []
    for h in session.scalars(select(Household)):
        head = people[h.head_id]
        rows.append(HouseholdRow(moo[h.village_id], h.house_no or head.house_no, head.title, head.first_name,
                                 head.last_name, head.national_id or "", h.phone or head.phone))
    return sorted(rows, key=lambda r: (r.moo, thai_sort_key(f"{r.first_name} {r.last_name}"), r.national_id))


def _groups(session: Session, moo: dict[str, int], people: dict[str, Person], heads: dict[str, str]) -> list[GroupRow]:
    members: dict[str, list[tuple[int, str]]] = {}
    order = {role: i for i, role in enumerate(("vice_chair", "treasurer", "secretary", "committee", "member"))}
    for m in session.scalars(select(GroupMember)):
        members.setdefault(m.group_id, []).append((order.get(m.role, 99), m.person_id))
    groups = list(session.scalars(select(BorrowingGroup)))
    named = {pid for found in members.values() for _, pid in found} | {g.chair_id for g in groups if g.chair_id}
    written = _written_as(people, heads, named)
    rows = []
    for g in groups:
        others = sorted(
            ((rank, pid) for rank, pid in members.get(g.id, []) if pid != g.chair_id),
            key=lambda rp: (rp[0], thai_sort_key(_name(people[rp[1]]))),
        )
        chair = written[g.chair_id] if g.chair_id else ""
        rows.append(GroupRow(g.name, moo[g.village_id], chair, ", ".join(written[pid] for _, pid in others)))
    return sorted(rows, key=lambda r: (r.moo, thai_sort_key(r.name)))


def _written_as(people: dict[str, Person], heads: dict[str, str], named: set[str]) -> dict[str, str]:
    """How the groups sheet writes each person it names, so that the importer finds that person and no other
    (`fieldtool.bookimport.group_people` reads it back).

    A household head with a national ID is written by it: the households sheet carries it. Anyone else by
    name – the importer can only register someone it finds by a name –, and where a namesake in the village
    is on the households sheet or in a group too, with the house: "นางสมศรี ใจดี (บ้านเลขที่ 12)"; where
    namesakes share the house (or there is no house number), which of them: "(บ้านเลขที่ 12 คนที่ 2)", the
    heads first. Villages are full of namesakes, and a household's members often share a name with it."""
    def house(pid: str) -> str:
        return clean(heads[pid] if pid in heads else people[pid].house_no)

    def name_key(pid: str) -> tuple[str | None, str, str]:
        p = people[pid]
        return p.village_id, clean(p.first_name), clean(p.last_name)

    namesakes: dict[tuple[str | None, str, str], list[str]] = {}
    for pid in set(heads) | named:
        namesakes.setdefault(name_key(pid), []).append(pid)
    out: dict[str, str] = {}
    for pid in named:
        p = people[pid]
        same = namesakes[name_key(pid)]
        if p.national_id and pid in heads:
            out[pid] = p.national_id
            continue
        if len(same) == 1:
            out[pid] = _name(p)
            continue
        at_house = sorted((q for q in same if key_of(house(q)) == key_of(house(pid))),
                          key=lambda q: (not (people[q].national_id and q in heads), q not in heads, q))
        note = [f"บ้านเลขที่ {house(pid)}"] if house(pid) else []
        if pid not in heads and (not house(pid) or len(at_house) > 1):
            note.append(f"คนที่ {at_house.index(pid) + 1}")
        out[pid] = f"{_name(p)} ({' '.join(note)})" if note else _name(p)
    return out


def _loans(session: Session, book: RegisterBook, moo: dict[str, int], people: dict[str, Person]) -> dict[str, str]:
    """The loan rows; returns loan id -> the agreement number written for it."""
    fund_names = {f.id: f.name for f in session.scalars(select(Fund))}
    households = {h.id: h for h in session.scalars(select(Household))}
    groups = {g.id: g for g in session.scalars(select(BorrowingGroup))}
    restructured = set(session.scalars(select(col(Schedule.loan_id)).where(col(Schedule.version) > 1)))
    loans = [loan for loan in session.scalars(select(Loan)) if loan.disbursed_on is not None]
    book.undisbursed = session.scalar(
        select(func.count()).select_from(Loan).where(col(Loan.disbursed_on).is_(None))
    ) or 0
    shared = Counter(key_of(loan.agreement_no) for loan in loans if clean(loan.agreement_no))
    numbers: dict[str, str] = {}
    for loan in loans:
        typed = clean(loan.agreement_no)
        if not typed:
            numbers[loan.id] = generated_agreement_no(loan.id)
            book.numbered.append(numbers[loan.id])
        elif shared[key_of(typed)] > 1:
            # "1/2568" in two funds: the importer would refuse both as one number on two rows, so each gets
            # its id-based number added.
            numbers[loan.id] = f"{typed} {generated_agreement_no(loan.id)}"
            book.renumbered.append((typed, numbers[loan.id]))
        else:
            numbers[loan.id] = typed
        if loan.group_id:
            group = groups[loan.group_id]
            borrower, village_id = group.name, group.village_id
        else:
            assert loan.household_id is not None  # a loan's borrower is a group or a household
            household = households[loan.household_id]
            head = people[household.head_id]
            borrower, village_id = head.national_id or _name(head), household.village_id
            house = clean(household.house_no or head.house_no)
            if not head.national_id and house:
                # a name alone may be a namesake's, or one the importer's duplicate guard finds alike
                borrower = f"{borrower} (บ้านเลขที่ {house})"
        if loan.id in restructured:
            book.restructured.append(numbers[loan.id])
        assert loan.disbursed_on is not None  # only loans paid out are books (see `loans`)
        book.loans.append(LoanRow(
            numbers[loan.id], fund_names[loan.fund_id], borrower, moo[village_id], loan.principal_satang,
            loan.rate_bp, loan.instalments, frequency_word(loan.frequency), loan.disbursed_on, loan.first_due,
            loan.purpose,
        ))
    book.loans.sort(key=lambda r: (r.moo, thai_sort_key(r.fund), r.disbursed_on, r.agreement_no))
    book.numbered.sort()
    book.renumbered.sort()
    book.restructured.sort()
    return numbers


def _payments(session: Session, book: RegisterBook, numbers: dict[str, str]) -> None:
    payments = session.scalars(select(Payment)).all()
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    book.reversed_payments = len(reversed_ids)
    standing = [p for p in payments if p.reverses_id is None and p.id not in reversed_ids and p.loan_id in numbers]
    # The order the ledger applies them in (day, then the order they were recorded), so a re-import applies
    # them the same way.
    standing.sort(key=lambda p: (numbers[p.loan_id], p.paid_on, str(p.recorded_at), p.id))
    book.payments = [PaymentRow(numbers[p.loan_id], p.paid_on, p.amount_satang, p.receipt_no) for p in standing]
