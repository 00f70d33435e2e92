"""The dry run of an import: what each row of an office's register would become, before anything is written.

Every row is classified as **create** (what will be made, in words), **match** (already in the book: the same
national ID, agreement number or payment, or a household the duplicate guard finds under a similar name in
the same village) or **refused** (one sentence, Thai and English, naming why). What the database already
holds is loaded in a few bulk queries first; no row costs a query. Planning writes nothing.

A loan row names its borrower in the ผู้กู้ column (a national ID, a group, or a name) or, in a debtor control
register, by the household columns on the same row. Either way the household is looked for as the households
sheet looks: the same national ID in the book or the file, else the duplicate guard's similar name in the
row's village; a borrower found nowhere becomes a new household of that row ("new household … + new loan …"),
and the same person's next loans go to it.
Rows that are not data are passed over: empty rows, notes, the totals row (รวม, รวมทั้งสิ้น, ยอดรวม … wherever it
sits, with only numbers beside it) and the header repeated on every printed page.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldtool import funds as fundrules
from fieldtool.bookimport import values as v
from fieldtool.bookimport.headers import SheetMap, filled_top, read_sheet
from fieldtool.bookimport.workbook import Workbook, column_letter
from fieldtool.booklayout import BORROWER_IDENTITY, header_key
from fieldtool.groups import PersonSpec
from fieldtool.households import SIMILAR, HouseholdInput, PersonInput, name_key, names_alike
from fieldtool.loanbook import person_name
from fieldtool.models import (
    BorrowingGroup,
    Fund,
    Household,
    HouseholdMember,
    Loan,
    Payment,
    Person,
    Village,
)
from fieldtool.names import clean, split_name
from fieldtool.places import own_subdistrict, place_name
from fieldtool.registry import setting
from fieldtool.schedule import FREQUENCY_TH
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht, format_date, format_date_en, to_arabic_digits

CREATE, MATCH, REFUSED = "create", "match", "refused"
ACTIONS_TH = {CREATE: "จะสร้าง", MATCH: "มีอยู่แล้ว", REFUSED: "ไม่รับ"}
FILE_SETTING = "import.file."
KIND_ORDER = ("households", "groups", "loans", "payments")


@dataclass
class RowPlan:
    sheet: str
    row: int  # as the spreadsheet shows it (1-based)
    action: str  # create | match | refused
    text: Text  # what will be made, what it matched, or why it is refused
    record_id: str | None = None  # the existing record a match found
    data: Any = field(default=None, repr=False, compare=False)  # what apply_import needs

    @property
    def ref(self) -> str:
        return f"{self.sheet}\x1f{self.row}"

    def to_json(self) -> dict:
        return {"row": self.row, "action": self.action, "th": self.text.th, "en": self.text.en,
                "record_id": self.record_id}


@dataclass
class ColumnUse:
    field: str
    column: int  # 0-based
    header: str
    source: str  # header | remembered | given

    def to_json(self) -> dict:
        return {"field": self.field, "column": column_letter(self.column), "header": self.header, "source": self.source}


@dataclass
class SheetPlan:
    name: str
    kind: str  # households | groups | loans | payments
    header_row: int | None  # 1-based
    columns: list[ColumnUse]
    unmapped: list[tuple[int, str]]  # (0-based column, header) that no field took
    signature: str
    given: dict[str, int]  # the officer's mapping, remembered after a successful import
    problems: list[Text]
    rows: list[RowPlan] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, MATCH, REFUSED)}

    def to_json(self) -> dict:
        return {
            "name": self.name, "kind": self.kind, "header_row": self.header_row, "signature": self.signature,
            "columns": [c.to_json() for c in self.columns],
            "unmapped": [{"column": column_letter(i), "header": h} for i, h in self.unmapped],
            "problems": [{"th": p.th, "en": p.en} for p in self.problems],
            "counts": self.counts,
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    source: str  # tpmap | field: where the households came from
    sheets: list[SheetPlan]
    ignored_sheets: list[str]
    imported_before: dict | None = None  # {"on": ISO day, "file": name, "created": {...}} of this same file

    @property
    def rows(self) -> list[RowPlan]:
        return [r for s in self.sheets for r in s.rows]

    @property
    def refused(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action == REFUSED]

    @property
    def problems(self) -> list[tuple[str, Text]]:
        return [(s.name, p) for s in self.sheets for p in s.problems]

    @property
    def counts(self) -> dict[str, int]:
        total = Counter(r.action for r in self.rows)
        return {a: total.get(a, 0) for a in (CREATE, MATCH, REFUSED)}

    @property
    def ok(self) -> bool:
        """Nothing refused: the whole file can be imported as it is."""
        return not self.refused and not self.problems

    @property
    def nothing_new(self) -> bool:
        return self.counts[CREATE] == 0

    def to_json(self) -> dict:
        return {
            "file": self.file_name, "sha256": self.sha256, "source": self.source, "ok": self.ok,
            "imported_before": self.imported_before,
            "counts": self.counts,
            "sheets": [s.to_json() for s in self.sheets],
            "ignored_sheets": self.ignored_sheets,
            "refused": [{"sheet": r.sheet, "row": r.row, "th": r.text.th, "en": r.text.en} for r in self.refused],
        }


# --- what the book already holds ----------------------------------------------------------------------------


@dataclass
class _Person:
    id: str
    title: str
    first: str
    last: str
    nid: str | None
    village_id: str | None


@dataclass
class _Known:
    """The database's villages, funds, people, households, groups, loans and payments, loaded in bulk."""

    subdistrict: str
    villages: dict[int, tuple[str, str]]  # moo → (id, name)
    village_names: dict[str, int]  # name key → moo
    funds: list[tuple[str, str, str, int, int, str]]  # id, name, kind, rate, instalments, frequency
    by_nid: dict[str, _Person]
    people_in: dict[str, list[_Person]]  # village id → people
    exact_names: dict[tuple[str, str], list[_Person]]  # (village id, name key) → people
    household_of: dict[str, str]  # person id → household id
    household_village: dict[str, str]
    household_house: dict[str, str]  # household id → house no.
    head_names: dict[tuple[str, str], list[str]]  # (clean given, clean family) → household ids
    groups: dict[tuple[str, str], str]  # (village id, name) → group id
    group_names: dict[str, list[tuple[str, str]]]  # name → [(group id, village id)]
    loans: dict[str, list[tuple[str, date | None, int]]]  # agreement key → [(id, disbursed, principal)]
    payments: dict[str, list[tuple[date, int, str, bool]]]  # loan id → (paid on, amount, receipt key, original)


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _load(session: Session) -> _Known:
    sub = own_subdistrict(session)
    q = select(Village.id, Village.moo, Village.name)
    if sub is not None:
        q = q.where(Village.subdistrict_id == sub.id)
    villages = {moo: (vid, name) for vid, moo, name in session.execute(q)}
    village_names = {}
    for moo, (_, name) in villages.items():
        key = header_key(name)
        village_names[key] = moo
        village_names.setdefault(key.removeprefix("บ้าน"), moo)
    fund_rows = [tuple(r) for r in session.execute(select(
        Fund.id, Fund.name, Fund.kind, Fund.rate_bp, Fund.default_instalments, Fund.default_frequency))]
    by_nid: dict[str, _Person] = {}
    people_in: dict[str, list[_Person]] = defaultdict(list)
    exact: dict[tuple[str, str], list[_Person]] = defaultdict(list)
    people: dict[str, _Person] = {}
    for pid, title, first, last, nid, vid in session.execute(select(
            Person.id, Person.title, Person.first_name, Person.last_name, Person.national_id, Person.village_id)):
        p = _Person(pid, title, first, last, nid, vid)
        people[pid] = p
        if nid:
            by_nid[nid] = p
        if vid:
            people_in[vid].append(p)
            exact[(vid, name_key(first) + "|" + name_key(last))].append(p)
    household_of = {}
    head_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for hid, pid in session.execute(select(HouseholdMember.household_id, HouseholdMember.person_id)):
        household_of.setdefault(pid, hid)
        if (p := people.get(pid)) is not None:
            head_names[(clean(p.first), clean(p.last))].append(hid)
    household_village, household_house = {}, {}
    for hid, vid, house_no in session.execute(select(Household.id, Household.village_id, Household.house_no)):
        household_village[hid] = vid
        household_house[hid] = house_no or ""
    groups, group_names = {}, defaultdict(list)
    for gid, name, vid in session.execute(select(BorrowingGroup.id, BorrowingGroup.name, BorrowingGroup.village_id)):
        groups[(vid, clean(name))] = gid
        group_names[clean(name)].append((gid, vid))
    loans: dict[str, list] = defaultdict(list)
    for lid, number, disbursed, principal in session.execute(
            select(Loan.id, Loan.agreement_no, Loan.disbursed_on, Loan.principal_satang)):
        if number:
            loans[v.key_of(number)].append((lid, _as_date(disbursed), principal))
    payments: dict[str, list] = defaultdict(list)
    for lid, paid_on, amount, receipt, reverses in session.execute(select(
            Payment.loan_id, Payment.paid_on, Payment.amount_satang, Payment.receipt_no, Payment.reverses_id)):
        payments[lid].append((_as_date(paid_on), amount, v.key_of(receipt or ""), reverses is None))
    return _Known(
        sub.name if sub else "", villages, village_names, fund_rows, by_nid, people_in, exact, household_of,
        household_village, household_house, head_names, groups, group_names, loans, payments,
    )


