"""The dry run of an import: what each row of an office's register would become, before anything is written.

Every row is classified as **create** (what will be made, in words), **match** (already in the book: the same
national ID, agreement number or payment, or a household the duplicate guard finds under a similar name in
the same village) or **refused** (one sentence, Thai and English, naming why). What the database already
holds is loaded in a few bulk queries first (`known`); no row costs a query. Planning writes nothing.

This module holds the plan (`ImportPlan`, `SheetPlan`, `ColumnUse`; a row's `RowPlan` is in `rowplan`) and
`plan_import`, which reads each sheet's rows (`sheetrows`) and plans the registers in the order they refer to
each other: households, groups, loans (`plan_loans`, the borrower in `plan_borrowers`), payments.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy.orm import Session

from fieldtool.bookimport.headers import SheetMap, read_sheet
from fieldtool.bookimport.known import load_known
from fieldtool.bookimport.plan_groups import plan_groups
from fieldtool.bookimport.plan_households import plan_households
from fieldtool.bookimport.plan_loans import plan_loans
from fieldtool.bookimport.plan_payments import paid_in_file, plan_payments
from fieldtool.bookimport.rowplan import RowPlan
from fieldtool.bookimport.sheetrows import data_rows, has_data
from fieldtool.bookimport.state import PlanState
from fieldtool.bookimport.workbook import Workbook, column_letter
from fieldtool.booklayout import header_key
from fieldtool.progress import Progress, reporter
from fieldtool.registry import setting
from fieldtool.text import Text
from fieldtool.thai import InputError
from fieldtool.vocabulary import HouseholdSource, RowAction

FILE_SETTING = "import.file."
KIND_ORDER = ("households", "groups", "loans", "payments")
Say = Callable[[str, str], None]


@dataclass
class ColumnUse:
    field: str
    column: int  # 0-based
    header: str
    source: str  # header | remembered | given

    def to_json(self) -> dict[str, object]:
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

    def count(self, action: RowAction) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[RowAction, int]:
        return {a: self.count(a) for a in RowAction}

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name, "kind": self.kind, "header_row": self.header_row, "signature": self.signature,
            "columns": [c.to_json() for c in self.columns],
            "unmapped": [{"column": column_letter(i), "header": h} for i, h in self.unmapped],
            "problems": [{"th": p.th, "en": p.en} for p in self.problems],
            "counts": {a.value: n for a, n in self.counts.items()},
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    source: HouseholdSource  # where the households came from
    sheets: list[SheetPlan]
    ignored_sheets: list[str]
    imported_before: dict[str, object] | None = None  # {"on": ISO day, "file": name, "created": {...}} of this same file

    @property
    def rows(self) -> list[RowPlan]:
        return [r for s in self.sheets for r in s.rows]

    @property
    def refused(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action is RowAction.REFUSED]

    @property
    def problems(self) -> list[tuple[str, Text]]:
        return [(s.name, p) for s in self.sheets for p in s.problems]

    @property
    def counts(self) -> dict[RowAction, int]:
        total = Counter(r.action for r in self.rows)
        return {a: total.get(a, 0) for a in RowAction}

    @property
    def ok(self) -> bool:
        """Nothing refused: the whole file can be imported as it is."""
        return not self.refused and not self.problems

    @property
    def nothing_new(self) -> bool:
        return self.counts[RowAction.CREATE] == 0

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file_name, "sha256": self.sha256, "source": self.source.value, "ok": self.ok,
            "imported_before": self.imported_before,
            "counts": {a.value: n for a, n in self.counts.items()},
            "sheets": [s.to_json() for s in self.sheets],
            "ignored_sheets": self.ignored_sheets,
            "refused": [{"sheet": r.sheet, "row": r.row, "th": r.text.th, "en": r.text.en} for r in self.refused],
        }


def plan_import(session: Session, workbook: Workbook, mapping_overrides: dict[str, dict[str, str]] | None = None,
                progress: Progress | None = None) -> ImportPlan:
    """What importing the workbook would do, row by row; nothing is written.

    `mapping_overrides`: {sheet name or kind: {field: column letter or header}}, the officer's `--map`.
    `progress`, when given, is told each sheet as it is planned, with its count of rows.
    """
    with session.no_autoflush:
        return _plan(session, workbook, mapping_overrides or {}, reporter(progress))


def _record(raw: str) -> dict[str, object] | None:
    """An import's record kept in the settings ({"on", "file", "created", …}), or None."""
    found = json.loads(raw) if raw else None
    return found if isinstance(found, dict) else None


