"""Who borrows on a loan row: the ผู้กู้ cell (a national ID, a group, or a name) or, in a debtor control
register, the household columns on the same row. The household is looked for as the households sheet looks:
the same national ID in the book or the file, else the duplicate guard's similar name in the row's village; a
borrower found nowhere becomes a new household of that row ("new household … + new loan …"), and the same
person's next loans go to it."""

from __future__ import annotations

from dataclasses import dataclass

from fieldtool.bookimport import build
from fieldtool.bookimport import values as v
from fieldtool.bookimport.known import KnownPerson, RowVillage, full_name_key, lengths_can_match
from fieldtool.bookimport.plan_groups import group_ref
from fieldtool.bookimport.plan_households import refuse_in_no_household
from fieldtool.bookimport.rowplan import refuse
from fieldtool.bookimport.sheetrows import Cells
from fieldtool.bookimport.state import FileHousehold, PlanState
from fieldtool.bookimport.workbook import Cell
from fieldtool.booklayout import BORROWER_IDENTITY
from fieldtool.households import SIMILAR, HouseholdInput, PersonInput, names_alike
from fieldtool.loanbook import person_name
from fieldtool.names import clean, split_name
from fieldtool.registry import check_house_no
from fieldtool.text import Text
from fieldtool.thai import to_arabic_digits
from fieldtool.vocabulary import HouseholdSource


@dataclass
class Borrower:
    """A loan row's borrower: the reference apply_import needs, the words for the preview, and what the row
    adds to the file's households once it is accepted."""

    ref: tuple[str, str]
    label: Text
    new: FileHousehold | None = None  # a household this row makes
    # an earlier row's new household learns its national ID
    gains_nid: tuple[FileHousehold, str] | None = None


@dataclass
class _Named:
    """Whom a loan row names as its borrower: the ผู้กู้ cell, or a register's household columns."""

    title: str = ""
    first: str = ""
    last: str = ""
    nid: str | None = None
    house_no: str = ""
    phone: str = ""

    @property
    def name(self) -> str:
        return person_name(self.title, self.first, self.last)


def loan_borrower(state: PlanState, cells: Cells, village: RowVillage | None, row: tuple[str, int]) -> Borrower:
    """The borrower of a loan row: its ผู้กู้ cell when it has one, else the household its columns describe."""
    named = _named(cells)
    cell = cells.get("borrower")
    if not v.is_blank(cell):
        return _borrower(state, cell, village, named, row)
    if named is None:
        refuse("ไม่มีผู้กู้", "the borrower is missing")
    if not named.nid:  # the name column of a register may hold a group's name
        group = _group_named(state, v.text_of(cells.get("first_name")), village)
        if group is not None:
            return group
    return _household_for(state, named, village, row)


def _named(cells: Cells) -> _Named | None:
    """The person a debtor control register's household columns describe on this row, if any."""
    if not any(f in cells for f in BORROWER_IDENTITY):
        return None
    id_cell = cells.get("national_id")
    nid = None if v.is_masked_id(id_cell) else v.parse_national_id(id_cell)
    title, first, last = "", "", ""
    if not v.is_blank(cells.get("first_name")):
        title, first, last = v.parse_name(cells.get("title"), cells.get("first_name"), cells.get("last_name"))
    if not first and not nid:
        return None
    return _Named(title, first, last, nid, v.text_of(cells.get("house_no")), v.parse_phone(cells.get("phone")))


def _borrower(state: PlanState, cell: Cell, village: RowVillage | None, named: _Named | None, row: tuple[str, int],
              ) -> Borrower:
    """The ผู้กู้ cell: a national ID, a group's name or a person's name. It wins over the household columns
    of the row, which only add what it leaves out (the name to its ID, the ID to its name)."""
    text = v.text_of(cell)
    digits = to_arabic_digits(text).replace("-", "").replace(" ", "")
    if digits.isdigit() or isinstance(cell, (int, float)):
        nid = v.parse_national_id(cell)
        if named is not None and named.nid in (None, nid):
            named.nid = nid
        else:
            named = _Named(nid=nid)
        return _household_for(state, named, village, row)
    group = _group_named(state, text, village)
    if group is not None:
        return group
    text, house_no, nth = v.name_note(text)
    if nth:
        refuse(f"ผู้กู้ {text} (คนที่ {nth}): ผู้กู้เป็นหัวหน้าครัวเรือน ให้ระบุเลขประจำตัวประชาชนหรือบ้านเลขที่",
               f"the borrower {text} (คนที่ {nth}) heads a household: give the national ID or the house")
    title, first, last = split_name(text)
    if named is not None and (not named.first or (clean(named.first), clean(named.last)) == (first, last)):
        named.title, named.first, named.last = named.title or title, first, last
    else:
        named = _Named(title, first, last)
    named.house_no = house_no or named.house_no
    return _household_for(state, named, village, row)