# --- small helpers -------------------------------------------------------------------------------------------


@dataclass
class _FileHousehold:
    """A household this file lists or makes (households sheet, or a loan row's borrower), for the rows after."""

    ref: tuple[str, str]  # ("household", id) already in the book, or ("household-row", key) the import makes
    village_id: str
    title: str
    first: str
    last: str
    nid: str | None
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


@dataclass
class _Found:
    """A loan row's borrower: the reference apply_import needs, the words for the preview, and what the row
    adds to the file's households once it is accepted."""

    ref: tuple[str, str]
    label: Text
    new: _FileHousehold | None = None  # a household this row makes
    gains_nid: tuple[_FileHousehold, str] | None = None  # an earlier row's new household learns its national ID


class _Refuse(Exception):
    def __init__(self, text: Text):
        self.text = text


def _refuse(th: str, en: str):
    raise _Refuse(Text(th, en))


def _cell(row: list, col: int | None):
    if col is None or col >= len(row):
        return ""
    return row[col]


def _baht(satang: int) -> str:
    return format_baht(satang)


def _village_label(moo: int, name: str) -> str:
    return f"หมู่ที่ {moo} {name}"


class _Rows:
    """The data rows of one sheet as (spreadsheet row number, cells by field)."""

    def __init__(self, smap: SheetMap):
        self.smap = smap

    def __iter__(self):
        smap = self.smap
        layout = smap.layout
        fields = list(smap.columns.items())
        mapped = [col for _, col in fields]
        present = set(smap.columns)
        required = [c.field for c in layout.columns if c.required and not present & set(c.unless)]
        required_mapped = [f for f in required if f in smap.columns]
        unmapped = len(required) - len(required_mapped)  # a required field no column gave counts as blank
        header = _HeaderText(smap)
        last_header = smap.header_row
        for index in range(smap.header_row + 1, len(smap.sheet.rows)):
            row = smap.sheet.rows[index]
            cells = {name: _cell(row, col) for name, col in fields}
            blank = {name for name, cell in cells.items() if v.is_blank(cell)}
            if len(blank) == len(cells):
                continue
            blanks = unmapped + sum(1 for f in required_mapped if f in blank)
            if blanks == len(required):
                continue  # a notes row: none of the fields a row must have
            if _totals_row(row) or 2 * blanks >= len(required) and any(
                    isinstance(c, str) and c.strip().startswith("รวม") for c in cells.values()):
                continue  # the totals row under a register ("รวม", "รวมทั้งสิ้น")
            if header.repeated(row):
                last_header = index  # the header again, at the top of a printed page
                continue
            if index <= last_header + 2 and _numbering_row(row, mapped):
                continue
            yield index + 1, cells, row


# what a totals row says, compared after header_key
TOTALS_WORDS = frozenset(header_key(w) for w in (
    "รวม", "รวมทั้งสิ้น", "รวมทั้งหมด", "ยอดรวม", "ยอดรวมทั้งสิ้น", "รวมเงิน", "total", "grand total"))


def _totals_row(row: list) -> bool:
    """A row whose only text is รวม (รวมทั้งสิ้น, ยอดรวม …), in whatever column, with only numbers beside it."""
    if not any(isinstance(c, str) and ("รวม" in c or "otal" in c) for c in row):
        return False  # the common case, cheaply: a register has tens of thousands of rows
    words = []
    for cell in row:
        if v.is_blank(cell) or (isinstance(cell, (int, float)) and not isinstance(cell, bool)):
            continue
        if isinstance(cell, str):
            try:
                v.parse_amount(cell)
                continue  # "20,000", "๒๐,๐๐๐ บาท"
            except InputError:
                pass
        words.append(cell)
        if len(words) > 1:
            return False
    return len(words) == 1 and isinstance(words[0], str) and header_key(words[0]) in TOTALS_WORDS


