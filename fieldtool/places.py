"""The laptop's own place: province, district, the one subdistrict it serves, and its villages.

Official codes (DOMAIN.md): province 2 digits, district 4, subdistrict 6, village 8 (the subdistrict's
code and the หมู่ที่ in two digits), each beginning with its parent's code. Where the district office's
key is already trusted, the district must be the office's. Every change here is an ordinary recorded
change (the change log, the next bundle); a refusal is one sentence and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Mapped, Session
from sqlmodel import col

from fieldtool.limits import NAME, check_text
from fieldtool.models import (
    BorrowingGroup,
    District,
    Household,
    Person,
    Province,
    Subdistrict,
    SyncKey,
    Village,
)
from fieldtool.registry import set_setting, setting
from fieldtool.text import Text
from fieldtool.thai import InputError, to_arabic_digits
from fieldtool.vocabulary import KeyRole

CODE_LENGTHS = {"province": 2, "district": 4, "subdistrict": 6, "village": 8}
# What each level is called in a sentence.
_LEVEL = {
    "province": Text("จังหวัด", "province"),
    "district": Text("อำเภอ", "district"),
    "subdistrict": Text("ตำบล", "subdistrict"),
    "village": Text("หมู่บ้าน", "village"),
}
_PREFIXES = {"province": ("จังหวัด", "จ."), "district": ("อำเภอ", "อ."), "subdistrict": ("ตำบล", "ต.")}
MAX_MOO = 99


def clean_name(text: str) -> str:
    """A name as typed, with stray and zero-width spaces gone."""
    return " ".join((text or "").replace("\u200b", "").replace("\ufeff", "").split())


def place_name(level: str, text: str) -> str:
    """"จังหวัดอุบลราชธานี", "อ.พิบูลมังสาหาร" → the bare name, as TPMAP lists and officers write it."""
    name = clean_name(text)
    for prefix in _PREFIXES.get(level, ()):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):].strip()
    return name


def check_code(level: str, code: str, parent: str = "") -> str:
    digits = to_arabic_digits(clean_name(code)).replace(" ", "")
    n, called = CODE_LENGTHS[level], _LEVEL[level]
    if not re.fullmatch(f"[0-9]{{{n}}}", digits):
        raise InputError(Text(f"รหัส{called.th}ต้องเป็นตัวเลข {n} หลัก: {code}",
                              f"a {called.en} code has {n} digits: {code}"))
    if parent and not digits.startswith(parent):
        raise InputError(Text(
            f"รหัส{called.th} {digits} ต้องขึ้นต้นด้วยรหัสที่อยู่เหนือขึ้นไป {parent}",
            f"the {called.en} code {digits} must begin with its parent's code {parent}",
        ))
    return digits


def _need_name(level: str, name: str) -> str:
    name, called = place_name(level, name), _LEVEL[level]
    if not name:
        raise InputError(Text(f"ต้องระบุชื่อ{called.th}", f"the {called.en} needs a name"))
    return check_text(name, Text(f"ชื่อ{called.th}", f"the {called.en}'s name"), NAME)


# --- the place hierarchy ---------------------------------------------------------------------------


@dataclass
class Place:
    province_code: str
    province: str
    district_code: str
    district: str
    subdistrict_id: str
    subdistrict_code: str
    subdistrict: str

    def to_json(self) -> dict[str, object]:
        return {
            "province": {"code": self.province_code, "name": self.province},
            "district": {"code": self.district_code, "name": self.district},
            "subdistrict": {"id": self.subdistrict_id, "code": self.subdistrict_code, "name": self.subdistrict},
        }


def own_subdistrict(session: Session) -> Subdistrict | None:
    sub_id = setting(session, "subdistrict_id")
    return session.get(Subdistrict, sub_id) if sub_id else None


def current_place(session: Session) -> Place | None:
    sub = own_subdistrict(session)
    return None if sub is None else _place_of(session, sub)


def _place_of(session: Session, sub: Subdistrict) -> Place:
    dist = session.get(District, sub.district_id)
    prov = session.get(Province, dist.province_id) if dist else None
    return Place(
        prov.code if prov else "", prov.name if prov else "", dist.code if dist else "", dist.name if dist else "",
        sub.id, sub.code, sub.name,
    )


def office_district_code(session: Session) -> str:
    """The district code of the office key this laptop trusts, or "" when none is trusted yet."""
    key = session.scalars(select(SyncKey).where(col(SyncKey.role) == KeyRole.OFFICE)).first()
    return key.area_code if key else ""


def set_place(
    session: Session,
    province: tuple[str, str],
    district: tuple[str, str],
    subdistrict: tuple[str, str],
) -> Place:
    """Set (or correct) the province, district and subdistrict this laptop serves, as (code, name) pairs.

    Names may be corrected at any time; the codes only while the subdistrict has no villages yet, since
    one laptop serves one subdistrict and every record hangs on it.
    """
    prov_code = check_code("province", province[0])
    dist_code = check_code("district", district[0], prov_code)
    sub_code = check_code("subdistrict", subdistrict[0], dist_code)
    prov_name = _need_name("province", province[1])
    dist_name = _need_name("district", district[1])
    sub_name = _need_name("subdistrict", subdistrict[1])
    office = office_district_code(session)
    if office and office != dist_code:
        raise InputError(Text(
            f"อำเภอ {dist_code} ไม่ตรงกับกุญแจของสำนักงานพัฒนาชุมชนอำเภอที่เครื่องนี้เชื่อถือ (อำเภอ {office})",
            f"district {dist_code} is not the district of the office key this laptop trusts ({office})",
        ))
    sub = own_subdistrict(session)
    if sub is None:
        return new_place(session, (prov_code, prov_name), (dist_code, dist_name), (sub_code, sub_name))
    if sub.code != sub_code:
        villages = session.execute(
            select(func.count()).select_from(Village).where(col(Village.subdistrict_id) == sub.id)
        ).scalar()
        if villages:
            raise InputError(Text(
                f"เครื่องนี้ดูแลตำบล{sub.name} ({sub.code}) ซึ่งมีหมู่บ้านแล้ว เครื่องหนึ่งดูแลได้ตำบลเดียว",
                f"this laptop already serves subdistrict {sub.name} ({sub.code}), which has villages; "
                "one laptop serves one subdistrict",
            ))
    dist = session.get(District, sub.district_id)
    prov = session.get(Province, dist.province_id) if dist else None
    if dist is None or prov is None:
        raise InputError(Text(f"ไม่พบอำเภอหรือจังหวัดของตำบล{sub.name} ({sub.code})",
                              f"the district or province of subdistrict {sub.name} ({sub.code}) is missing"))
    # Corrections change the rows in place (recorded as updates), so nothing is left hanging.
    prov.code, prov.name = prov_code, prov_name
    dist.code, dist.name = dist_code, dist_name
    sub.code, sub.name = sub_code, sub_name
    session.flush()
    return _place_of(session, sub)


def new_place(
    session: Session, province: tuple[str, str], district: tuple[str, str], subdistrict: tuple[str, str]
) -> Place:
    """Make the place rows (or find them by code) and make the subdistrict this laptop's."""
    prov = session.scalars(select(Province).where(col(Province.code) == province[0])).first()
    if prov is None:
        prov = Province(code=province[0], name=province[1])
        session.add(prov)
    dist = session.scalars(select(District).where(col(District.code) == district[0])).first()
    if dist is None:
        dist = District(code=district[0], name=district[1], province_id=prov.id)
        session.add(dist)
    sub = session.scalars(select(Subdistrict).where(col(Subdistrict.code) == subdistrict[0])).first()
    if sub is None:
        sub = Subdistrict(code=subdistrict[0], name=subdistrict[1], district_id=dist.id)
        session.add(sub)
    set_setting(session, "subdistrict_id", sub.id)
    session.flush()
    return _place_of(session, sub)