def _group_named(state: PlanState, text: str, village: RowVillage | None) -> Borrower | None:
    """The group a borrower's name names, in the book or the groups sheet. A name "กลุ่ม…" that is no group
    of either is refused: it is not a person to register."""
    group = group_ref(state, text, village[0] if village else None)
    if group is not None:
        return Borrower(group, Text(f"กลุ่ม {text}", f"group {text}"))
    if clean(text).startswith("กลุ่ม"):
        refuse(f"ไม่พบกลุ่ม {text} ในทะเบียนหรือในชีตกลุ่ม ให้เพิ่มกลุ่มก่อนนำเข้า",
               f"there is no group {text} in the register or the groups sheet; add the group before importing")
    return None


def _household_for(state: PlanState, named: _Named, village: RowVillage | None, row: tuple[str, int]) -> Borrower:
    """The household of the person a loan row names, looked for as the households sheet looks: the same
    national ID in this file or the book, else the duplicate guard's similar name in the row's village;
    found nowhere, a new household of this row (sheet, row number) in the row's village."""
    known = state.known
    if named.nid:
        household = state.households_by_nid.get(named.nid)
        if household is not None:
            _same_village(household.village_id, village, household.name)
            return Borrower(household.ref, household.label())
        person = known.by_nid.get(named.nid)
        if person is not None:
            name = person_name(person.title, person.first, person.last)
            hid = known.household_of.get(person.id)
            if hid is None:
                refuse(f"{name} ({named.nid}) ไม่ได้อยู่ในครัวเรือนใด", f"{name} ({named.nid}) is in no household")
            _same_village(known.household_village.get(hid), village, name)
            return Borrower(("household", hid), Text(name, name))
        if not named.first:
            refuse(f"ไม่พบผู้กู้เลขประจำตัวประชาชน {named.nid} ในทะเบียนหรือในชีตครัวเรือน",
                   f"no borrower with national ID {named.nid} in the register or the households sheet")
    name = named.name
    if village is None:
        return _household_named(state, named)
    vid, moo, vname = village
    found = _alike_households(state, vid, named)
    if len(found) > 1 and named.house_no:  # namesakes told apart by the house
        found = _at_house(state, found, named.house_no) or found
    if len(found) > 1:
        names = Text(", ".join(shown.th for _, shown in found.values()),
                     ", ".join(shown.en for _, shown in found.values()))
        refuse(f"หมู่ที่ {moo} มีผู้ชื่อคล้าย {name} {len(found)} คน: {names.th} ให้ระบุเลขประจำตัวประชาชนของผู้กู้",
               f"{len(found)} people in หมู่ที่ {moo} have a name like {named.first} {named.last}: {names.en}; "
               "give the borrower's national ID")
    if found:
        ((ref, (match, shown)),) = found.items()
        same = (clean(match.first), clean(match.last)) == (clean(named.first), clean(named.last))
        why = (Text("ชื่อเดียวกันในหมู่บ้านเดียวกัน", "the same name in the same village") if same
               else Text("ชื่อคล้ายกันในหมู่บ้านเดียวกัน", "a similar name in the same village"))
        if ref[0] == "person":
            refuse_in_no_household(name, named.first, named.last, shown, why)
        if isinstance(match, FileHousehold):
            gains = (match, named.nid) if named.nid and match.input is not None and not match.nid else None
            return Borrower(ref, match.label(None if same else why), gains_nid=gains)
        return Borrower(ref, Text(f"{shown.th} (มีอยู่แล้ว: {why.th})",
                                  f"{shown.en} (already registered: {why.en})"))
    sheet, number = row
    check_house_no(named.house_no)
    new_input = HouseholdInput(vid, PersonInput(named.first, named.last, named.title, named.nid, named.phone),
                               named.house_no, source=HouseholdSource.FIELD)
    new = FileHousehold(
        ("household-row", f"{sheet}\x1f{number}\x1fhousehold"), vid, named.title, named.first, named.last,
        named.nid, named.house_no, Text(f"ครัวเรือนใหม่ของแถว {number}", f"the new household of row {number}"),
        new_input,
    )
    build.household_rows(new_input)  # what the import will make, checked as it will be
    return Borrower(new.ref, Text(name, name), new=new)