class _HeaderText:
    """The sheet's header, to know it again when a file repeats it above every printed page."""

    def __init__(self, smap: SheetMap):
        self.columns = [header_key(h) for h in smap.headers]
        top = filled_top(smap.sheet, smap.header_row + 1)
        self.words = {header_key(c) for row in top for c in row} - {""}  # titles and both rows of a 2-row header

    def repeated(self, row: list) -> bool:
        """Every cell is header text and at least two stand under their own header."""
        own = 0
        for col, cell in enumerate(row):
            if v.is_blank(cell):
                continue
            if not isinstance(cell, str) or (key := header_key(cell)) not in self.words:
                return False
            own += col < len(self.columns) and key == self.columns[col]
        return own >= 2


def _has_data(m: SheetMap) -> bool:
    start = m.header_row + 1 if m.header_row is not None else 0
    return any(not v.is_blank(c) for row in m.sheet.rows[start:] for c in row)


def _numbering_row(row: list, mapped: list[int]) -> bool:
    """The row of column numbers "(1) (2) (3)…" that some forms put under the header."""
    cells = [v.text_of(_cell(row, c)).strip("()") for c in sorted(mapped)]
    cells = [c for c in cells if c]
    return len(cells) >= 3 and all(c.isdigit() for c in cells) and [int(c) for c in cells] == sorted(
        int(c) for c in cells) and len(set(cells)) == len(cells) and int(cells[-1]) - int(cells[0]) == len(cells) - 1


# --- the planner ----------------------------------------------------------------------------------------------


