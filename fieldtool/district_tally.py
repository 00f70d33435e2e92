"""Tallying the district report: records added up into rows by subdistrict, village and fund, every record into
the total, and each table's totals checked against the sum of its rows.

The totals row is never the sum of the rows: it counts every record of the data whatever its area (or comes
from a query of its own), so a record that no row takes makes the check fail and is named, in Thai and in
English, never dropped in silence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldtool.district_areas import NO_FUND, Areas, Level, Place, Problem, ProblemCode
from fieldtool.text import Text
from fieldtool.thai import format_baht
from fieldtool.vocabulary import FundKind

if TYPE_CHECKING:
    from fieldtool.district import Quarter

SATANG, COUNT, RATIO = "satang", "count", "ratio"


@dataclass(frozen=True)
class Measure:
    key: str
    label: Text  # the column heading, without the unit in English
    unit: str  # satang | count | ratio
    ratio: tuple[str, str] | None = None  # a ratio is numerator / denominator of the same row
    hidden: bool = False  # carried (for a ratio, for JSON) but not a column of its own

    @property
    def shown(self) -> bool:
        return not self.hidden

    @property
    def heading(self) -> Text:
        """The column heading in both languages, with the unit: "ค้างชำระ (บาท)" / "amount overdue (baht)"."""
        return Text(self.label.th, f"{self.label.en} (baht)" if self.unit == SATANG else self.label.en)


@dataclass
class Row:
    """One line of a table: an area or a fund, with one value per quarter for every measure."""

    key: str
    label: str
    values: dict[str, list[int | None]]
    parent: str = ""  # village rows: the subdistrict's code
    parent_label: str = ""

    def value(self, measure: Measure, qi: int) -> int | float | None:
        if measure.ratio:
            num, den = self.values[measure.ratio[0]][qi], self.values[measure.ratio[1]][qi]
            if num is None or den is None:
                return None
            return num / den if den else 0.0
        return self.values[measure.key][qi]


@dataclass
class Check:
    """The totals row of one column against the sum of the rows above it."""

    measure: str
    quarter: int  # 1..4
    total: int
    sum_of_rows: int
    reason: Text | None = None  # why they differ

    @property
    def ok(self) -> bool:
        return self.total == self.sum_of_rows

    @property
    def difference(self) -> int:
        return self.total - self.sum_of_rows

    @property
    def explanation(self) -> str:
        """Why they differ, Thai then English in parentheses; "" when they match."""
        return str(self.reason) if self.reason else ""


@dataclass
class Table:
    by: str  # subdistrict | village | fund
    title: Text  # รายตำบล (by subdistrict)
    rows: list[Row]
    total: Row  # computed directly from the data, not from the rows
    sum_of_rows: Row
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, measure: str, quarter: int) -> Check | None:
        return next((c for c in self.checks if c.measure == measure and c.quarter == quarter), None)

    def cell_ok(self, measure: Measure, quarter: int) -> bool | None:
        """Whether a column's total matches its rows (a ratio: both its parts); None when not checked."""
        checks = [self.check(k, quarter) for k in (measure.ratio or (measure.key,))]
        return None if None in checks else all(c.ok for c in checks if c is not None)

    def failed_reasons(self, measure: Measure, quarter: int) -> list[Text]:
        return [c.reason for k in (measure.ratio or (measure.key,))
                if (c := self.check(k, quarter)) and not c.ok and c.reason]


@dataclass(frozen=True)
class Kind:
    """What one counted record is, to say how many: "2 สัญญา" / "2 loans"."""

    th: str
    one: str
    many: str

    def count(self, n: int) -> Text:
        return Text(f"{n} {self.th}", f"{n} {self.one if n == 1 else self.many}")


LOAN = Kind("สัญญา", "loan", "loans")
NOTICE = Kind("การแจ้ง", "notice", "notices")
VISIT = Kind("ครั้งที่ลงพื้นที่", "visit", "visits")
HOUSEHOLD = Kind("ครัวเรือน", "household", "households")

# The tables of a section, by what their rows are.
BY = {"subdistrict": Text("รายตำบล", "by subdistrict"), "village": Text("รายหมู่บ้าน", "by village"),
      "fund": Text("รายกองทุน", "by fund")}
# A record being named: its words, or a function making them (only a record no row takes is ever named).
Record = Text | Callable[[], Text] | None
# A record no row takes: (quarter, place, values, its name).
Unplaced = tuple[int, Place, dict[str, int], Text]