def _plan(session: Session, workbook: Workbook, overrides: dict[str, dict[str, str]], say: Say) -> ImportPlan:
    state = PlanState(load_known(session), workbook.file_name)
    maps: list[SheetMap] = []
    ignored: list[str] = []
    for sheet in workbook.sheets:
        smap = read_sheet(session, sheet, overrides)
        if smap is None:
            ignored.append(sheet.name)
        else:
            maps.append(smap)
    for m in maps:
        if m.problems and not has_data(m):
            m.problems.clear()  # an empty sheet of the template: nothing to read, nothing to refuse
    _check_overrides(workbook, overrides, maps)
    source = _source(workbook, maps)
    sheets = {id(m): _sheet_plan(m) for m in maps}
    by_kind = {kind: [m for m in maps if m.layout.key == kind and not m.problems and m.header_row is not None]
               for kind in KIND_ORDER}
    payment_rows = [(m, rows) for m in by_kind["payments"] for rows in [list(data_rows(m))]]
    # a loan row's paid-to-date figure is checked against the payment rows: they are read for it, once,
    # when the first loan row has such a figure
    paid = cache(lambda: paid_in_file(payment_rows))

    def planned(m: SheetMap, rows: list[RowPlan]) -> None:
        sheets[id(m)].rows = rows
        say(f"ตรวจชีต {m.sheet.name} แล้ว: {len(rows)} แถว", f"sheet {m.sheet.name} planned: {len(rows)} rows")

    for m in by_kind["households"]:
        planned(m, plan_households(state, m, data_rows(m), source))
    for m in by_kind["groups"]:
        planned(m, plan_groups(state, m, data_rows(m)))
    for m in by_kind["loans"]:
        planned(m, plan_loans(state, m, list(data_rows(m)), paid))
    for m, rows in payment_rows:
        planned(m, plan_payments(state, m, rows))
    prior = setting(session, FILE_SETTING + workbook.sha256) if workbook.sha256 else ""
    return ImportPlan(
        workbook.file_name, workbook.sha256, source, [sheets[id(m)] for m in maps], ignored,
        _record(prior),
    )


def _check_overrides(workbook: Workbook, overrides: dict[str, dict[str, str]], maps: list[SheetMap]) -> None:
    for ref in overrides:
        key = header_key(ref)
        if not any(key in (header_key(m.sheet.name), header_key(m.layout.name), m.layout.key) for m in maps):
            raise InputError(Text(f"ไม่พบชีต {ref} ในไฟล์ {workbook.file_name}",
                                  f"{workbook.file_name} has no sheet {ref}"))


def _sheet_plan(m: SheetMap) -> SheetPlan:
    return SheetPlan(
        m.sheet.name, m.layout.key, m.header_row + 1 if m.header_row is not None else None,
        [ColumnUse(f, c, m.headers[c] if c < len(m.headers) else "", m.sources.get(f, "header"))
         for f, c in sorted(m.columns.items(), key=lambda fc: fc[1])],
        m.unmapped, m.signature, m.given, list(m.problems),
    )


def _source(workbook: Workbook, maps: list[SheetMap]) -> HouseholdSource:
    """tpmap when the file shows itself as a TPMAP list of target households, else field."""
    texts = [workbook.file_name]
    for m in maps:
        if m.layout.key != "households":
            continue
        texts.append(m.sheet.name)
        for row in m.sheet.rows[: m.header_row or 0]:
            texts += [str(c) for c in row if isinstance(c, str)]
    blob = " ".join(texts).casefold()
    tpmap = "tpmap" in blob or "ครัวเรือนเป้าหมาย" in blob.replace(" ", "")
    return HouseholdSource.TPMAP if tpmap else HouseholdSource.FIELD