class _Planner:
    def __init__(self, session: Session, workbook: Workbook, overrides):
        self.session = session
        self.workbook = workbook
        self.overrides = overrides or {}
        self.known = _load(session)
        # what the file itself makes, for the rows that refer to it
        self.file_nid: dict[str, RowPlan] = {}  # national ID → household row (create or match)
        self.file_heads: dict[tuple[str, str], list[RowPlan]] = defaultdict(list)  # (given, family) → rows
        self.file_groups: dict[tuple[str, str], RowPlan] = {}  # (village id, name) → group row
        self.file_group_names: dict[str, list[RowPlan]] = defaultdict(list)
        self.file_loans: dict[str, RowPlan] = {}  # agreement key → loan row
        # the households the file lists or its loan rows make, as the borrowers of the loan rows see them
        self.households_by_nid: dict[str, _FileHousehold] = {}
        # village id → family-name key → households: the guard compares given names only where the family
        # names are alike, which keeps a register of thousands of rows without IDs quick to check
        self.households_in: dict[str, dict[str, list[_FileHousehold]]] = defaultdict(lambda: defaultdict(list))
        self.households_named: dict[tuple[str, str], list[_FileHousehold]] = defaultdict(list)  # (given, family)

    # --- sheets ---

    def plan(self) -> ImportPlan:
        maps: list[SheetMap] = []
        ignored = []
        for sheet in self.workbook.sheets:
            smap = read_sheet(self.session, sheet, self.overrides)
            if smap.layout is None:
                ignored.append(sheet.name)
            else:
                maps.append(smap)
        for m in maps:
            if m.problems and not _has_data(m):
                m.problems.clear()  # an empty sheet of the template: nothing to read, nothing to refuse
        self._check_overrides(maps)
        source = self._source(maps)
        sheets = {id(m): self._sheet_plan(m) for m in maps}
        by_kind = {kind: [m for m in maps if m.layout.key == kind and not m.problems and m.header_row is not None] for kind in KIND_ORDER}
        payment_rows = [(m, rows) for m in by_kind["payments"] for rows in [list(_Rows(m))]]
        # a loan row's paid-to-date figure is checked against the payment rows: they are read for it, once,
        # when the first loan row has such a figure
        paid_in_file = cache(lambda: self._paid_in_file(payment_rows))
        for m in by_kind["households"]:
            sheets[id(m)].rows = [self._household(m, n, cells, row, source) for n, cells, row in _Rows(m)]
        for m in by_kind["groups"]:
            sheets[id(m)].rows = [self._group(m, n, cells) for n, cells, _ in _Rows(m)]
        for m in by_kind["loans"]:
            rows = list(_Rows(m))
            counts = Counter(v.key_of(v.text_of(cells.get("agreement_no"))) for _, cells, _ in rows)
            sheets[id(m)].rows = [self._loan(m, n, cells, counts, paid_in_file) for n, cells, _ in rows]
        for m, rows in payment_rows:
            sheets[id(m)].rows = self._payments(m, rows)
        prior = setting(self.session, FILE_SETTING + self.workbook.sha256) if self.workbook.sha256 else ""
        return ImportPlan(
            self.workbook.file_name, self.workbook.sha256, source, [sheets[id(m)] for m in maps], ignored,
            json.loads(prior) if prior else None,
        )

    def _check_overrides(self, maps: list[SheetMap]) -> None:
        for ref in self.overrides:
            key = header_key(ref)
            if not any(key in (header_key(m.sheet.name), header_key(m.layout.name), m.layout.key) for m in maps):
                raise InputError(Text(f"ไม่พบชีต {ref} ในไฟล์ {self.workbook.file_name}",
                                      f"{self.workbook.file_name} has no sheet {ref}"))

    def _sheet_plan(self, m: SheetMap) -> SheetPlan:
        return SheetPlan(
            m.sheet.name, m.layout.key, m.header_row + 1 if m.header_row is not None else None,
            [ColumnUse(f, c, m.headers[c] if c < len(m.headers) else "", m.sources.get(f, "header"))
             for f, c in sorted(m.columns.items(), key=lambda fc: fc[1])],
            m.unmapped, m.signature, m.given, list(m.problems),
        )

    def _source(self, maps: list[SheetMap]) -> str:
        """tpmap when the file shows itself as a TPMAP list of target households, else field."""
        texts = [self.workbook.file_name]
        for m in maps:
            if m.layout.key != "households":
                continue
            texts.append(m.sheet.name)
            for row in m.sheet.rows[: m.header_row or 0]:
                texts += [str(c) for c in row if isinstance(c, str)]
        blob = " ".join(texts).casefold()
        return "tpmap" if "tpmap" in blob or "ครัวเรือนเป้าหมาย" in blob.replace(" ", "") else "field"

    def _row(self, m: SheetMap, number: int, fn, *args) -> RowPlan:
        try:
            return fn(m, number, *args)
        except _Refuse as r:
            return RowPlan(m.sheet.name, number, REFUSED, r.text)
        except InputError as e:
            return RowPlan(m.sheet.name, number, REFUSED, e.text or Text(str(e), str(e)))

    # --- places and funds ---

    def _village(self, cell, required: bool = True) -> tuple[str, int, str] | None:
        moo, name = v.parse_village(cell)
        if moo is None and name:
            moo = self.known.village_names.get(header_key(name)) or self.known.village_names.get(
                header_key(name).removeprefix("บ้าน"))
            if moo is None:
                _refuse(f"ไม่มีหมู่บ้าน {name} ในตำบลนี้ ให้เพิ่มหมู่บ้านก่อนนำเข้า",
                        f"there is no village {name} in this subdistrict; add it before importing")
        if moo is None:
            if required:
                _refuse("ไม่มีหมู่ที่", "the village number (หมู่ที่) is missing")
            return None
        found = self.known.villages.get(moo)
        if found is None:
            _refuse(f"ไม่มีหมู่ที่ {moo} ในตำบลนี้ ให้เพิ่มหมู่บ้านก่อนนำเข้า",
                    f"there is no หมู่ที่ {moo} in this subdistrict; add the village before importing")
        return found[0], moo, found[1]

    def _fund(self, cell):
        text = v.text_of(cell)
        if not text:
            _refuse("ไม่มีชื่อกองทุน", "the fund is missing")
        by_name = [f for f in self.known.funds if header_key(f[1]) == header_key(text) or f[0] == text]
        if len(by_name) == 1:
            return by_name[0]
        try:
            kind = fundrules.parse_kind(text)
        except InputError:
            kind = None
        by_kind = [f for f in self.known.funds if f[2] == kind]
        if kind is not None and len(by_kind) == 1:
            return by_kind[0]
        _refuse(f"ไม่มีกองทุน {text} ในเครื่องนี้ ให้เพิ่มกองทุนก่อนนำเข้า",
                f"there is no fund {text} on this laptop; add the fund before importing")

    # --- households ---

    def _household(self, m: SheetMap, number: int, cells: dict, row: list, source: str) -> RowPlan:
        return self._row(m, number, self._household_row, cells, row, source)

    def _household_row(self, m: SheetMap, number: int, cells: dict, row: list, source: str) -> RowPlan:
        sheet = m.sheet.name
        if (col := m.place_columns.get("subdistrict")) is not None and self.known.subdistrict:
            where = place_name("subdistrict", v.text_of(_cell(row, col)))
            if where and header_key(where) != header_key(self.known.subdistrict):
                _refuse(f"แถวนี้อยู่ตำบล{where} เครื่องนี้ดูแลตำบล{self.known.subdistrict}",
                        f"this row is in subdistrict {where}; this laptop serves {self.known.subdistrict}")
        vid, moo, vname = self._village(cells.get("moo"))
        title, first, last = v.parse_name(cells.get("title"), cells.get("first_name"), cells.get("last_name"))
        masked = v.is_masked_id(cells.get("national_id"))
        nid = None if masked else v.parse_national_id(cells.get("national_id"))
        phone = v.parse_phone(cells.get("phone"))
        house_no = v.text_of(cells.get("house_no"))
        name = person_name(title, first, last)
        where = _village_label(moo, vname)
        if nid and nid in self.file_nid:
            other = self.file_nid[nid]
            _refuse(f"เลขประจำตัวประชาชน {nid} ซ้ำกับแถว {other.row}", f"national ID {nid} is also in row {other.row}")
        key = name_key(first) + "|" + name_key(last)
        for other in self.file_heads.get((clean(first), clean(last)), []):
            if other.data["village_id"] == vid and (not nid or not other.data["nid"]):
                _refuse(f"{name} {where} ซ้ำกับแถว {other.row}", f"{first} {last} ({where}) is also in row {other.row}")
        plan = self._household_match(sheet, number, vid, where, name, first, last, key, nid)
        if plan is None:
            note = Text(" (เลขประจำตัวถูกปิดบางหลัก ไม่นำเข้า)", " (masked national ID left out)") if masked else Text("", "")
            plan = RowPlan(sheet, number, CREATE, Text(
                f"ครัวเรือนใหม่: {name} {where}" + (f" บ้านเลขที่ {house_no}" if house_no else "") + note.th,
                f"new household: {first} {last}, {where}" + (f", house {house_no}" if house_no else "") + note.en,
            ))
            plan.data = {"input": HouseholdInput(vid, PersonInput(first, last, title, nid, phone), house_no,
                                                 source=source)}
        plan.data = {**(plan.data or {}), "village_id": vid, "nid": nid, "title": title, "first": first, "last": last}
        if nid:
            self.file_nid[nid] = plan
        self.file_heads[(clean(first), clean(last))].append(plan)
        ref = ("household", plan.record_id) if plan.action == MATCH else ("household-row", plan.ref)
        self._remember_household(_FileHousehold(ref, vid, title, first, last, nid))
        return plan

    def _remember_household(self, household: _FileHousehold) -> None:
        if household.nid:
            self.households_by_nid[household.nid] = household
        self.households_in[household.village_id][name_key(household.last)].append(household)
        self.households_named[(clean(household.first), clean(household.last))].append(household)

    def _household_match(self, sheet, number, vid, where, name, first, last, key, nid) -> RowPlan | None:
        known = self.known
        person = known.by_nid.get(nid) if nid else None
        why = Text("เลขประจำตัวประชาชนเดียวกัน", "the same national ID")
        if person is None:
            candidates = [p for p in known.exact_names.get((vid, key), []) if not (nid and p.nid and p.nid != nid)]
            if not candidates:
                candidates = self._similar(vid, first, last, nid)
            person = candidates[0] if candidates else None
            why = Text("ชื่อคล้ายกันในหมู่บ้านเดียวกัน", "a similar name in the same village")
        if person is None:
            return None
        existing = person_name(person.title, person.first, person.last)
        household = known.household_of.get(person.id)
        if household is None:
            _refuse(f"{name} อาจเป็น {existing} ที่มีในทะเบียนแล้ว ({why.th}) แต่ไม่ได้อยู่ในครัวเรือนใด ให้เพิ่มครัวเรือนในโปรแกรม",
                    f"{first} {last} looks like {existing}, already registered ({why.en}) but in no household; "
                    "add the household in the program")
        return RowPlan(sheet, number, MATCH, Text(f"มีอยู่แล้ว: {existing} {where} ({why.th})",
                                                  f"already registered: {existing}, {where} ({why.en})"), household)

    def _similar(self, vid: str, first: str, last: str, nid: str | None) -> list[_Person]:
        """The duplicate guard's test (households.names_alike), on the village's people only."""
        out = []
        for p in self.known.people_in.get(vid, ()):
            if nid and p.nid and p.nid != nid:
                continue  # two different national IDs are two people, however alike the names
            if not _lengths_can_match(first, p.first) or (last and p.last and not _lengths_can_match(last, p.last)):
                continue
            if names_alike(first, last, p.first, p.last) >= SIMILAR:
                out.append(p)
        return out

    # --- groups ---

    def _group(self, m: SheetMap, number: int, cells: dict) -> RowPlan:
        return self._row(m, number, self._group_row, cells)

    def _group_row(self, m: SheetMap, number: int, cells: dict) -> RowPlan:
        sheet = m.sheet.name
        name = v.text_of(cells.get("name"))
        if not name:
            _refuse("ไม่มีชื่อกลุ่ม", "the group name is missing")
        vid, moo, vname = self._village(cells.get("moo"))
        where = _village_label(moo, vname)
        if (vid, clean(name)) in self.file_groups:
            other = self.file_groups[(vid, clean(name))]
            _refuse(f"กลุ่ม {name} {where} ซ้ำกับแถว {other.row}", f"group {name} ({where}) is also in row {other.row}")
        existing = self.known.groups.get((vid, clean(name)))
        if existing:
            plan = RowPlan(sheet, number, MATCH, Text(f"มีอยู่แล้ว: กลุ่ม {name} {where}",
                                                      f"already registered: group {name}, {where}"), existing)
        else:
            members = [("chair", spec) for spec in self._people(cells.get("chair"), vid)][:1]
            seen = {self._person_key(spec) for _, spec in members}
            for spec in self._people(cells.get("members"), vid):
                if self._person_key(spec) not in seen:
                    seen.add(self._person_key(spec))
                    members.append(("member", spec))
            plan = RowPlan(sheet, number, CREATE, Text(
                f"กลุ่มใหม่: {name} {where} สมาชิก {len(members)} คน", f"new group: {name}, {where}, {len(members)} members"))
            plan.data = {"name": name, "members": members}
        plan.data = {**(plan.data or {}), "village_id": vid}
        self.file_groups[(vid, clean(name))] = plan
        self.file_group_names[clean(name)].append(plan)
        return plan

    @staticmethod
    def _person_key(spec: PersonSpec) -> str:
        return spec.national_id or f"{spec.first_name}|{spec.last_name}"

    def _people(self, cell, vid: str) -> list[PersonSpec]:
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
                if nid not in self.known.by_nid and nid not in self.file_nid:
                    _refuse(f"ไม่พบผู้มีเลขประจำตัวประชาชน {nid} ในทะเบียนหรือในไฟล์นี้",
                            f"nobody with national ID {nid} is registered or in this file")
                out.append(PersonSpec(first_name="", national_id=nid))
            else:
                title, first, last = split_name(part)
                out.append(PersonSpec(first, last, title))
        return out

    # --- loans ---

    def _loan(self, m, number, cells, counts, paid_in_file) -> RowPlan:
        plan = self._row(m, number, self._loan_row, cells, counts, paid_in_file)
        number_key = v.key_of(v.text_of(cells.get("agreement_no")))
        if number_key:
            self.file_loans[number_key] = plan
        return plan

    def _loan_row(self, m, number, cells, counts, paid_in_file) -> RowPlan:
        sheet = m.sheet.name
        agreement = v.text_of(cells.get("agreement_no"))
        akey = v.key_of(agreement)
        if not akey:
            _refuse("ไม่มีเลขที่สัญญา", "the agreement number is missing")
        if counts[akey] > 1:
            _refuse(f"เลขที่สัญญา {agreement} ซ้ำกันในไฟล์ {counts[akey]} แถว",
                    f"agreement number {agreement} is on {counts[akey]} rows of the file")
        existing = self.known.loans.get(akey, [])
        if len(existing) > 1:
            _refuse(f"ในเครื่องมีสัญญาเลขที่ {agreement} มากกว่าหนึ่งสัญญา", f"the book has more than one loan numbered {agreement}")
        paid = v.parse_amount(cells.get("paid_to_date"), blank_is_zero=True)
        if paid < 0:
            _refuse("ยอดชำระแล้วรวมติดลบไม่ได้", "the paid-to-date figure cannot be negative")
        as_of = v.parse_date(cells.get("paid_as_of")) if not v.is_blank(cells.get("paid_as_of")) else None
        if paid and as_of is None:
            _refuse("มียอดชำระแล้วรวมแต่ไม่มีวันที่ (ชำระแล้ว ณ วันที่)", "a paid-to-date figure needs its day (paid to date as of)")
        in_file = paid_in_file().get(akey) if paid else None
        if in_file is not None:
            total = sum(amount for day, amount in in_file if as_of is None or day is None or day <= as_of)
            if total != paid:
                _refuse(f"ชำระแล้วรวม {_baht(paid)} บาท ไม่ตรงกับผลรวมในชีตการชำระเงิน {_baht(total)} บาท",
                        f"paid to date {_baht(paid)} baht does not equal the payment rows' {_baht(total)} baht")
            paid = 0  # the payment rows carry it
        if existing:
            lid, disbursed, principal = existing[0]
            plan = RowPlan(sheet, number, MATCH, Text(f"มีอยู่แล้ว: สัญญา {agreement}", f"already in the book: loan {agreement}"), lid)
            plan.data = {"loan_id": lid, "disbursed_on": disbursed, "agreement_no": agreement}
            if paid:
                self._paid_on_known_loan(plan, lid, disbursed, paid, as_of)
            return plan
        fund = self._fund(cells.get("fund"))
        village = self._village(cells.get("moo"), required=False)
        principal = v.parse_amount(cells.get("principal"))
        if principal <= 0:
            _refuse("เงินต้นต้องมากกว่าศูนย์", "the principal must be more than zero")
        rate = v.parse_rate(cells.get("rate"))
        count = v.parse_instalments(cells.get("instalments")) or fund[4]
        frequency = v.parse_frequency(cells.get("frequency")) or fund[5]
        rate = fund[3] if rate is None else rate
        disbursed = v.parse_date(cells.get("disbursed_on"))
        first_due = v.parse_date(cells.get("first_due"))
        if first_due <= disbursed:
            _refuse("ครบกำหนดงวดแรกต้องหลังวันที่รับเงิน", "the first due date must be after the money was received")
        if paid and as_of < disbursed:
            _refuse("วันที่ของยอดชำระแล้วรวมอยู่ก่อนวันที่รับเงิน", "the paid-to-date day is before the money was received")
        found = self._loan_borrower(cells, village, (sheet, number))
        # a new household's loan is not named twice: "new household นางสมศรี … + new loan 1/2568: กข.คจ. …"
        label = Text("", "") if found.new is not None else found.label
        who, who_en = (f"{label.th} ", f"{label.en}, ") if label.th else ("", "")
        purpose = v.text_of(cells.get("purpose"))
        th = (f"สัญญาใหม่ {agreement}: {who}{fund[1]} เงินต้น {_baht(principal)} บาท {count} งวด "
              f"{FREQUENCY_TH[frequency]} รับเงิน {format_date(disbursed)} งวดแรก {format_date(first_due)}")
        en = (f"new loan {agreement}: {who_en}{fund[1]}, principal {_baht(principal)} baht in {count} "
              f"{frequency} instalments, received {format_date_en(disbursed)}, first due {format_date_en(first_due)}")
        if rate:
            th += f" ดอกเบี้ย {rate / 100:g}% ต่อปี"
            en += f", {rate / 100:g} % a year"
        if paid:
            th += f" ชำระแล้ว {_baht(paid)} บาท ณ {format_date(as_of)}"
            en += f"; {_baht(paid)} baht paid by {format_date_en(as_of)}"
        new = found.new
        if new is not None:  # the row's household comes first: "new household … + new loan …"
            where = _village_label(village[1], village[2])
            house = new.input.house_no
            th = f"ครัวเรือนใหม่: {new.name} {where}" + (f" บ้านเลขที่ {house}" if house else "") + " + " + th
            en = (f"new household: {new.first} {new.last}, {where}" + (f", house {house}" if house else "")
                  + " + " + en)
        plan = RowPlan(sheet, number, CREATE, Text(th, en))
        plan.data = {
            "agreement_no": agreement, "fund_id": fund[0], "principal": principal, "rate_bp": rate,
            "instalments": count, "frequency": frequency, "disbursed_on": disbursed, "first_due": first_due,
            "purpose": purpose, "borrower": found.ref, "new_household": new.input if new else None,
            "paid": (paid, as_of) if paid else None,
        }
        # nothing after this refuses the row: what it adds to the file's households is for the rows after it
        if new is not None:
            self._remember_household(new)
        if found.gains_nid is not None:
            household, nid = found.gains_nid
            household.nid = household.input.head.national_id = nid
            self.households_by_nid[nid] = household
        return plan

    def _paid_on_known_loan(self, plan: RowPlan, lid: str, disbursed, paid: int, as_of: date) -> None:
        recorded = sum(amount for day, amount, _, _ in self.known.payments.get(lid, []) if day <= as_of)
        agreement = plan.data["agreement_no"]
        if paid < recorded:
            _refuse(f"ชำระแล้วรวม {_baht(paid)} บาท น้อยกว่าที่บันทึกไว้แล้ว {_baht(recorded)} บาท (สัญญา {agreement})",
                    f"paid to date {_baht(paid)} baht is less than the {_baht(recorded)} baht already recorded "
                    f"(loan {agreement})")
        if paid == recorded:
            return
        if disbursed is None or as_of < disbursed:
            _refuse(f"สัญญา {agreement} ยังไม่ได้จ่ายเงินกู้ในวันที่ {format_date(as_of)}",
                    f"loan {agreement} was not paid out by {format_date_en(as_of)}")
        extra = paid - recorded
        plan.action = CREATE
        plan.text = Text(f"สัญญา {agreement} มีอยู่แล้ว: บันทึกยอดชำระเพิ่ม {_baht(extra)} บาท ณ {format_date(as_of)}",
                         f"loan {agreement} is in the book: {_baht(extra)} baht more paid by {format_date_en(as_of)}")
        plan.data["paid"] = (extra, as_of)

    def _loan_borrower(self, cells: dict, village, row: tuple[str, int]) -> _Found:
        """The borrower of a loan row: its ผู้กู้ cell when it has one, else the household its columns describe."""
        named = self._named(cells)
        cell = cells.get("borrower")
        if not v.is_blank(cell):
            return self._borrower(cell, village, named, row)
        if named is None:
            _refuse("ไม่มีผู้กู้", "the borrower is missing")
        if not named.nid:  # the name column of a register may hold a group's name
            text = v.text_of(cells.get("first_name"))
            group = self._group_ref(text, village[0] if village else None)
            if group is not None:
                return _Found(group, Text(f"กลุ่ม {text}", f"group {text}"))
            _not_a_group(text)
        return self._household_for(named, village, row)

    @staticmethod
    def _named(cells: dict) -> _Named | None:
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

    def _borrower(self, cell, village, named: _Named | None, row: tuple[str, int]) -> _Found:
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
            return self._household_for(named, village, row)
        group = self._group_ref(text, village[0] if village else None)
        if group is not None:
            return _Found(group, Text(f"กลุ่ม {text}", f"group {text}"))
        _not_a_group(text)
        title, first, last = split_name(text)
        if named is not None and (not named.first or (clean(named.first), clean(named.last)) == (first, last)):
            named.title, named.first, named.last = named.title or title, first, last
        else:
            named = _Named(title, first, last)
        return self._household_for(named, village, row)

    def _household_for(self, named: _Named, village, row: tuple[str, int]) -> _Found:
        """The household of the person a loan row names, looked for as the households sheet looks: the same
        national ID in this file or the book, else the duplicate guard's similar name in the row's village;
        found nowhere, a new household of this row (sheet, row number) in the row's village."""
        known = self.known
        if named.nid:
            household = self.households_by_nid.get(named.nid)
            if household is not None:
                self._same_village(household.village_id, village, household.name)
                return _Found(household.ref, household.label())
            person = known.by_nid.get(named.nid)
            if person is not None:
                name = person_name(person.title, person.first, person.last)
                hid = known.household_of.get(person.id)
                if hid is None:
                    _refuse(f"{name} ({named.nid}) ไม่ได้อยู่ในครัวเรือนใด", f"{name} ({named.nid}) is in no household")
                self._same_village(known.household_village.get(hid), village, name)
                return _Found(("household", hid), Text(name, name))
            if not named.first:
                _refuse(f"ไม่พบผู้กู้เลขประจำตัวประชาชน {named.nid} ในทะเบียนหรือในชีตครัวเรือน",
                        f"no borrower with national ID {named.nid} in the register or the households sheet")
        name = named.name
        if village is None:
            return self._household_named(named)
        vid, moo, vname = village
        found = self._alike_households(vid, named)
        if len(found) > 1:
            names = Text(", ".join(shown.th for _, shown in found.values()),
                         ", ".join(shown.en for _, shown in found.values()))
            _refuse(f"หมู่ที่ {moo} มีผู้ชื่อคล้าย {name} {len(found)} คน: {names.th} ให้ระบุเลขประจำตัวประชาชนของผู้กู้",
                    f"{len(found)} people in หมู่ที่ {moo} have a name like {named.first} {named.last}: {names.en}; "
                    "give the borrower's national ID")
        if found:
            ((ref, (match, shown)),) = found.items()
            same = (clean(match.first), clean(match.last)) == (clean(named.first), clean(named.last))
            why = (Text("ชื่อเดียวกันในหมู่บ้านเดียวกัน", "the same name in the same village") if same
                   else Text("ชื่อคล้ายกันในหมู่บ้านเดียวกัน", "a similar name in the same village"))
            if ref[0] == "person":
                _refuse(f"{name} อาจเป็น {shown.th} ที่มีในทะเบียนแล้ว ({why.th}) แต่ไม่ได้อยู่ในครัวเรือนใด "
                        "ให้เพิ่มครัวเรือนในโปรแกรม",
                        f"{named.first} {named.last} looks like {shown.en}, already registered ({why.en}) but in no "
                        "household; add the household in the program")
            if isinstance(match, _FileHousehold):
                gains = (match, named.nid) if named.nid and match.input is not None and not match.nid else None
                return _Found(ref, match.label(None if same else why), gains_nid=gains)
            return _Found(ref, Text(f"{shown.th} (มีอยู่แล้ว: {why.th})", f"{shown.en} (already registered: {why.en})"))
        sheet, number = row
        new = _FileHousehold(
            ("household-row", f"{sheet}\x1f{number}\x1fhousehold"), vid, named.title, named.first, named.last,
            named.nid, Text(f"ครัวเรือนใหม่ของแถว {number}", f"the new household of row {number}"),
            HouseholdInput(vid, PersonInput(named.first, named.last, named.title, named.nid, named.phone),
                           named.house_no, source="field"),
        )
        return _Found(new.ref, Text(name, name), new=new)

    def _alike_households(self, vid: str, named: _Named) -> dict[tuple[str, str], tuple[object, Text]]:
        """The duplicate guard on a borrower's name in one village: ref → (who matched, how to name them), from
        the book (exact name key or the guard's likeness, a different national ID being someone else) and from
        the households this file lists or makes there."""
        known = self.known
        key = name_key(named.first) + "|" + name_key(named.last)
        out: dict[tuple[str, str], tuple[object, Text]] = {}
        people = [p for p in known.exact_names.get((vid, key), []) if not (named.nid and p.nid and p.nid != named.nid)]
        for person in people + self._similar(vid, named.first, named.last, named.nid):
            hid = known.household_of.get(person.id)
            shown = _shown(person_name(person.title, person.first, person.last), known.household_house.get(hid))
            out.setdefault(("household", hid) if hid else ("person", person.id), (person, shown))
        for family, found in self.households_in.get(vid, {}).items():
            if named.last and family and (not _lengths_can_match(named.last, found[0].last) or names_alike(
                    named.last, "", found[0].last, "") < SIMILAR):
                continue  # family names too far apart: nobody of this family is her
            for household in found:
                if named.nid and household.nid and household.nid != named.nid:
                    continue
                if name_key(household.first) + "|" + name_key(household.last) == key or (
                        _lengths_can_match(named.first, household.first)
                        and names_alike(named.first, named.last, household.first, household.last) >= SIMILAR):
                    house = household.input.house_no if household.input else ""
                    out.setdefault(household.ref, (household, _shown(household.name, house)))
        return out

    def _household_named(self, named: _Named) -> _Found:
        """A borrower named without a หมู่ที่: the one household anywhere in the subdistrict or the file with
        exactly that name (nothing new can be made without the village)."""
        first, last = clean(named.first), clean(named.last)
        refs = {h.ref: h.label() for h in self.households_named.get((first, last), [])}
        for hid in self.known.head_names.get((first, last), []):
            refs.setdefault(("household", hid), Text(named.name, named.name))
        if len(refs) > 1:
            _refuse(f"มีผู้ชื่อ {named.name} มากกว่าหนึ่งครัวเรือน ให้ใช้เลขประจำตัวประชาชนหรือระบุหมู่ที่",
                    f"more than one household has {first} {last}; give the national ID or the หมู่ที่")
        if not refs:
            _refuse(f"ไม่พบผู้กู้ {named.name} (ครัวเรือนหรือกลุ่ม) ในทะเบียนหรือในไฟล์นี้ ระบุหมู่ที่เพื่อเพิ่มเป็นครัวเรือนใหม่",
                    f"no borrower {first} {last} (household or group) in the register or this file; give the หมู่ที่ "
                    "to add a new household")
        ((ref, label),) = refs.items()
        return _Found(ref, label)

    @staticmethod
    def _same_village(vid: str | None, village, name: str) -> None:
        if village is not None and vid is not None and vid != village[0]:
            _refuse(f"ผู้กู้ {name} ไม่ได้อยู่หมู่ที่ {village[1]} ตามที่แถวนี้ระบุ",
                    f"the borrower {name} does not live in หมู่ที่ {village[1]} as this row says")

    def _group_ref(self, name: str, vid: str | None):
        key = clean(name)
        rows = [r for r in self.file_group_names.get(key, []) if vid is None or r.data["village_id"] == vid]
        known = [(g, gv) for g, gv in self.known.group_names.get(key, []) if vid is None or gv == vid]
        refs = {("group", r.record_id) if r.action == MATCH else ("group-row", r.ref) for r in rows if r.action != REFUSED}
        refs |= {("group", g) for g, _ in known}
        if any(r.action == REFUSED for r in rows) and not refs:
            _refuse(f"กลุ่ม {name} ในชีตกลุ่มไม่รับ", f"the group {name} is refused in the groups sheet")
        if len(refs) > 1:
            _refuse(f"มีกลุ่มชื่อ {name} หลายหมู่บ้าน ให้ระบุหมู่ที่", f"several villages have a group {name}; give the หมู่ที่")
        return refs.pop() if refs else None

    # --- payments ---

    def _paid_in_file(self, payment_rows) -> dict[str, list[tuple[date | None, int]]]:
        """Agreement → (day, amount) of its payment rows, read leniently (a bad row is refused later)."""
        out: dict[str, list] = defaultdict(list)
        for _sheet, rows in payment_rows:
            for _, cells, _ in rows:
                try:
                    amount = v.parse_amount(cells.get("amount"))
                except InputError:
                    continue
                try:
                    day = v.parse_date(cells.get("paid_on"))
                except InputError:
                    day = None
                out[v.key_of(v.text_of(cells.get("agreement_no")))].append((day, amount))
        return out

    def _payments(self, m: SheetMap, rows) -> list[RowPlan]:
        remaining: dict[str, Counter] = {}
        seen: dict[tuple, int] = {}
        out = []
        for number, cells, _ in rows:
            out.append(self._row(m, number, self._payment_row, cells, remaining, seen))
        return out

    def _payment_row(self, m, number, cells, remaining, seen) -> RowPlan:
        sheet = m.sheet.name
        agreement = v.text_of(cells.get("agreement_no"))
        akey = v.key_of(agreement)
        if not akey:
            _refuse("ไม่มีเลขที่สัญญา", "the agreement number is missing")
        paid_on = v.parse_date(cells.get("paid_on"))
        amount = v.parse_amount(cells.get("amount"))
        if amount <= 0:
            _refuse("จำนวนเงินที่ชำระต้องมากกว่าศูนย์", "the amount paid must be more than zero")
        receipt = v.text_of(cells.get("receipt_no"))
        key = (akey, paid_on, amount, v.key_of(receipt))
        if receipt and key in seen:
            _refuse(f"รายการชำระนี้ซ้ำกับแถว {seen[key]} (ใบเสร็จเดียวกัน)", f"the same payment as row {seen[key]} (same receipt)")
        seen.setdefault(key, number)
        loan_row = self.file_loans.get(akey)
        if loan_row is not None and loan_row.action == REFUSED:
            _refuse(f"สัญญา {agreement} ในชีต {loan_row.sheet} แถว {loan_row.row} ไม่รับ",
                    f"loan {agreement} (sheet {loan_row.sheet}, row {loan_row.row}) is refused")
        if loan_row is not None and loan_row.data.get("loan_id") is None:
            target, disbursed = ("loan-row", loan_row.ref), loan_row.data["disbursed_on"]
            lid = None
        else:
            known = self.known.loans.get(akey, [])
            if not known:
                _refuse(f"ไม่พบสัญญาเลขที่ {agreement} ทั้งในไฟล์และในเครื่อง", f"loan {agreement} is neither in this file nor in the book")
            if len(known) > 1:
                _refuse(f"ในเครื่องมีสัญญาเลขที่ {agreement} มากกว่าหนึ่งสัญญา", f"the book has more than one loan numbered {agreement}")
            lid, disbursed, _ = known[0]
            target = ("loan", lid)
        if disbursed is None:
            _refuse(f"สัญญา {agreement} ยังไม่ได้จ่ายเงินกู้", f"loan {agreement} has not been paid out")
        if paid_on < disbursed:
            _refuse(f"วันที่ชำระ {format_date(paid_on)} อยู่ก่อนวันที่รับเงินกู้ {format_date(disbursed)}",
                    f"paid on {format_date_en(paid_on)}, before the money was received on {format_date_en(disbursed)}")
        baht = _baht(amount)
        what = f"{baht} บาท สัญญา {agreement} วันที่ {format_date(paid_on)}" + (f" ใบเสร็จ {receipt}" if receipt else "")
        what_en = f"{baht} baht on loan {agreement}, {format_date_en(paid_on)}" + (f", receipt {receipt}" if receipt else "")
        if lid is not None:
            if lid not in remaining:
                remaining[lid] = Counter((d, a, r) for d, a, r, original in self.known.payments.get(lid, []) if original)
            if remaining[lid][key[1:]] > 0:
                remaining[lid][key[1:]] -= 1
                return RowPlan(sheet, number, MATCH, Text(f"มีอยู่แล้ว: รับชำระ {what}", f"already in the book: {what_en}"), lid)
        plan = RowPlan(sheet, number, CREATE, Text(f"รับชำระ {what}", f"payment of {what_en}"))
        plan.data = {"loan": target, "amount": amount, "paid_on": paid_on, "receipt_no": receipt, "disbursed_on": disbursed}
        return plan


