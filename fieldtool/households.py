"""The register of target households, and the guard against the plague of these registers: duplicates.

A new person or household that looks like one already registered – the same national ID, or a similar
Thai name in the same village, whatever the spelling – is refused with the existing record named, unless
the officer says it really is someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import registry
from fieldtool.limits import NAME, NOTE, check_text
from fieldtool.loanbook import person_name, village_label
from fieldtool.models import (
    Household,
    HouseholdMember,
    HouseholdNeed,
    Loan,
    Person,
    Verification,
    Village,
    new_id,
)
from fieldtool.text import Text
from fieldtool.thai import InputError, normalize_search
from fieldtool.vocabulary import Dimension, HouseholdSource, HouseholdStatus

# A row as `Model(**row)` takes it: column name -> value (text, numbers, None).
Row = dict[str, Any]
STALE_AFTER_DAYS = 365  # default; the setting "stale_after_days" overrides it


class DuplicateWarning(InputError):
    """The new record looks like one already registered; `matches` names the existing ones."""

    def __init__(self, message: Text, matches: list[PersonMatch]):
        super().__init__(message)
        self.matches = matches


@dataclass
class PersonInput:
    first_name: str
    last_name: str = ""
    title: str = ""
    national_id: str | None = None
    phone: str = ""
    relation: str = ""


@dataclass
class PersonMatch:
    person_id: str
    name: str
    village: str
    household_id: str | None
    reason: str  # "national-id" | "similar-name"
    score: float = 1.0


# --- spelling-tolerant comparison of Thai names -------------------------------------------------------

# Letters that sound alike and are swapped in registers: mapped to one representative.
_SOUND_ALIKE = str.maketrans({
    "ศ": "ส", "ษ": "ส", "ซ": "ส",
    "ธ": "ท", "ฑ": "ท", "ฒ": "ท",
    "ฆ": "ค", "ฅ": "ค", "ภ": "พ", "ฏ": "ต", "ฎ": "ด", "ณ": "น", "ฬ": "ล", "ฌ": "ช", "ญ": "ย", "ฐ": "ถ",
})
_TONES = re.compile("[\u0e48-\u0e4b\u0e47]")  # tone marks and mai taikhu
_SILENT = re.compile(".\u0e4c")  # a letter under karan is not pronounced
_AI = re.compile("([\u0e01-\u0e2e])\u0e31\u0e22")  # Cัย sounds as ไC: มาลัย / มาไล


@lru_cache(maxsize=65536)  # a register repeats its given names (and families) thousands of times
def name_key(name: str) -> str:
    """A spelling-tolerant key: tone marks and silent letters dropped, sound-alike letters merged."""
    text = normalize_search(name).replace(" ", "")
    text = _SILENT.sub("", text)
    text = _TONES.sub("", text)
    text = _AI.sub("\u0e44\\1", text).replace("\u0e43", "\u0e44")  # ใ and ไ sound the same
    return text.translate(_SOUND_ALIKE)


def _alike(a: str, b: str) -> float:
    key_a, key_b = name_key(a), name_key(b)
    if key_a == key_b:
        return 1.0
    ratio = SequenceMatcher(None, key_a, key_b).ratio()
    if ratio >= 0.7:
        # Thai soundex hears what spelling hides (ศรีสุข / ศรีสุก); it is coarse, so it only tips a
        # comparison that is already close. PyThaiNLP loads its whole toolbox: only when names are compared.
        from pythainlp.soundex import soundex

        try:
            if soundex(a, engine="udom83") == soundex(b, engine="udom83"):
                ratio = max(ratio, 0.9)
        except Exception:  # soundex refuses some non-Thai input; the ratio alone decides then
            pass
    return ratio


def names_alike(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """How alike two Thai names are, 0..1: the weaker of the given-name and family-name likeness.

    Family members share a family name, so the given names must be alike too.
    """
    first = _alike(first_a, first_b)
    last = _alike(last_a, last_b) if last_a and last_b else 1.0
    return min(first, last)


SIMILAR = 0.85


def find_similar_people(
    session: Session, first_name: str, last_name: str, village_id: str | None, national_id: str | None = None
) -> list[PersonMatch]:
    matches: list[PersonMatch] = []
    villages = {v.id: village_label(v.moo, v.name) for v in session.scalars(select(Village))}
    head_of = {hm.person_id: hm.household_id for hm in session.scalars(select(HouseholdMember))}
    if national_id:
        for p in session.scalars(select(Person).where(col(Person.national_id) == national_id)):
            matches.append(PersonMatch(p.id, person_name(p.title, p.first_name, p.last_name),
                                       villages.get(p.village_id or "", ""), head_of.get(p.id), "national-id"))
    if village_id:
        for p in session.scalars(select(Person).where(col(Person.village_id) == village_id)):
            if any(m.person_id == p.id for m in matches):
                continue
            score = names_alike(first_name, last_name, p.first_name, p.last_name)
            if score >= SIMILAR:
                matches.append(PersonMatch(p.id, person_name(p.title, p.first_name, p.last_name),
                                           villages.get(p.village_id or "", ""), head_of.get(p.id), "similar-name", score))
    return sorted(matches, key=lambda m: (m.reason != "national-id", -m.score))


def _duplicate_message(new_name: str, matches: list[PersonMatch]) -> Text:
    first = matches[0]
    why = "เลขประจำตัวประชาชนเดียวกัน" if first.reason == "national-id" else "ชื่อคล้ายกันในหมู่บ้านเดียวกัน"
    why_en = "the same national ID" if first.reason == "national-id" else "a similar name in the same village"
    return Text(
        f"{new_name} อาจซ้ำกับ {first.name} ({first.village}) ที่มีในทะเบียนแล้ว: {why}",
        f"looks like {first.name}, already registered: {why_en}; open household {first.household_id or first.person_id}"
        " or confirm it is someone else",
    )


# --- households ----------------------------------------------------------------------------------------


@dataclass
class HouseholdInput:
    village_id: str
    head: PersonInput
    house_no: str = ""
    phone: str = ""
    source: str = HouseholdSource.FIELD
    members: list[PersonInput] = field(default_factory=list)
    needs: dict[str, str] = field(default_factory=dict)


@dataclass
class HouseholdRows:
    """A new household as rows: its people (the head first), the household, memberships, needs."""

    people: list[Row]
    household: Row
    members: list[Row]
    needs: list[Row]


def new_household_rows(data: HouseholdInput) -> HouseholdRows:
    """The rows of a new household, checked: its source and needs, each person's name, title, national ID and
    phone, no national ID twice. The village and the duplicate guard need the book: `add_household` asks it,
    an import's plan has checked them for the whole file."""
    if HouseholdSource.parse(data.source) is None:
        raise InputError(Text(f"ที่มาของครัวเรือนต้องเป็น tpmap หรือ field: {data.source}", "source must be tpmap or field"))
    check_needs(data.needs)
    people = [_person_row(p, data.village_id, data.house_no) for p in (data.head, *data.members)]
    for p in data.members:
        check_text(p.relation, Text("ความสัมพันธ์", "the relation"), NAME)
    nids = [p["national_id"] for p in people if p["national_id"]]
    if len(nids) != len(set(nids)):
        twice = next(n for n in nids if nids.count(n) > 1)
        raise InputError(Text(f"เลขประจำตัวประชาชน {twice} ซ้ำกันในครัวเรือนนี้", f"national ID {twice} is given twice"))
    household = registry.household_row(data.village_id, people[0]["id"], data.house_no, data.phone,
                                       str(HouseholdSource(data.source)))
    members = [registry.member_row(household["id"], people[0]["id"], registry.HEAD_RELATION)]
    members += [registry.member_row(household["id"], row["id"], p.relation or "สมาชิก")
                for p, row in zip(data.members, people[1:], strict=True)]
    needs = [{"id": new_id(), "household_id": household["id"], "dimension": dimension, "description": description}
             for dimension, description in data.needs.items()]
    return HouseholdRows(people, household, members, needs)


