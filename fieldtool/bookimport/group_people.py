"""Whom a group row's chair and member cells name, decided in the dry run, person by person, so that writing
the group only puts in place what the preview showed (the apply asks no name again).

A cell holds names or national IDs, separated by commas or line breaks. A national ID names the person of the
book or of the households sheet who has it. A name names the one person of that name in the row's village –
in the book, on the households sheet or registered by an earlier group row – or, when there is none, a new
person of the village. Namesakes are told apart by a note: "(บ้านเลขที่ 12)" names the one of that name at
that house, and "(บ้านเลขที่ 12 คนที่ 2)" (or "(คนที่ 2)") a person of that name the file itself numbers: the
first mention registers a new person, every later one in the file is that person (the one written without
คนที่ is the first). A name several people share, with nothing to tell them apart, is refused; so is one
person named twice in a group in two ways (a name and an ID, two spellings): the officer says whether two
people were meant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldtool import registry
from fieldtool.bookimport import build
from fieldtool.bookimport import values as v
from fieldtool.bookimport.build import Row
from fieldtool.bookimport.rowplan import RowPlan, refuse
from fieldtool.bookimport.state import PlanState
from fieldtool.bookimport.workbook import Cell
from fieldtool.loanbook import person_name
from fieldtool.names import clean, split_name
from fieldtool.thai import to_arabic_digits
from fieldtool.vocabulary import RowAction

# Who a member is: ("person", id) in the book, ("head", ref) of a households-sheet row the import makes, or
# ("new", id) a person this groups sheet registers (its row is in the group row's "new_people").
PersonRef = tuple[str, str]
# How a name is looked up: (village id, given, family), or with "คนที่ n" (…, house key, n).
NameKey = tuple[str, str, str] | tuple[str, str, str, str, int]


@dataclass(frozen=True)
class Named:
    """One name or ID of a chair or members cell."""

    text: str  # as written, spaces cleaned
    title: str = ""
    first: str = ""
    last: str = ""
    nid: str | None = None
    house_no: str = ""
    nth: int = 0  # "คนที่ 2"; 0 when not said


def named_in(cell: Cell) -> list[Named]:
    """The names and IDs of a cell, in order."""
    text = v.text_of(cell) if not isinstance(cell, str) else cell
    out: list[Named] = []
    for part in text.replace("\n", ",").replace(";", ",").split(","):
        part = clean(part)
        if not part:
            continue
        digits = part.replace("-", "").replace(" ", "")
        if to_arabic_digits(digits).isdigit():
            out.append(Named(part, nid=v.parse_national_id(part)))
            continue
        name, house_no, nth = v.name_note(part)
        title, first, last = split_name(name)
        out.append(Named(part, title, first, last, house_no=house_no, nth=nth))
    return out


@dataclass
class GroupPeople:
    """The people one group row names, resolved against the book, the file and the rows before it; what it
    registers joins the file's people only when the row is accepted (`keep`)."""

    state: PlanState
    village_id: str
    moo: int
    members: list[tuple[str, PersonRef]] = field(default_factory=list)  # (role, who)
    new_people: list[Row] = field(default_factory=list)  # person rows this row registers
    _written: dict[PersonRef, Named] = field(default_factory=dict)
    _new_named: list[tuple[NameKey, Row]] = field(default_factory=list)  # (look-up key, row) to keep
    _names: dict[PersonRef, str] = field(default_factory=dict)

    def add(self, role: str, named: Named) -> None:
        who = self._resolve(named)
        if who in self._written:
            before = self._written[who]
            chair = next((r for r, w in self.members if w == who), None) == "chair"
            if chair or clean(before.text) == clean(named.text):
                return  # the chair listed among the members too, or a name repeated as it was written
            refuse(f"{before.text} กับ {named.text} ในแถวนี้คือคนเดียวกัน ({self._names[who]}) ถูกระบุซ้ำในกลุ่ม "
                   f"ถ้าเป็นคนละคน ให้เขียนบ้านเลขที่หรือคนที่ในวงเล็บหลังชื่อ เช่น {named.text} (บ้านเลขที่ 12 คนที่ 2)",
                   f"{before.text} and {named.text} in this row are the same person ({self._names[who]}), named twice "
                   f"in the group; if they are two people, add the house or which one after the name, e.g. "
                   f"{named.text} (บ้านเลขที่ 12 คนที่ 2)")
        self._written[who] = named
        self.members.append((role, who))

    def check(self, name: str) -> None:
        """The group made as the import will make it (a name, roles, one chair, nobody twice), on the people
        as resolved (each stands for a person id the import will have): what the preview accepts is written."""
        build.group_rows(self.village_id, name, [(role, "\x1f".join(who)) for role, who in self.members])

    def keep(self) -> None:
        """The row is accepted: the people it registers are there for the rows after it."""
        for key, row in self._new_named:
            if len(key) == 5:
                self.state.group_nth[key] = row
            else:
                self.state.group_people[key].append(row)

    # --- finding whom a name names ------------------------------------------------------------------------

    def _resolve(self, named: Named) -> PersonRef:
        if named.nid:
            return self._by_nid(named.nid)
        key = (self.village_id, clean(named.first), clean(named.last))
        if named.nth:
            nth_key = (*key, v.house_key(named.house_no), named.nth)
            row = self.state.group_nth.get(nth_key) or next(
                (r for k, r in self._new_named if k == nth_key), None)
            if row is None:
                return self._register(named, nth_key)
            self._names.setdefault(("new", row["id"]), person_name(named.title, named.first, named.last))
            return ("new", row["id"])
        found = self._namesakes(key)
        if named.house_no:
            found = {who: house for who, house in found.items() if v.house_key(house) == v.house_key(named.house_no)}
        if len(found) == 1:
            ((who, _),) = found.items()
            self._names.setdefault(who, person_name(named.title, named.first, named.last))
            return who
        if not found:
            return self._register(named, key)
        name = person_name(named.title, named.first, named.last)
        if named.house_no:
            refuse(f"หมู่ที่ {self.moo} บ้านเลขที่ {named.house_no} มีผู้ชื่อ {name} {len(found)} คน "
                   f"ให้ระบุเลขประจำตัวประชาชน หรือเขียนว่าคนที่เท่าใด เช่น {name} (บ้านเลขที่ {named.house_no} คนที่ 2)",
                   f"{len(found)} people named {named.first} {named.last} live at house {named.house_no} of หมู่ที่ "
                   f"{self.moo}; give the national ID, or which one, e.g. {name} (บ้านเลขที่ {named.house_no} คนที่ 2)")
        refuse(f"หมู่ที่ {self.moo} มีผู้ชื่อ {name} {len(found)} คน ให้ระบุเลขประจำตัวประชาชน "
               f"หรือบ้านเลขที่ในวงเล็บหลังชื่อ เช่น {name} (บ้านเลขที่ 12)",
               f"{len(found)} people in หมู่ที่ {self.moo} are named {named.first} {named.last}; give the national "
               f"ID, or the house after the name, e.g. {name} (บ้านเลขที่ 12)")

    def _by_nid(self, nid: str) -> PersonRef:
        known = self.state.known
        row = self.state.file_nid.get(nid)
        person = known.by_nid.get(nid)
        if person is not None:
            who = ("person", person.id)
            self._names[who] = person_name(person.title, person.first, person.last)
        elif row is not None:
            who = self._file_head(row)
            self._names[who] = person_name(row.data["title"], row.data["first"], row.data["last"])
        else:
            refuse(f"ไม่พบผู้มีเลขประจำตัวประชาชน {nid} ในทะเบียนหรือในไฟล์นี้",
                   f"nobody with national ID {nid} is registered or in this file")
        return who

    def _file_head(self, row: RowPlan) -> PersonRef:
        """The head of a households-sheet row: made by this import, or the book's household it matched."""
        if row.action is RowAction.CREATE:
            return ("head", row.ref)
        return ("person", self.state.known.household_head[row.matched])

    def _namesakes(self, key: tuple[str, str, str]) -> dict[PersonRef, str]:
        """Everyone a plain name (or a name and house) may name: who → house number."""
        vid, first, last = key
        found: dict[PersonRef, str] = {("person", p.id): p.house_no for p in self.state.known.written_names.get(key, [])}
        for plan in self.state.file_heads.get((first, last), []):
            if plan.data["village_id"] == vid and plan.action in (RowAction.CREATE, RowAction.MATCH):
                found.setdefault(self._file_head(plan), plan.data["house_no"])
        for person in self.state.group_people.get(key, []):
            found[("new", person["id"])] = person["house_no"]
        for k, person in self._new_named:
            if k == key:
                found[("new", person["id"])] = person["house_no"]
        return found

    def _register(self, named: Named, key: NameKey) -> PersonRef:
        row = registry.person_row(first_name=named.first, last_name=named.last, title=named.title,
                                  village_id=self.village_id, house_no=named.house_no)
        self.new_people.append(row)
        self._new_named.append((key, row))
        who = ("new", row["id"])
        self._names[who] = person_name(named.title, named.first, named.last)
        return who