class Tally:
    """Adds records up into rows by subdistrict, village and fund, and every record into the total.

    `add(..., to_total=False)` leaves the total to a query of its own (`set_total`). `record` names the record
    (a Text, or a function making it: only a record no row takes is ever named).
    """

    def __init__(self, measures: Sequence[Measure], nq: int, areas: Areas, funds: Mapping[str, str] | None,
                 what: Kind, record_kind: Kind | None = None):
        self.keys = [m.key for m in measures if not m.ratio]
        self.nq = nq
        self.areas = areas
        self.funds = funds  # kind -> label; None: the section has no fund table
        self.what = what  # what one entry is (loans, notices, ...), for the explanations
        self.record_kind = record_kind or what  # what a record named in the problems is
        self.total = self._blank()
        self.subdistricts = {code: self._blank() for code in areas.subdistricts}
        self.villages = {code: self._blank() for code in areas.villages}
        self.by_fund = {kind: self._blank() for kind in funds} if funds is not None else {}
        # records no area row takes, and (in the district) no fund row takes: (quarter, place, values, record)
        self.outside: list[Unplaced] = []
        self.no_fund: list[Unplaced] = []

    def _blank(self) -> dict[str, list[int]]:
        return {k: [0] * self.nq for k in self.keys}

    def placed(self, place: Place) -> bool:
        """Whether a record of this place goes into a row of every table (so it need never be named)."""
        return place.subdistrict is not None and (self.funds is None or place.fund is not None)

    def add(self, qi: int, place: Place, values: dict[str, int], record: Record, to_total: bool = True) -> None:
        if to_total:
            _add(self.total, qi, values)
        if place.subdistrict is None:
            self.outside.append((qi, place, values, _named(record)))
            return
        _add(self.subdistricts[place.subdistrict], qi, values)
        _add(self.villages[place.village or ""], qi, values)  # a place in a subdistrict is in a village
        if self.funds is not None:
            if place.fund is None:
                self.no_fund.append((qi, place, values, _named(record)))
            else:
                if place.fund not in self.by_fund:
                    self.by_fund[place.fund] = self._blank()
                _add(self.by_fund[place.fund], qi, values)

    def set_total(self, key: str, qi: int, value: int) -> None:
        self.total[key][qi] = value


def _named(record: Record) -> Text:
    named = record() if callable(record) else record
    if named is None:
        raise ValueError("a record that no row takes must be named")  # a caller's mistake, not the data's
    return named


def _add(target: dict[str, list[int]], qi: int, values: dict[str, int]) -> None:
    for k, v in values.items():
        target[k][qi] += v


def tables(tally: Tally, measures: Sequence[Measure], quarters: Sequence[Quarter],
           fund_labels: Mapping[str, str]) -> list[Table]:
    live = [q.as_of is not None for q in quarters]

    def row(key: str, label: str, values: dict[str, list[int]], parent: str = "", parent_label: str = "") -> Row:
        return Row(key, label, {k: [v[i] if live[i] else None for i in range(len(quarters))] for k, v in values.items()},
                   parent, parent_label)

    areas = tally.areas
    sub_rows = [row(code, label, tally.subdistricts[code]) for code, label in areas.subdistricts.items()]
    village_rows = [row(code, label, tally.villages[code], scode, areas.subdistricts[scode])
                    for code, (label, scode) in areas.villages.items()]
    out = [_table("subdistrict", sub_rows, tally, measures, quarters, tally.outside)]
    if tally.funds is not None:
        order = list(FundKind)
        kinds = sorted(tally.by_fund, key=lambda k: (order.index(FundKind(k)) if k in order else 99, k))
        fund_rows = [row(k, fund_labels.get(k, k), tally.by_fund[k]) for k in kinds]
        out.append(_table("fund", fund_rows, tally, measures, quarters, tally.outside + tally.no_fund))
    # the drill-down last: a district has some 180 villages
    out.append(_table("village", village_rows, tally, measures, quarters, tally.outside))
    return out


