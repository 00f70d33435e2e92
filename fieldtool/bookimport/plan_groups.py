"""The groups sheet in the dry run: each row a new group with its chair and members, one the book has (the
same name in the same village), or refused – and the group a loan row names, in the book or the sheet."""

from __future__ import annotations

from collections.abc import Iterable

from fieldtool.bookimport import values as v
from fieldtool.bookimport.headers import SheetMap
from fieldtool.bookimport.known import village_label
from fieldtool.bookimport.rowplan import CREATE, MATCH, REFUSED, RowPlan, planned_row, refuse
from fieldtool.bookimport.state import PlanState
from fieldtool.groups import GROUP_NAME, PersonSpec
from fieldtool.limits import NAME, check_text
from fieldtool.names import clean, split_name
from fieldtool.text import Text
from fieldtool.thai import to_arabic_digits


def plan_groups(state: PlanState, m: SheetMap, rows: Iterable[tuple[int, dict, list]]) -> list[RowPlan]:
    sheet = m.sheet.name
    return [planned_row(sheet, n, _group_row, state, sheet, n, cells) for n, cells, _ in rows]


def group_ref(state: PlanState, name: str, vid: str | None) -> tuple[str, str] | None:
    """The group a loan row names: ("group", id) in the book, ("group-row", ref) the groups sheet makes, or
    None; a name several villages' groups share needs the row's หมู่ที่."""
    key = clean(name)
    rows = [r for r in state.file_group_names.get(key, []) if vid is None or r.data["village_id"] == vid]
    known = [(g, gv) for g, gv in state.known.group_names.get(key, []) if vid is None or gv == vid]
    refs = {("group", r.record_id) if r.action == MATCH else ("group-row", r.ref) for r in rows if r.action != REFUSED}
    refs |= {("group", g) for g, _ in known}
    if any(r.action == REFUSED for r in rows) and not refs:
        refuse(f"กลุ่ม {name} ในชีตกลุ่มไม่รับ", f"the group {name} is refused in the groups sheet")
    if len(refs) > 1:
        refuse(f"มีกลุ่มชื่อ {name} หลายหมู่บ้าน ให้ระบุหมู่ที่", f"several villages have a group {name}; give the หมู่ที่")
    return refs.pop() if refs else None


def _group_row(state: PlanState, sheet: str, number: int, cells: dict) -> RowPlan:
    name = v.text_of(cells.get("name"))
    if not name:
        refuse("ไม่มีชื่อกลุ่ม", "the group name is missing")
    check_text(name, GROUP_NAME, NAME)
    vid, moo, vname = state.known.village(cells.get("moo"))
    where = village_label(moo, vname)
    if (vid, clean(name)) in state.file_groups:
        other = state.file_groups[(vid, clean(name))]
        refuse(f"กลุ่ม {name} {where} ซ้ำกับแถว {other.row}", f"group {name} ({where}) is also in row {other.row}")
    existing = state.known.groups.get((vid, clean(name)))
    if existing:
        plan = RowPlan(sheet, number, MATCH, Text(f"มีอยู่แล้ว: กลุ่ม {name} {where}",
                                                  f"already registered: group {name}, {where}"), existing)
    else:
        members = [("chair", spec) for spec in _people(state, cells.get("chair"))][:1]
        seen = {_person_key(spec) for _, spec in members}
        for spec in _people(state, cells.get("members")):
            if _person_key(spec) not in seen:
                seen.add(_person_key(spec))
                members.append(("member", spec))
        plan = RowPlan(sheet, number, CREATE, Text(
            f"กลุ่มใหม่: {name} {where} สมาชิก {len(members)} คน", f"new group: {name}, {where}, {len(members)} members"))
        plan.data = {"name": name, "members": members}
    plan.data = {**(plan.data or {}), "village_id": vid}
    state.file_groups[(vid, clean(name))] = plan
    state.file_group_names[clean(name)].append(plan)
    return plan


def _person_key(spec: PersonSpec) -> str:
    return spec.national_id or f"{spec.first_name}|{spec.last_name}"


def _people(state: PlanState, cell) -> list[PersonSpec]:
    """Names or national IDs, separated by commas or line breaks."""
    text = v.text_of(cell) if not isinstance(cell, str) else cell
    out = []
    for part in text.replace("\n", ",").replace(";", ",").split(","):
        part = clean(part)
        if not part:
            continue
        digits = part.replace("-", "").replace(" ", "")
        if to_arabic_digits(digits).isdigit():
            nid = v.parse_national_id(part)
            if nid not in state.known.by_nid and nid not in state.file_nid:
                refuse(f"ไม่พบผู้มีเลขประจำตัวประชาชน {nid} ในทะเบียนหรือในไฟล์นี้",
                       f"nobody with national ID {nid} is registered or in this file")
            out.append(PersonSpec(first_name="", national_id=nid))
        else:
            title, first, last = split_name(part)
            out.append(PersonSpec(first, last, title))
    return out