def add_household(session: Session, data: HouseholdInput, force: bool = False) -> Household:
    """Register a target household; refuse a likely duplicate unless `force`."""
    if session.get(Village, data.village_id) is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {data.village_id}", "no such village"))
    rows = new_household_rows(data)
    for person in rows.people:
        if not force:
            matches = find_similar_people(session, person["first_name"], person["last_name"], data.village_id,
                                          person["national_id"])
            if matches:
                raise DuplicateWarning(
                    _duplicate_message(person_name(person["title"], person["first_name"], person["last_name"]),
                                       matches),
                    matches,
                )
        registry.check_national_id_free(session, person["national_id"])
    # parents before the rows that point at them
    session.add_all([Person(**row) for row in rows.people])
    session.flush()
    household = Household(**rows.household)
    session.add(household)
    session.flush()
    session.add_all([HouseholdMember(**row) for row in rows.members])
    session.add_all([HouseholdNeed(**row) for row in rows.needs])
    session.flush()
    return household


def _person_row(p: PersonInput, village_id: str, house_no: str) -> Row:
    return registry.person_row(
        first_name=p.first_name,
        last_name=p.last_name,
        title=p.title,
        national_id=p.national_id,
        phone=p.phone,
        village_id=village_id,
        house_no=house_no,
    )


