"""The households sheet in the dry run: each row a new household, one the book has (the same national ID, or
the duplicate guard's similar name in the same village), or refused; each household is kept for the loan
rows after it, whose borrower it may be."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from fieldtool.bookimport import build
from fieldtool.bookimport import values as v
from fieldtool.bookimport.headers import SheetMap
from fieldtool.bookimport.known import village_label
from fieldtool.bookimport.rowplan import RowPlan, planned_row, refuse
from fieldtool.bookimport.sheetrows import Cells, DataRow, cell
from fieldtool.bookimport.state import FileHousehold, PlanState
from fieldtool.bookimport.workbook import Cell
from fieldtool.booklayout import header_key
from fieldtool.households import HouseholdInput, PersonInput
from fieldtool.loanbook import person_name
from fieldtool.names import clean
from fieldtool.places import place_name
from fieldtool.registry import check_house_no
from fieldtool.text import Text
from fieldtool.vocabulary import HouseholdSource, RowAction


def plan_households(state: PlanState, m: SheetMap, rows: Iterable[DataRow], source: HouseholdSource,
                    ) -> list[RowPlan]:
    sheet = m.sheet.name
    return [planned_row(sheet, n, _household_row, state, m, n, cells, row, source) for n, cells, row in rows]


def new_household_text(name: str, first: str, last: str, where: str, house_no: str) -> Text:
    """How a new household is said: "ครัวเรือนใหม่: นางสมศรี ใจดี หมู่ที่ 3 บ้านนา บ้านเลขที่ 12"."""
    return Text(f"ครัวเรือนใหม่: {name} {where}" + (f" บ้านเลขที่ {house_no}" if house_no else ""),
                f"new household: {first} {last}, {where}" + (f", house {house_no}" if house_no else ""))


def refuse_in_no_household(name: str, first: str, last: str, existing: Text, why: Text) -> NoReturn:
    """The row looks like a person the book has, in no household: the officer adds the household first."""
    refuse(f"{name} อาจเป็น {existing.th} ที่มีในทะเบียนแล้ว ({why.th}) แต่ไม่ได้อยู่ในครัวเรือนใด ให้เพิ่มครัวเรือนในโปรแกรม",
           f"{first} {last} looks like {existing.en}, already registered ({why.en}) but in no household; "
           "add the household in the program")


def _household_row(state: PlanState, m: SheetMap, number: int, cells: Cells, row: list[Cell],
                   source: HouseholdSource) -> RowPlan:
    known = state.known
    sheet = m.sheet.name
    if (col := m.place_columns.get("subdistrict")) is not None and known.subdistrict:
        where = place_name("subdistrict", v.text_of(cell(row, col)))
        if where and header_key(where) != header_key(known.subdistrict):
            refuse(f"แถวนี้อยู่ตำบล{where} เครื่องนี้ดูแลตำบล{known.subdistrict}",
                   f"this row is in subdistrict {where}; this laptop serves {known.subdistrict}")
    vid, moo, vname = known.village(cells.get("moo"))
    title, first, last = v.parse_name(cells.get("title"), cells.get("first_name"), cells.get("last_name"))
    masked = v.is_masked_id(cells.get("national_id"))
    nid = None if masked else v.parse_national_id(cells.get("national_id"))
    phone = v.parse_phone(cells.get("phone"))
    house_no = check_house_no(v.text_of(cells.get("house_no")))
    name = person_name(title, first, last)
    where = village_label(moo, vname)
    if nid and nid in state.file_nid:
        other = state.file_nid[nid]
        refuse(f"เลขประจำตัวประชาชน {nid} ซ้ำกับแถว {other.row}", f"national ID {nid} is also in row {other.row}")
    for other in state.file_heads.get((clean(first), clean(last)), []):
        # namesakes are common in a village: two national IDs, or two house numbers, are two households
        elsewhere = house_no and other.data["house_no"] and v.house_key(house_no) != v.house_key(other.data["house_no"])
        if other.data["village_id"] == vid and (not nid or not other.data["nid"]) and not elsewhere:
            refuse(f"{name} {where} ซ้ำกับแถว {other.row}", f"{first} {last} ({where}) is also in row {other.row}")
    plan = _household_match(state, sheet, number, vid, where, name, first, last, nid, house_no)
    if plan is None:
        note = Text(" (เลขประจำตัวถูกปิดบางหลัก ไม่นำเข้า)", " (masked national ID left out)") if masked else Text("", "")
        new = new_household_text(name, first, last, where, house_no)
        plan = RowPlan(sheet, number, RowAction.CREATE, Text(new.th + note.th, new.en + note.en))
        plan.data = {"input": HouseholdInput(vid, PersonInput(first, last, title, nid, phone), house_no,
                                             source=source)}
        build.household_rows(plan.data["input"])  # what the import will make, checked as it will be
    plan.data = {**(plan.data or {}), "village_id": vid, "nid": nid, "title": title, "first": first, "last": last,
                 "house_no": house_no}
    if nid:
        state.file_nid[nid] = plan
    state.file_heads[(clean(first), clean(last))].append(plan)
    ref = ("household", plan.matched) if plan.action is RowAction.MATCH else ("household-row", plan.ref)
    state.remember_household(FileHousehold(ref, vid, title, first, last, nid, house_no))
    return plan


def _household_match(state: PlanState, sheet: str, number: int, vid: str, where: str, name: str, first: str,
                     last: str, nid: str | None, house_no: str) -> RowPlan | None:
    known = state.known
    person = known.by_nid.get(nid) if nid else None
    why = Text("เลขประจำตัวประชาชนเดียวกัน", "the same national ID")
    if person is None:
        candidates = known.same_name(vid, first, last, nid)
        if not candidates:
            candidates = known.similar(vid, first, last, nid)
        if house_no:  # of namesakes, the one at the row's house
            candidates = [p for p in candidates if v.house_key(p.house_no) == v.house_key(house_no)] or candidates
        person = candidates[0] if candidates else None
        why = Text("ชื่อคล้ายกันในหมู่บ้านเดียวกัน", "a similar name in the same village")
    if person is None:
        return None
    existing = person_name(person.title, person.first, person.last)
    household = known.household_of.get(person.id)
    if household is None:
        refuse_in_no_household(name, first, last, Text(existing, existing), why)
    return RowPlan(sheet, number, RowAction.MATCH, Text(f"มีอยู่แล้ว: {existing} {where} ({why.th})",
                                                        f"already registered: {existing}, {where} ({why.en})"), household)