def _table(by: str, rows: list[Row], tally: Tally, measures: Sequence[Measure], quarters: Sequence[Quarter],
           unplaced: list[Unplaced]) -> Table:
    nq = len(quarters)
    live = [q.as_of is not None for q in quarters]
    sums: dict[str, list[int | None]] = {k: [sum(r.values[k][i] or 0 for r in rows) if live[i] else None for i in range(nq)]
                                         for k in tally.keys}
    total = Row("total", "รวมทั้งอำเภอ", {k: [v[i] if live[i] else None for i in range(nq)] for k, v in tally.total.items()})
    checks = []
    for m in measures:
        if m.ratio:
            continue
        for i, q in enumerate(quarters):
            if not live[i]:
                continue
            c = Check(m.key, q.no, total.values[m.key][i] or 0, sums[m.key][i] or 0)  # a quarter reached: never None
            if not c.ok:
                c.reason = _explain(c, m, [(p, v, rec) for qi, p, v, rec in unplaced if qi == i and v.get(m.key)],
                                    tally.what, by)
            checks.append(c)
    return Table(by, BY[by], rows, total, Row("sum", "ผลรวมของแถว", sums), checks)


def figure_text(value: float | None, unit: str) -> str:
    """A figure as printed and shown: baht with thousands separators, PAR30 as a percentage to two places,
    counts grouped; "–" for a quarter not yet reached."""
    if value is None:
        return "–"
    if unit == SATANG:
        return format_baht(int(value))
    if unit == RATIO:
        return f"{value * 100:.2f}%"
    return f"{value:,}"


def _amount(value: int, unit: str) -> Text:
    if unit == SATANG:
        return Text(f"{format_baht(value)} บาท", f"{format_baht(value)} baht")
    return Text(f"{value:,}", f"{value:,}")


def _explain(check: Check, m: Measure, unplaced: list[tuple[Place, dict[str, int], Text]], what: Kind,
             by: str) -> Text:
    rows, total = _amount(check.sum_of_rows, m.unit), _amount(check.total, m.unit)
    th = [f"{m.label.th} {BY[by].th} ไตรมาส {check.quarter}: ผลรวมของแถว {rows.th} ไม่เท่ากับยอดรวม {total.th}"]
    en = [f"{m.label.en} {BY[by].en}, Q{check.quarter}: the rows add up to {rows.en}, the total is {total.en}"]
    reasons = Counter(p.why or NO_FUND for p, _v, _r in unplaced)
    explained = sum(v[m.key] for _p, v, _r in unplaced)
    parts = [Text(f"{what.count(n).th}: {why.th}", f"{what.count(n).en}: {why.en}") for why, n in reasons.most_common()]
    rest = check.difference - explained
    if rest > 0:
        left = _amount(rest, m.unit)
        parts.append(Text(f"ส่วนต่างอีก {left.th} ไม่ทราบที่มา", f"another {left.en} is unexplained"))
    elif rest < 0:
        over = _amount(-rest, m.unit)
        parts.append(Text(f"แถวรวมกันเกินยอดรวม {over.th}: มีรายการถูกนับซ้ำ",
                          f"the rows exceed the total by {over.en}: something is counted twice"))
    return Text(" — ".join([th[0], "; ".join(p.th for p in parts)]), " — ".join([en[0], "; ".join(p.en for p in parts)]))


def unplaced_problems(tallies: list[Tally]) -> list[Problem]:
    """Every record no row takes, once, grouped by the reason: counted in the total and in no row."""
    seen: set[tuple[Kind, Text, Text | None]] = set()
    grouped: dict[tuple[Kind, Text], list[Text]] = defaultdict(list)
    for tally in tallies:
        for _qi, place, _values, record in tally.outside + tally.no_fund:
            key = (tally.record_kind, record, place.why)
            if key in seen:
                continue
            seen.add(key)
            grouped[(tally.record_kind, place.why or NO_FUND)].append(record)
    out = []
    for (what, why), records in grouped.items():
        n, more = len(records), len(records) - 5
        listed = Text(", ".join(r.th for r in records[:5]) + (f" และอีก {more} รายการ" if more > 0 else ""),
                      ", ".join(r.en for r in records[:5]) + (f" and {more} more" if more > 0 else ""))
        counted = what.count(n)
        out.append(Problem(Level.ERROR, ProblemCode.UNPLACED, Text(
            f"{counted.th} ไม่ได้นับในแถวใดของตาราง แต่นับในยอดรวม ยอดรวมจึงไม่ตรงกับผลรวมรายแถว: {why.th} — {listed.th}",
            f"{counted.en} counted in the total but in no row, so the totals do not add up: {why.en} — {listed.en}")))
    return out