def check_needs(needs: Mapping[str, str]) -> None:
    unknown = [d for d in needs if Dimension.parse(d) is None]
    if unknown:
        raise InputError(
            Text(f"มิติความจำเป็นไม่ถูกต้อง: {', '.join(unknown)}", f"need dimensions are {', '.join(Dimension)}")
        )
    for description in needs.values():
        check_text(description, Text("คำอธิบายความจำเป็น", "a need's description"), NOTE)


def set_needs(session: Session, household_id: str, needs: Mapping[str, str]) -> None:
    check_needs(needs)
    get_household(session, household_id)
    existing = {n.dimension: n for n in session.scalars(
        select(HouseholdNeed).where(col(HouseholdNeed.household_id) == household_id))}
    for dimension, row in existing.items():
        if dimension not in needs:
            session.delete(row)
    for dimension, description in needs.items():
        if dimension in existing:
            existing[dimension].description = description
        else:
            session.add(HouseholdNeed(household_id=household_id, dimension=dimension, description=description))
    session.flush()


def set_status(session: Session, household_id: str, status: str) -> Household:
    if HouseholdStatus.parse(status) is None:
        raise InputError(Text(f"สถานะครัวเรือนไม่ถูกต้อง: {status}", f"status must be one of {', '.join(HouseholdStatus)}"))
    household = get_household(session, household_id)
    household.status = str(HouseholdStatus(status))
    session.flush()
    return household


def get_household(session: Session, ref: str) -> Household:
    household = session.get(Household, ref) if ref else None
    if household is None and ref and len(ref) >= 6:
        found = session.scalars(select(Household).where(col(Household.id).startswith(ref))).all()
        household = found[0] if len(found) == 1 else None
    if household is None:
        raise InputError(Text(f"ไม่พบครัวเรือน {ref}", f"no such household: {ref}"))
    return household


@dataclass(frozen=True)
class HouseholdHead:
    """A household with its head's name: the row every list of households starts from (the register, what
    a visit can be about, a loan application's borrower, the command line's list)."""

    id: str
    village_id: str
    house_no: str
    phone: str  # the household's own number, else its head's
    source: HouseholdSource
    status: HouseholdStatus
    head_id: str
    head: str  # as people write it: title, given name, family name
    first_name: str
    last_name: str

    @property
    def sort_name(self) -> str:
        """The name without its title, to sort by."""
        return f"{self.first_name} {self.last_name}"


