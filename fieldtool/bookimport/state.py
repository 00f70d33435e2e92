"""What the dry run knows as it goes: the book, loaded once, and what the rows planned so far list or make –
households, groups, loans – for the rows after them to refer to (a loan's borrower, a group's members, a
payment's loan). The register modules (`plan_households` … `plan_payments`) read and add to it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from fieldtool.bookimport.build import Row
from fieldtool.bookimport.known import Known
from fieldtool.bookimport.rowplan import RowPlan
from fieldtool.households import HouseholdInput, name_key
from fieldtool.loanbook import person_name
from fieldtool.names import clean
from fieldtool.text import Text


@dataclass
class FileHousehold:
    """A household this file lists or makes (households sheet, or a loan row's borrower), for the rows after."""

    ref: tuple[str, str]  # ("household", id) already in the book, or ("household-row", key) the import makes
    village_id: str
    title: str
    first: str
    last: str
    nid: str | None
    house_no: str = ""
    origin: Text | None = None  # said after the name when a later loan row names it ("the new household of row 5")
    input: HouseholdInput | None = None  # the new household a loan row makes

    @property
    def name(self) -> str:
        return person_name(self.title, self.first, self.last)

    def label(self, why: Text | None = None) -> Text:
        """How a later loan row names it: "นางสมศรี ใจดี (ครัวเรือนใหม่ของแถว 5, ชื่อคล้ายกันในหมู่บ้านเดียวกัน)"."""
        notes = [t for t in (self.origin, why) if t is not None]
        if not notes:
            return Text(self.name, self.name)
        return Text(f"{self.name} ({', '.join(t.th for t in notes)})", f"{self.name} ({', '.join(t.en for t in notes)})")


@dataclass
class PlanState:
    """The book and the file so far, as one planning run sees them."""

    known: Known
    file_name: str = ""  # written into the notes of what the import makes
    # the rows the file's own sheets plan, for the rows that refer to them
    file_nid: dict[str, RowPlan] = field(default_factory=dict)  # national ID → household row
    file_heads: dict[tuple[str, str], list[RowPlan]] = field(
        default_factory=lambda: defaultdict(list))  # (given, family) → household rows
    file_groups: dict[tuple[str, str], RowPlan] = field(default_factory=dict)  # (village id, name) → row
    file_group_names: dict[str, list[RowPlan]] = field(default_factory=lambda: defaultdict(list))
    file_loans: dict[str, RowPlan] = field(default_factory=dict)  # agreement key → loan row
    # the households the file lists or its loan rows make, as the borrowers of the loan rows see them
    households_by_nid: dict[str, FileHousehold] = field(default_factory=dict)
    # village id → family-name key → households: the guard compares given names only where the family
    # names are alike, which keeps a register of thousands of rows without IDs quick to check
    households_in: dict[str, dict[str, list[FileHousehold]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    households_named: dict[tuple[str, str], list[FileHousehold]] = field(
        default_factory=lambda: defaultdict(list))  # (given, family)
    # the people the groups sheet registers (named in a group, in no household): by (village id, given,
    # family) those a name or a house names, by (village id, given, family, house key, n) those "คนที่ n" names
    group_people: dict[tuple[str, str, str], list[Row]] = field(default_factory=lambda: defaultdict(list))
    group_nth: dict[tuple[str, str, str, str, int], Row] = field(default_factory=dict)

    def remember_household(self, household: FileHousehold) -> None:
        if household.nid:
            self.households_by_nid[household.nid] = household
        self.households_in[household.village_id][name_key(household.last)].append(household)
        self.households_named[(clean(household.first), clean(household.last))].append(household)