def _shown(name: str, house_no: str | None) -> Text:
    """A person the guard found, told apart from a namesake by the house."""
    return Text(f"{name} บ้านเลขที่ {house_no}", f"{name}, house {house_no}") if house_no else Text(name, name)


def _not_a_group(text: str) -> None:
    """A borrower named "กลุ่ม…" that is no group of the book or the file is not a person to register."""
    if clean(text).startswith("กลุ่ม"):
        _refuse(f"ไม่พบกลุ่ม {text} ในทะเบียนหรือในชีตกลุ่ม ให้เพิ่มกลุ่มก่อนนำเข้า",
                f"there is no group {text} in the register or the groups sheet; add the group before importing")


def _lengths_can_match(a: str, b: str) -> bool:
    """False when two names differ so much in length that the guard's likeness cannot reach its threshold
    (a ratio of 0.7 at best before the soundex nudge): a cheap filter before the real comparison."""
    la, lb = len(a), len(b)
    return la + lb == 0 or 2 * min(la, lb) / (la + lb) >= 0.7


def plan_import(session: Session, workbook: Workbook, mapping_overrides: dict[str, dict[str, str]] | None = None) -> ImportPlan:
    """What importing the workbook would do, row by row; nothing is written.

    `mapping_overrides`: {sheet name or kind: {field: column letter or header}}, the officer's `--map`.
    """
    with session.no_autoflush:
        return _Planner(session, workbook, mapping_overrides).plan()


def previous_import(session: Session, sha256: str) -> dict | None:
    raw = setting(session, FILE_SETTING + sha256)
    return json.loads(raw) if raw else None


__all__ = [
    "ACTIONS_TH", "CREATE", "MATCH", "REFUSED", "ColumnUse", "ImportPlan", "RowPlan", "SheetPlan",
    "plan_import", "previous_import",
]