def _require_place(session: Session) -> Subdistrict:
    sub = own_subdistrict(session)
    if sub is None:
        raise InputError(Text("ยังไม่ได้ตั้งค่าตำบล ให้ตั้งค่าจังหวัด อำเภอ และตำบลก่อน",
                              "no subdistrict is set up yet; set the province, district and subdistrict first"))
    return sub


# --- villages ----------------------------------------------------------------------------------------


def parse_moo(text: object) -> int:
    """หมู่ที่ as typed: 3, "๓", "ม.3", "หมู่ 3", "หมู่ที่ 3", 3.0 from a spreadsheet."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if float(text).is_integer():
            return _check_moo(int(text), str(text))
    raw = to_arabic_digits(clean_name(str(text or "")))
    digits = re.sub(r"^(หมู่ที่|หมู่|ม\.)\s*", "", raw)
    if re.fullmatch(r"[0-9]{1,2}(\.0)?", digits):
        return _check_moo(int(float(digits)), str(text))
    raise InputError(Text(f"หมู่ที่ไม่ถูกต้อง: {text}", f"invalid village number (หมู่ที่): {text}"))


def _check_moo(moo: int, raw: str) -> int:
    if not 1 <= moo <= MAX_MOO:
        raise InputError(Text(f"หมู่ที่ต้องอยู่ระหว่าง 1 ถึง {MAX_MOO}: {raw}",
                              f"the village number must be from 1 to {MAX_MOO}: {raw}"))
    return moo


def add_village(session: Session, moo: int, name: str, code: str | None = None) -> Village:
    """A village (หมู่ที่ N) of this laptop's subdistrict; its 8-digit code is the subdistrict's plus N."""
    sub = _require_place(session)
    moo = _check_moo(int(moo), str(moo))
    name = _need_name("village", name)
    expected = f"{sub.code}{moo:02d}"
    if code:
        code = check_code("village", code, sub.code)
        if code != expected:
            raise InputError(Text(
                f"รหัสหมู่บ้าน {code} ไม่ตรงกับหมู่ที่ {moo} ของตำบลนี้ (ต้องเป็น {expected})",
                f"village code {code} does not fit หมู่ที่ {moo} of this subdistrict (it should be {expected})",
            ))
    existing = session.scalars(
        select(Village).where(col(Village.subdistrict_id) == sub.id, col(Village.moo) == moo)
    ).first()
    if existing is not None:
        raise InputError(Text(f"มีหมู่ที่ {moo} ({existing.name}) แล้ว",
                              f"หมู่ที่ {moo} already exists ({existing.name})"))
    village = Village(code=expected, moo=moo, name=name, subdistrict_id=sub.id)
    session.add(village)
    session.flush()
    return village


def find_village(session: Session, ref: object) -> Village:
    """A village of this laptop by หมู่ที่, name, 8-digit code or id."""
    sub = own_subdistrict(session)
    q = select(Village)
    if sub is not None:
        q = q.where(col(Village.subdistrict_id) == sub.id)
    villages = session.scalars(q).all()
    text = clean_name(str(ref or ""))
    found = [v for v in villages if v.id == text or v.code == to_arabic_digits(text)]
    if not found:
        try:
            moo = parse_moo(ref)
            found = [v for v in villages if v.moo == moo]
        except InputError:
            found = [v for v in villages if clean_name(v.name) == text]
            if not found and text.startswith("บ้าน") is False:
                found = [v for v in villages if clean_name(v.name) == f"บ้าน{text}"]
    if len(found) != 1:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {ref}", f"no such village: {ref}"))
    return found[0]


def rename_village(session: Session, ref: object, name: str) -> Village:
    village = find_village(session, ref)
    village.name = _need_name("village", name)
    session.flush()
    return village


@dataclass
class VillageView:
    id: str
    code: str
    moo: int
    name: str
    households: int
    groups: int
    people: int

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "code": self.code, "moo": self.moo, "name": self.name,
                "households": self.households, "groups": self.groups, "people": self.people}


def village_views(session: Session) -> list[VillageView]:
    sub = own_subdistrict(session)
    q = select(Village).order_by(col(Village.moo))
    if sub is not None:
        q = q.where(col(Village.subdistrict_id) == sub.id)

    def counts(village_id: Mapped[str] | Mapped[str | None]) -> dict[str | None, int]:
        """How many rows of one table each village has."""
        return dict(session.execute(select(village_id, func.count()).group_by(village_id)).all())

    households = counts(col(Household.village_id))
    groups = counts(col(BorrowingGroup.village_id))
    people = counts(col(Person.village_id))
    return [
        VillageView(v.id, v.code, v.moo, v.name, households.get(v.id, 0), groups.get(v.id, 0), people.get(v.id, 0))
        for v in session.scalars(q)
    ]