def _alike_households(state: PlanState, vid: str, named: _Named,
                      ) -> dict[tuple[str, str], tuple[KnownPerson | FileHousehold, Text]]:
    """The duplicate guard on a borrower's name in one village: ref → (who matched, how to name them), from
    the book (exact name key or the guard's likeness, a different national ID being someone else) and from
    the households this file lists or makes there."""
    known = state.known
    key = full_name_key(named.first, named.last)
    out: dict[tuple[str, str], tuple[KnownPerson | FileHousehold, Text]] = {}
    people = known.same_name(vid, named.first, named.last, named.nid)
    for person in people + known.similar(vid, named.first, named.last, named.nid):
        hid = known.household_of.get(person.id)
        house = known.household_house.get(hid) if hid else None
        shown = _shown(person_name(person.title, person.first, person.last), house)
        out.setdefault(("household", hid) if hid else ("person", person.id), (person, shown))
    for family, found in state.households_in.get(vid, {}).items():
        if named.last and family and (not lengths_can_match(named.last, found[0].last) or names_alike(
                named.last, "", found[0].last, "") < SIMILAR):
            continue  # family names too far apart: nobody of this family is her
        for household in found:
            if named.nid and household.nid and household.nid != named.nid:
                continue
            if full_name_key(household.first, household.last) == key or (
                    lengths_can_match(named.first, household.first)
                    and names_alike(named.first, named.last, household.first, household.last) >= SIMILAR):
                out.setdefault(household.ref, (household, _shown(household.name, household.house_no)))
    return out


def _at_house(state: PlanState, found: dict[tuple[str, str], tuple[KnownPerson | FileHousehold, Text]], house_no: str,
              ) -> dict[tuple[str, str], tuple[KnownPerson | FileHousehold, Text]]:
    """Of the households the guard found, those at the house the row names."""
    out = {}
    for ref, (match, shown) in found.items():
        if isinstance(match, FileHousehold):
            house = match.house_no
        elif ref[0] == "household":
            house = state.known.household_house.get(ref[1], "")
        else:
            house = match.house_no
        if v.house_key(house) == v.house_key(house_no):
            out[ref] = (match, shown)
    return out


def _household_named(state: PlanState, named: _Named) -> Borrower:
    """A borrower named without a หมู่ที่: the one household anywhere in the subdistrict or the file with
    exactly that name (nothing new can be made without the village)."""
    first, last = clean(named.first), clean(named.last)
    refs = {h.ref: h.label() for h in state.households_named.get((first, last), [])}
    for hid in state.known.head_names.get((first, last), []):
        refs.setdefault(("household", hid), Text(named.name, named.name))
    if len(refs) > 1:
        refuse(f"มีผู้ชื่อ {named.name} มากกว่าหนึ่งครัวเรือน ให้ใช้เลขประจำตัวประชาชนหรือระบุหมู่ที่",
               f"more than one household has {first} {last}; give the national ID or the หมู่ที่")
    if not refs:
        refuse(f"ไม่พบผู้กู้ {named.name} (ครัวเรือนหรือกลุ่ม) ในทะเบียนหรือในไฟล์นี้ ระบุหมู่ที่เพื่อเพิ่มเป็นครัวเรือนใหม่",
               f"no borrower {first} {last} (household or group) in the register or this file; give the หมู่ที่ "
               "to add a new household")
    ((ref, label),) = refs.items()
    return Borrower(ref, label)


def _same_village(vid: str | None, village: RowVillage | None, name: str) -> None:
    if village is not None and vid is not None and vid != village[0]:
        refuse(f"ผู้กู้ {name} ไม่ได้อยู่หมู่ที่ {village[1]} ตามที่แถวนี้ระบุ",
               f"the borrower {name} does not live in หมู่ที่ {village[1]} as this row says")


def _shown(name: str, house_no: str | None) -> Text:
    """A person the guard found, told apart from a namesake by the house."""
    return Text(f"{name} บ้านเลขที่ {house_no}", f"{name}, house {house_no}") if house_no else Text(name, name)