def households_with_heads(
    session: Session, ids: Iterable[str] | None = None, village_id: str | None = None
) -> list[HouseholdHead]:
    """Every household (only `ids`, only those of `village_id`) with its head's name, in no set order."""
    q = select(
        col(Household.id), col(Household.village_id), col(Household.house_no), col(Household.phone),
        col(Household.source), col(Household.status),
        col(Person.id), col(Person.title), col(Person.first_name), col(Person.last_name), col(Person.phone),
    ).join(Person, col(Person.id) == col(Household.head_id))
    if ids is not None:
        q = q.where(col(Household.id).in_(list(ids)))
    if village_id is not None:
        q = q.where(col(Household.village_id) == village_id)
    return [
        HouseholdHead(hid, vid, house_no, phone or head_phone or "", HouseholdSource(source), HouseholdStatus(status),
                      pid, person_name(title, first, last), first, last)
        for hid, vid, house_no, phone, source, status, pid, title, first, last, head_phone in session.execute(q)
    ]


@dataclass
class HouseholdView:
    id: str
    head: str
    head_id: str
    village_id: str
    village: str
    house_no: str
    phone: str
    source: HouseholdSource
    status: HouseholdStatus
    members: list[tuple[str, str]]  # (name, relation)
    needs: dict[str, str]
    loans: list[str]
    last_verified: date | None
    stale: bool


def household_view(session: Session, household_id: str, on: date) -> HouseholdView:
    h = get_household(session, household_id)
    (head,) = households_with_heads(session, [h.id])
    village = session.get(Village, h.village_id)
    if village is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {h.village_id}", "no such village"))
    members = [
        (person_name(p.title, p.first_name, p.last_name), m.relation)
        for m, p in session.execute(
            select(HouseholdMember, Person).join(Person, col(Person.id) == col(HouseholdMember.person_id))
            .where(col(HouseholdMember.household_id) == h.id)
        )
    ]
    needs = {n.dimension: n.description
             for n in session.scalars(select(HouseholdNeed).where(col(HouseholdNeed.household_id) == h.id))}
    loans = list(session.scalars(select(col(Loan.id)).where(col(Loan.household_id) == h.id)))
    last = last_verified(session, "household", h.id)
    return HouseholdView(
        id=h.id,
        head=head.head,
        head_id=head.head_id,
        village_id=village.id,
        village=village_label(village.moo, village.name),
        house_no=h.house_no,
        phone=head.phone,
        source=head.source,
        status=head.status,
        members=members,
        needs=needs,
        loans=loans,
        last_verified=last,
        stale=is_stale(session, last, on),
    )


# --- verified on site ------------------------------------------------------------------------------------


def last_verified(session: Session, table: str, record_id: str) -> date | None:
    rows = session.scalars(
        select(col(Verification.verified_on))
        .where(col(Verification.table_name) == table, col(Verification.record_id) == record_id)
    ).all()
    return max(rows) if rows else None


def last_verified_all(session: Session, table: str) -> dict[str, date]:
    """The latest on-site verification of every record of `table` that has one."""
    latest: dict[str, date] = {}
    for record_id, verified_on in session.execute(
        select(col(Verification.record_id), col(Verification.verified_on)).where(col(Verification.table_name) == table)
    ):
        if record_id not in latest or verified_on > latest[record_id]:
            latest[record_id] = verified_on
    return latest


def stale_after_days(session: Session) -> int:
    value = registry.setting(session, "stale_after_days")
    return int(value) if value.isdigit() else STALE_AFTER_DAYS


def is_stale(session: Session, last: date | None, on: date) -> bool:
    """Not checked on site for longer than the office allows (never checked counts as stale)."""
    return last is None or (on - last).days > stale_after_days(session)


def stale_records(session: Session, table: str, on: date) -> dict[str, date | None]:
    """Records of `table` (household or loan) whose facts were not verified on site recently enough."""
    ids = select(col(Household.id)) if table == "household" else select(col(Loan.id))
    latest = last_verified_all(session, table)
    limit = stale_after_days(session)
    out: dict[str, date | None] = {}
    for record_id in session.scalars(ids):
        last = latest.get(record_id)
        if last is None or (on - last).days > limit:
            out[record_id] = last
    return out
