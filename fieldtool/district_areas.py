"""The district report's areas: subdistricts and villages by official code, where each record is counted, and
what is wrong with the areas of the data (problems, in Thai and English with a code a screen can act on).

Areas are grouped by their official code, so the District and Subdistrict rows every laptop made for itself
are counted once; a village outside the district, or not arrived yet, has a place with no subdistrict and the
reason why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Row, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.loanbook import village_label
from fieldtool.models import District, Setting, Subdistrict, Village
from fieldtool.text import Text
from fieldtool.thai import InputError


class Level(StrEnum):
    ERROR = "error"  # the figures do not add up
    WARNING = "warning"
    NOTE = "note"


class ProblemCode(StrEnum):
    """What a problem is about, for a screen that treats some apart (the banner repeats no count)."""

    CHECKS_FAILED = "checks_failed"  # totals that do not match the sum of their rows
    UNPLACED = "unplaced"  # records counted in the total and in no row
    DISTRICT_ROWS = "district_rows"  # one district, a row per laptop
    DISTRICT_NAMES = "district_names"
    SUBDISTRICT_NAMES = "subdistrict_names"
    SUBDISTRICT_CODE = "subdistrict_code"  # a subdistrict whose code is not the district's
    VILLAGE_NAMES = "village_names"
    VILLAGE_CODES = "village_codes"  # villages whose code is not their subdistrict's and number
    NOT_BEGUN = "not_begun"  # the fiscal year has not begun


@dataclass(frozen=True)
class Problem:
    level: Level
    code: ProblemCode
    text: Text

    @property
    def message(self) -> str:
        """Thai, then English in parentheses: the command line's and the printed report's line."""
        return str(self.text)


@dataclass(frozen=True)
class Place:
    """Where a record is counted: its subdistrict and village codes (None when outside this district)."""

    subdistrict: str | None
    village: str | None
    fund: str | None = None  # fund kind, for loan figures
    why: Text | None = None  # when not in the district: why


NO_VILLAGE = Text("ไม่ทราบหมู่บ้าน", "no village recorded")
NO_FUND = Text("ไม่ทราบกองทุน", "no fund")


def subdistrict_label(name: str) -> str:
    """"ต.โนนกลาง" from "โนนกลาง", "ตำบลโนนกลาง" or "ต.โนนกลาง"."""
    name = name.strip()
    for prefix in ("ตำบล", "ต."):
        if name.startswith(prefix):
            name = name[len(prefix):].strip()
    return f"ต.{name}"


@dataclass
class Areas:
    """The district's subdistricts and villages by official code, and where every village row belongs."""

    district_code: str
    district_name: str
    subdistricts: dict[str, str]  # code -> "ต.โนนกลาง", in code order
    villages: dict[str, tuple[str, str]]  # village code -> (label, subdistrict code), in order
    of_village: dict[str, Place]  # Village row id -> place (subdistrict None: outside, with the reason)
    problems: list[Problem]

    def place(self, village_id: str | None, fund: str | None = None) -> Place:
        if village_id is None:
            return Place(None, None, fund, NO_VILLAGE)
        found = self.of_village.get(village_id)
        if found is None:
            short = village_id[:8]
            return Place(None, None, fund, Text(f"ไม่พบหมู่บ้าน {short} ในฐานข้อมูล",
                                                f"village {short} is not in the database: its bundle has not arrived"))
        return Place(found.subdistrict, found.village, fund, found.why)


def district_code_of(session: Session, code: str | None = None) -> str:
    """The district the report is about: given, the office's `district_code`, or the only one recorded."""
    if code:
        return code
    row = session.get(Setting, "district_code")
    if row and row.value:
        return row.value
    codes = district_codes(session)
    if len(codes) == 1:
        return codes[0]
    raise InputError(Text("ไม่ทราบว่าจะรายงานอำเภอใด ระบุรหัสอำเภอด้วย --district",
                          f"which district? the database holds {', '.join(codes) or 'none'}; give --district CODE"))


def district_codes(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(col(District.code)))))


