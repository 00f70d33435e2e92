"""Places and people: the subdistrict this laptop serves, its villages, persons, households and groups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.limits import LINE, NAME, check_text
from fieldtool.models import (
    BorrowingGroup,
    GroupMember,
    Household,
    HouseholdMember,
    Person,
    Setting,
    Subdistrict,
    Village,
    new_id,
)
from fieldtool.text import Text
from fieldtool.thai import InputError, validate_national_id, validate_phone
from fieldtool.vocabulary import HouseholdSource

TITLES = ("นาย", "นาง", "นางสาว")


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value


def setting(session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row else default


def setup_subdistrict(
    session: Session,
    province: tuple[str, str],
    district: tuple[str, str],
    subdistrict: tuple[str, str],
) -> Subdistrict:
    """Record the place hierarchy (code, name) and make the subdistrict the one this laptop serves.

    Unchecked: the demo and the tests' builders use it; officers go through `fieldtool.places.set_place`."""
    from fieldtool.places import new_place  # places builds on this module's settings

    new_place(session, province, district, subdistrict)
    sub = session.get(Subdistrict, setting(session, "subdistrict_id"))
    assert sub is not None  # new_place made it and set it
    return sub


def add_village(session: Session, subdistrict_id: str, moo: int, name: str) -> Village:
    sub = session.get(Subdistrict, subdistrict_id)
    if sub is None:
        raise InputError(Text(f"ไม่พบตำบล {subdistrict_id}", "no such subdistrict"))
    if moo < 1:
        raise InputError(Text("หมู่ที่ต้องเป็นเลขตั้งแต่ 1", "village number must be 1 or more"))
    village = Village(code=f"{sub.code}{moo:02d}", moo=moo, name=name, subdistrict_id=sub.id)
    session.add(village)
    session.flush()
    return village


def person_row(
    first_name: str,
    last_name: str = "",
    title: str = "",
    national_id: str | None = None,
    phone: str = "",
    village_id: str | None = None,
    house_no: str = "",
) -> dict[str, Any]:
    """A new person as a row, checked: a given name, a known title, a valid national ID and phone.

    That the national ID is not registered already needs the book: `add_person` asks it, an import's plan
    has checked it for the whole file."""
    if not first_name.strip():
        raise InputError(Text("ต้องระบุชื่อ", "a given name is required"))
    if title and title not in TITLES:
        raise InputError(Text(f"คำนำหน้าชื่อไม่ถูกต้อง: {title}", f"title must be one of {', '.join(TITLES)}"))
    check_text(first_name.strip(), Text("ชื่อ", "the given name"), NAME)
    check_text(last_name.strip(), Text("นามสกุล", "the family name"), NAME)
    check_house_no(house_no)
    return {
        "id": new_id(),
        "title": title,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "national_id": validate_national_id(national_id) if national_id else None,
        "phone": validate_phone(phone) if phone else "",
        "village_id": village_id,
        "house_no": house_no,
    }


def check_national_id_free(session: Session, national_id: str | None) -> None:
    if national_id and session.scalars(select(col(Person.id)).where(col(Person.national_id) == national_id)).first():
        raise InputError(Text(f"เลขประจำตัวประชาชน {national_id} มีในทะเบียนแล้ว",
                              f"national ID {national_id} is already registered"))


def add_person(
    session: Session,
    first_name: str,
    last_name: str = "",
    title: str = "",
    national_id: str | None = None,
    phone: str = "",
    village_id: str | None = None,
    house_no: str = "",
) -> Person:
    row = person_row(first_name, last_name, title, national_id, phone, village_id, house_no)
    check_national_id_free(session, row["national_id"])
    person = Person(**row)
    session.add(person)
    session.flush()
    return person


HEAD_RELATION = "หัวหน้าครัวเรือน"


def check_house_no(house_no: str) -> str:
    return check_text(house_no, Text("บ้านเลขที่", "the house number"), LINE)


def household_row(village_id: str, head_id: str, house_no: str = "", phone: str = "",
                  source: str = HouseholdSource.FIELD) -> dict[str, Any]:
    check_house_no(house_no)
    return {
        "id": new_id(),
        "village_id": village_id,
        "head_id": head_id,
        "house_no": house_no,
        "phone": validate_phone(phone) if phone else "",
        "source": source,
    }


def member_row(household_id: str, person_id: str, relation: str = "") -> dict[str, Any]:
    return {"id": new_id(), "household_id": household_id, "person_id": person_id, "relation": relation}


def add_household(session: Session, village_id: str, head_id: str, house_no: str = "", phone: str = "") -> Household:
    if session.get(Village, village_id) is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {village_id}", "no such village"))
    if session.get(Person, head_id) is None:
        raise InputError(Text(f"ไม่พบบุคคล {head_id}", "no such person"))
    row = household_row(village_id, head_id, house_no, phone)
    household = Household(**row)
    session.add(household)
    session.add(HouseholdMember(**member_row(household.id, head_id, HEAD_RELATION)))
    session.flush()
    return household


def add_household_member(session: Session, household_id: str, person_id: str, relation: str = "") -> HouseholdMember:
    member = HouseholdMember(**member_row(household_id, person_id, relation))
    session.add(member)
    session.flush()
    return member


def add_group(
    session: Session,
    name: str,
    village_id: str,
    kind: str = "women",
    chair_id: str | None = None,
    committee_member_id: str | None = None,
) -> BorrowingGroup:
    if session.get(Village, village_id) is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {village_id}", "no such village"))
    group = BorrowingGroup(
        name=name, kind=kind, village_id=village_id, chair_id=chair_id, committee_member_id=committee_member_id
    )
    session.add(group)
    if chair_id:
        session.add(GroupMember(group_id=group.id, person_id=chair_id, role="chair"))
    session.flush()
    return group


def add_group_member(session: Session, group_id: str, person_id: str, role: str = "member") -> GroupMember:
    member = GroupMember(group_id=group_id, person_id=person_id, role=role)
    session.add(member)
    session.flush()
    return member
