"""The groups sheet in the dry run: each row a new group with its chair and members (whom they are is settled
in `group_people`), one the book has (the same name in the same village), or refused – and the group a loan
row names, in the book or the sheet."""

from __future__ import annotations

from collections.abc import Iterable

from fieldtool.bookimport import values as v
from fieldtool.bookimport.group_people import GroupPeople, named_in
from fieldtool.bookimport.headers import SheetMap
from fieldtool.bookimport.known import village_label
from fieldtool.bookimport.rowplan import Refused, RowPlan, planned_row, refuse
from fieldtool.bookimport.sheetrows import Cells, DataRow
from fieldtool.bookimport.state import PlanState
from fieldtool.groups import GROUP_NAME
from fieldtool.limits import NAME, check_text
from fieldtool.names import clean
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import RowAction


def plan_groups(state: PlanState, m: SheetMap, rows: Iterable[DataRow]) -> list[RowPlan]:
    sheet = m.sheet.name
    out = []
    for n, cells, _ in rows:
        plan = planned_row(sheet, n, _group_row, state, sheet, n, cells)
        if plan.action is RowAction.REFUSED and (name := v.text_of(cells.get("name"))):
            # a loan row naming the group is told that the group's row is refused, not that it is missing
            try:
                vid = state.known.village(cells.get("moo"))[0]
            except (Refused, InputError):
                vid = None
            plan.data = {"village_id": vid}
            state.file_group_names[clean(name)].append(plan)
        out.append(plan)
    return out


def group_ref(state: PlanState, name: str, vid: str | None) -> tuple[str, str] | None:
    """The group a loan row names: ("group", id) in the book, ("group-row", ref) the groups sheet makes, or
    None; a name several villages' groups share needs the row's หมู่ที่."""
    key = clean(name)
    rows = [r for r in state.file_group_names.get(key, [])
            if vid is None or r.data["village_id"] in (vid, None)]
    known = [(g, gv) for g, gv in state.known.group_names.get(key, []) if vid is None or gv == vid]
    refs = {("group", r.matched) if r.action is RowAction.MATCH else ("group-row", r.ref)
            for r in rows if r.action is not RowAction.REFUSED}
    refs |= {("group", g) for g, _ in known}
    refused = [r for r in rows if r.action is RowAction.REFUSED]
    if refused and not refs:
        refuse(f"กลุ่ม {name} ในชีต {refused[0].sheet} แถว {refused[0].row} ไม่รับ",
               f"the group {name} (sheet {refused[0].sheet}, row {refused[0].row}) is refused")
    if len(refs) > 1:
        refuse(f"มีกลุ่มชื่อ {name} หลายหมู่บ้าน ให้ระบุหมู่ที่", f"several villages have a group {name}; give the หมู่ที่")
    return refs.pop() if refs else None


def _group_row(state: PlanState, sheet: str, number: int, cells: Cells) -> RowPlan:
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
    people = None
    if existing:
        plan = RowPlan(sheet, number, RowAction.MATCH, Text(f"มีอยู่แล้ว: กลุ่ม {name} {where}",
                                                            f"already registered: group {name}, {where}"), existing)
    else:
        # whom the cells name is settled here, with the checks the group is written with: what the
        # preview accepts, the import writes
        people = GroupPeople(state, vid, moo)
        for named in named_in(cells.get("chair")):
            people.add("chair", named)
        for named in named_in(cells.get("members")):
            people.add("member", named)
        people.check(name)
        count = len(people.members)
        plan = RowPlan(sheet, number, RowAction.CREATE, Text(
            f"กลุ่มใหม่: {name} {where} สมาชิก {count} คน", f"new group: {name}, {where}, {count} members"))
        plan.data = {"name": name, "members": people.members, "new_people": people.new_people}
    # nothing after this refuses the row
    if people is not None:
        people.keep()
    plan.data = {**(plan.data or {}), "village_id": vid}
    state.file_groups[(vid, clean(name))] = plan
    state.file_group_names[clean(name)].append(plan)
    return plan