def load_areas(session: Session, district_code: str) -> Areas:
    problems: list[Problem] = []
    districts = session.execute(select(col(District.id), col(District.code), col(District.name))).all()
    ours = [d for d in districts if d.code == district_code]
    names = sorted({d.name for d in ours})
    if not ours:
        raise InputError(Text(f"ไม่พบอำเภอรหัส {district_code} ในฐานข้อมูล", f"no district {district_code} in the database"))
    if len(ours) > 1:
        problems.append(Problem(Level.NOTE, ProblemCode.DISTRICT_ROWS, Text(
            f"อำเภอรหัส {district_code} มี {len(ours)} ระเบียน (แต่ละเครื่องสร้างไว้เอง) รายงานรวมตามรหัส ไม่นับซ้ำ",
            f"district {district_code} has {len(ours)} rows, one per laptop; grouped by code, nothing counted twice")))
    if len(names) > 1:
        problems.append(Problem(Level.WARNING, ProblemCode.DISTRICT_NAMES, Text(
            f"อำเภอรหัส {district_code} ถูกบันทึกไว้หลายชื่อ: {', '.join(names)}",
            f"district {district_code} is recorded under several names: {', '.join(names)}")))
    district_by_id = {d.id: d.code for d in districts}

    subs = session.execute(select(col(Subdistrict.id), col(Subdistrict.code), col(Subdistrict.name),
                                  col(Subdistrict.district_id))).all()
    sub_rows: dict[str, list[Row[str, str, str, str]]] = defaultdict(list)  # code -> rows in this district
    sub_of_id: dict[str, tuple[str, str, str | None]] = {}
    for s in subs:
        dcode = district_by_id.get(s.district_id)
        sub_of_id[s.id] = (s.code, s.name, dcode)
        if dcode == district_code:
            sub_rows[s.code].append(s)
    subdistricts: dict[str, str] = {}
    for code in sorted(sub_rows):
        labels = sorted({subdistrict_label(r.name) for r in sub_rows[code]})
        subdistricts[code] = labels[0]
        if len(labels) > 1:
            problems.append(Problem(Level.WARNING, ProblemCode.SUBDISTRICT_NAMES, Text(
                f"ตำบลรหัส {code} ถูกบันทึกไว้หลายชื่อ: {', '.join(labels)} ใช้ชื่อ {labels[0]}",
                f"subdistrict {code} is recorded under several names: {', '.join(labels)}; {labels[0]} is used")))
        if not code.startswith(district_code):
            problems.append(Problem(Level.WARNING, ProblemCode.SUBDISTRICT_CODE, Text(
                f"{labels[0]} รหัส {code} ไม่ขึ้นต้นด้วยรหัสอำเภอ {district_code} แต่บันทึกว่าอยู่ในอำเภอนี้",
                f"subdistrict {code} is recorded in district {district_code} but its code does not start with it")))

    villages: dict[str, tuple[str, str]] = {}
    of_village: dict[str, Place] = {}
    village_names: dict[str, set[str]] = defaultdict(set)
    miscoded: list[str] = []
    village_rows = session.execute(select(col(Village.id), col(Village.code), col(Village.moo), col(Village.name),
                                          col(Village.subdistrict_id))).all()
    for v in sorted(village_rows, key=lambda v: (v.code, v.moo, v.name)):
        label = village_label(v.moo, v.name)
        sub = sub_of_id.get(v.subdistrict_id)
        if sub is None:
            of_village[v.id] = Place(None, None, why=Text(f"{label} ไม่มีตำบล", f"village {v.code} has no subdistrict"))
            continue
        scode, sname, dcode = sub
        if dcode != district_code:
            of_village[v.id] = Place(None, None, why=Text(
                f"{label} {subdistrict_label(sname)} รหัส {scode} อยู่ในอำเภอรหัส {dcode or '-'} ไม่ใช่อำเภอ {district_code}",
                f"village {v.code}: subdistrict {scode} is in district {dcode or 'unknown'}, not {district_code}"))
            continue
        # The key is made from the subdistrict the village belongs to and its number (the official
        # 8-digit code), not taken from the stored code: a copied database may carry another
        # subdistrict's codes, and villages of two subdistricts must never fall into one row.
        key = f"{scode}{v.moo:02d}"
        if v.code != key:
            miscoded.append(f"{label} {subdistrict_label(sname)} รหัส {v.code or '-'}")
        village_names[key].add(label)
        villages.setdefault(key, (label, scode))
        of_village[v.id] = Place(scode, key)
    for key, spellings in village_names.items():
        if len(spellings) > 1:
            listed = ", ".join(sorted(spellings))
            problems.append(Problem(Level.WARNING, ProblemCode.VILLAGE_NAMES, Text(
                f"หมู่บ้านรหัส {key} ถูกบันทึกไว้หลายชื่อ: {listed} นับรวมเป็นหมู่บ้านเดียว",
                f"village {key} is recorded under several names: {listed}; counted as one village")))
    if miscoded:
        examples = ", ".join(miscoded[:3])
        problems.append(Problem(Level.WARNING, ProblemCode.VILLAGE_CODES, Text(
            f"{len(miscoded)} หมู่บ้านมีรหัสไม่ตรงกับตำบลที่สังกัด รายงานจัดตามตำบลที่สังกัดและหมู่ที่ เช่น {examples}",
            f"{len(miscoded)} villages have a code that does not match their subdistrict and number; they are "
            "reported under the subdistrict they belong to")))
    order = list(subdistricts)
    villages = dict(sorted(villages.items(), key=lambda kv: (order.index(kv[1][1]), _moo_of(kv[1][0]), kv[0])))
    return Areas(district_code, names[0], subdistricts, villages, of_village, problems)


def _moo_of(label: str) -> int:
    try:
        return int(label.split()[1])
    except (IndexError, ValueError):
        return 10_000
