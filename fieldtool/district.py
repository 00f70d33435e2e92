"""The district report (รายงานระดับอำเภอ): the merged figures of every subdistrict by fiscal quarter, checked.

Tables have the shape of the reports that go up the chain: area rows (subdistricts, drillable to
villages; funds where it makes sense) × fiscal-quarter columns, with a totals row. The totals row is never
the sum of the rows: it is computed straight from the data (every loan, notice, visit, plan of the
database, whatever its area; for visits and plans by a query of its own), then compared with the sum of
the rows. A record that no row takes (a village whose subdistrict is outside the district, a loan whose
fund or village has not arrived) makes the check fail and is named, never dropped in silence; areas are
grouped by their official code, so the District and Subdistrict rows every laptop made for itself are
counted once.

Stock figures (arrears, PAR30, outstanding principal, ask tasks open, households with plans, plan actions
overdue) are taken at each quarter's end, or on the report day in the current quarter; flows (notices that
fell due, visits made) count what happened in the quarter. Loan figures come from `load_states`, run once
per quarter end for the whole book.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from fieldtool.loanbook import FUND_KINDS, LoanInfo, load_states, loan_infos, person_name, village_label
from fieldtool.models import (
    ActionNote,
    District,
    Fund,
    Household,
    HouseholdPlan,
    Person,
    PlanAction,
    Setting,
    Subdistrict,
    SyncBundle,
    Village,
    Visit,
)
from fieldtool.plans import OPEN_STATUSES

# The per-loan reminder rules live in fieldtool.reminders; the report applies them to the states it has
# already loaded for a quarter end instead of letting reminders_on load the whole book again.
from fieldtool.reminders import NOTICE_OFFSETS, _deliveries, _loan_reminders, notice_outcomes
from fieldtool.thai import BE_OFFSET, MONTHS_SHORT, InputError, format_baht, format_date, to_thai_digits

SATANG, COUNT, RATIO = "satang", "count", "ratio"


# --- quarters --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    """One fiscal quarter of a Buddhist-Era fiscal year; `as_of` is the day its figures are taken."""

    fy: int
    no: int  # 1..4; Q1 is October–December of the year before the FY's number
    start: date
    end: date
    as_of: date | None  # the quarter's end, the report day in the current quarter, None before it starts

    @property
    def status(self) -> str:
        if self.as_of is None:
            return "future"
        return "closed" if self.as_of == self.end else "current"

    def label(self, thai_digits: bool = True) -> str:
        """"ไตรมาส ๑ (ต.ค.–ธ.ค. ๒๕๖๙)": the months and their Buddhist-Era calendar year."""
        text = (f"ไตรมาส {self.no} ({MONTHS_SHORT[self.start.month - 1]}–{MONTHS_SHORT[self.end.month - 1]} "
                f"{self.start.year + BE_OFFSET})")
        return to_thai_digits(text) if thai_digits else text

    def short_label(self, thai_digits: bool = True) -> str:
        text = f"ไตรมาส {self.no}"
        return to_thai_digits(text) if thai_digits else text


def fiscal_quarters(fy: int, on: date) -> list[Quarter]:
    """The four quarters of BE fiscal year `fy` as they stand on day `on` (FY 2570: 1 Oct 2026 – 30 Sep 2027)."""
    first_year = fy - BE_OFFSET - 1
    out = []
    for no, (year, month) in enumerate(((first_year, 10), (first_year + 1, 1), (first_year + 1, 4),
                                        (first_year + 1, 7)), start=1):
        start = date(year, month, 1)
        end = start + relativedelta(months=3, days=-1)
        as_of = end if on >= end else (on if on >= start else None)
        out.append(Quarter(fy, no, start, end, as_of))
    return out


# --- what a report is made of ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # Thai column heading
    label_en: str
    unit: str  # satang | count | ratio
    ratio: tuple[str, str] | None = None  # a ratio is numerator / denominator of the same row
    hidden: bool = False  # carried (for a ratio, for JSON) but not a column of its own

    @property
    def shown(self) -> bool:
        return not self.hidden


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
    explanation: str = ""  # why they differ, in Thai with English in parentheses

    @property
    def ok(self) -> bool:
        return self.total == self.sum_of_rows

    @property
    def difference(self) -> int:
        return self.total - self.sum_of_rows


@dataclass
class Table:
    by: str  # subdistrict | village | fund
    title: str
    rows: list[Row]
    total: Row  # computed directly from the data, not from the rows
    sum_of_rows: Row
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, measure: str, quarter: int) -> Check | None:
        return next((c for c in self.checks if c.measure == measure and c.quarter == quarter), None)


@dataclass
class Section:
    key: str
    title: str
    title_en: str
    description: str  # how the figures are taken, one or two Thai sentences
    measures: list[Measure]
    tables: list[Table]

    def table(self, by: str) -> Table:
        return next(t for t in self.tables if t.by == by)

    @property
    def shown_measures(self) -> list[Measure]:
        return [m for m in self.measures if m.shown]


@dataclass
class Problem:
    level: str  # error (the figures do not add up) | warning | note
    message: str  # Thai, then English in parentheses


@dataclass(frozen=True)
class Source:
    """A laptop's latest bundle the office has merged: how recent its subdistrict's figures are."""

    subdistrict: str  # "341905 ต.โนนกลาง"
    officer: str
    bundle_seq: int
    made_at: datetime  # UTC: when the laptop wrote the bundle
    received_at: datetime  # UTC: when the office imported it


@dataclass
class DistrictReport:
    fy: int
    district_code: str
    district_name: str
    office_name: str
    on: date
    quarters: list[Quarter]
    sections: list[Section]
    problems: list[Problem] = field(default_factory=list)
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # UTC: when the figures were counted
    sources: list[Source] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def checks(self) -> list[tuple[Section, Table, Check]]:
        return [(s, t, c) for s in self.sections for t in s.tables for c in t.checks]

    @property
    def failed_checks(self) -> list[tuple[Section, Table, Check]]:
        return [x for x in self.checks if not x[2].ok]

    @property
    def ok(self) -> bool:
        return not self.failed_checks and not any(p.level == "error" for p in self.problems)


# --- areas -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a record is counted: its subdistrict and village codes (None when outside this district)."""

    subdistrict: str | None
    village: str | None
    fund: str | None = None  # fund kind, for loan figures
    why: str = ""  # when not in the district, or without a fund: why, in Thai with English


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
            return Place(None, None, fund, "ไม่ทราบหมู่บ้าน (no village recorded)")
        found = self.of_village.get(village_id)
        if found is None:
            return Place(None, None, fund, f"ไม่พบหมู่บ้าน {village_id[:8]} ในฐานข้อมูล (village {village_id[:8]} "
                                           "is not in the database: its bundle has not arrived)")
        return Place(found.subdistrict, found.village, fund, found.why)


def district_code_of(session: Session, code: str | None = None) -> str:
    """The district the report is about: given, the office's `district_code`, or the only one recorded."""
    if code:
        return code
    row = session.get(Setting, "district_code")
    if row and row.value:
        return row.value
    codes = sorted(set(session.scalars(select(District.code))))
    if len(codes) == 1:
        return codes[0]
    raise InputError(
        "ไม่ทราบว่าจะรายงานอำเภอใด ระบุรหัสอำเภอด้วย --district "
        f"(which district? the database holds {', '.join(codes) or 'none'}; give --district CODE)"
    )


def load_areas(session: Session, district_code: str) -> Areas:
    problems: list[Problem] = []
    districts = session.execute(select(District.id, District.code, District.name)).all()
    ours = [d for d in districts if d.code == district_code]
    names = sorted({d.name for d in ours})
    if not ours:
        raise InputError(f"ไม่พบอำเภอรหัส {district_code} ในฐานข้อมูล (no district {district_code} in the database)")
    if len(ours) > 1:
        problems.append(Problem("note", (
            f"อำเภอรหัส {district_code} มี {len(ours)} ระเบียน (แต่ละเครื่องสร้างไว้เอง) รายงานรวมตามรหัส ไม่นับซ้ำ "
            f"(district {district_code} has {len(ours)} rows, one per laptop; grouped by code, nothing counted twice)")))
    if len(names) > 1:
        problems.append(Problem("warning", (
            f"อำเภอรหัส {district_code} ถูกบันทึกไว้หลายชื่อ: {', '.join(names)} "
            f"(district {district_code} is recorded under several names)")))
    district_by_id = {d.id: d.code for d in districts}

    subs = session.execute(select(Subdistrict.id, Subdistrict.code, Subdistrict.name, Subdistrict.district_id)).all()
    sub_rows: dict[str, list] = defaultdict(list)  # code -> rows in this district
    sub_of_id = {}
    for s in subs:
        dcode = district_by_id.get(s.district_id)
        sub_of_id[s.id] = (s.code, s.name, dcode)
        if dcode == district_code:
            sub_rows[s.code].append(s)
    subdistricts = {}
    for code in sorted(sub_rows):
        rows = sub_rows[code]
        labels = sorted({subdistrict_label(r.name) for r in rows})
        subdistricts[code] = labels[0]
        if len(labels) > 1:
            problems.append(Problem("warning", (
                f"ตำบลรหัส {code} ถูกบันทึกไว้หลายชื่อ: {', '.join(labels)} ใช้ชื่อ {labels[0]} "
                f"(subdistrict {code} is recorded under several names)")))
        if not code.startswith(district_code):
            problems.append(Problem("warning", (
                f"{labels[0]} รหัส {code} ไม่ขึ้นต้นด้วยรหัสอำเภอ {district_code} แต่บันทึกว่าอยู่ในอำเภอนี้ "
                f"(subdistrict {code} is recorded in district {district_code} but its code does not start with it)")))

    villages: dict[str, tuple[str, str]] = {}
    of_village: dict[str, Place] = {}
    village_names: dict[str, set[str]] = defaultdict(set)
    miscoded: list[str] = []
    rows = session.execute(select(Village.id, Village.code, Village.moo, Village.name, Village.subdistrict_id)).all()
    for v in sorted(rows, key=lambda v: (v.code, v.moo, v.name)):
        label = village_label(v.moo, v.name)
        sub = sub_of_id.get(v.subdistrict_id)
        if sub is None:
            of_village[v.id] = Place(None, None, why=f"{label} ไม่มีตำบล (village {v.code} has no subdistrict)")
            continue
        scode, sname, dcode = sub
        if dcode != district_code:
            of_village[v.id] = Place(None, None, why=(
                f"{label} {subdistrict_label(sname)} รหัส {scode} อยู่ในอำเภอรหัส {dcode or '-'} ไม่ใช่อำเภอ {district_code} "
                f"(village {v.code}: subdistrict {scode} is in district {dcode or 'unknown'}, not {district_code})"))
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
    for key, labels in village_names.items():
        if len(labels) > 1:
            problems.append(Problem("warning", (
                f"หมู่บ้านรหัส {key} ถูกบันทึกไว้หลายชื่อ: {', '.join(sorted(labels))} นับรวมเป็นหมู่บ้านเดียว "
                f"(village {key} is recorded under several names; counted as one village)")))
    if miscoded:
        problems.append(Problem("warning", (
            f"{len(miscoded)} หมู่บ้านมีรหัสไม่ตรงกับตำบลที่สังกัด รายงานจัดตามตำบลที่สังกัดและหมู่ที่ "
            f"เช่น {', '.join(miscoded[:3])} ({len(miscoded)} villages have a code that does not match their "
            "subdistrict and number; they are reported under the subdistrict they belong to)")))
    order = list(subdistricts)
    villages = dict(sorted(villages.items(), key=lambda kv: (order.index(kv[1][1]), _moo_of(kv[1][0]), kv[0])))
    return Areas(district_code, names[0], subdistricts, villages, of_village, problems)


def _moo_of(label: str) -> int:
    try:
        return int(label.split()[1])
    except (IndexError, ValueError):
        return 10_000


# --- tallying: rows by place, and the total straight from the data ----------------------------------------


class _Tally:
    """Adds records up into rows by subdistrict, village and fund, and every record into the total.

    `add(..., to_total=False)` leaves the total to a query of its own (`set_total`).
    """

    def __init__(self, measures: list[Measure], nq: int, areas: Areas, funds: dict[str, str] | None, what: str,
                 record_kind: str = ""):
        self.keys = [m.key for m in measures if not m.ratio]
        self.nq = nq
        self.areas = areas
        self.funds = funds  # kind -> label; None: the section has no fund table
        self.what = what  # what one entry is ("สัญญา", "การแจ้ง", ...), for the explanations
        self.record_kind = record_kind or what  # what a record named in the problems is
        self.total = self._blank()
        self.subdistricts = {code: self._blank() for code in areas.subdistricts}
        self.villages = {code: self._blank() for code in areas.villages}
        self.by_fund = {kind: self._blank() for kind in funds} if funds is not None else {}
        # records no area row takes, and (in the district) no fund row takes: (quarter, place, values, label)
        self.outside: list[tuple[int, Place, dict[str, int], str]] = []
        self.no_fund: list[tuple[int, Place, dict[str, int], str]] = []

    def _blank(self) -> dict[str, list[int]]:
        return {k: [0] * self.nq for k in self.keys}

    def add(self, qi: int, place: Place, values: dict[str, int], record: str, to_total: bool = True) -> None:
        if to_total:
            _add(self.total, qi, values)
        if place.subdistrict is None:
            self.outside.append((qi, place, values, record))
            return
        _add(self.subdistricts[place.subdistrict], qi, values)
        _add(self.villages[place.village], qi, values)
        if self.funds is not None:
            if place.fund is None:
                self.no_fund.append((qi, place, values, record))
            else:
                if place.fund not in self.by_fund:
                    self.by_fund[place.fund] = self._blank()
                _add(self.by_fund[place.fund], qi, values)

    def set_total(self, key: str, qi: int, value: int) -> None:
        self.total[key][qi] = value


def _add(target: dict[str, list[int]], qi: int, values: dict[str, int]) -> None:
    for k, v in values.items():
        target[k][qi] += v


def _tables(tally: _Tally, measures: list[Measure], quarters: list[Quarter], fund_labels: dict[str, str]) -> list[Table]:
    live = [q.as_of is not None for q in quarters]

    def row(key, label, values, parent="", parent_label="") -> Row:
        return Row(key, label, {k: [v[i] if live[i] else None for i in range(len(quarters))] for k, v in values.items()},
                   parent, parent_label)

    areas = tally.areas
    sub_rows = [row(code, label, tally.subdistricts[code]) for code, label in areas.subdistricts.items()]
    village_rows = [row(code, label, tally.villages[code], scode, areas.subdistricts[scode])
                    for code, (label, scode) in areas.villages.items()]
    tables = [_table("subdistrict", "รายตำบล", sub_rows, tally, measures, quarters, tally.outside)]
    if tally.funds is not None:
        kinds = sorted(tally.by_fund, key=lambda k: (list(FUND_KINDS).index(k) if k in FUND_KINDS else 99, k))
        fund_rows = [row(k, fund_labels.get(k, k), tally.by_fund[k]) for k in kinds]
        tables.append(_table("fund", "รายกองทุน", fund_rows, tally, measures, quarters, tally.outside + tally.no_fund))
    # the drill-down last: a district has some 180 villages
    tables.append(_table("village", "รายหมู่บ้าน", village_rows, tally, measures, quarters, tally.outside))
    return tables


def _table(by, title, rows, tally: _Tally, measures, quarters, unplaced) -> Table:
    nq = len(quarters)
    live = [q.as_of is not None for q in quarters]
    sums = {k: [sum(r.values[k][i] for r in rows) if live[i] else None for i in range(nq)] for k in tally.keys}
    total = Row("total", "รวมทั้งอำเภอ", {k: [v[i] if live[i] else None for i in range(nq)] for k, v in tally.total.items()})
    checks = []
    for m in measures:
        if m.ratio:
            continue
        for i, q in enumerate(quarters):
            if not live[i]:
                continue
            c = Check(m.key, q.no, total.values[m.key][i], sums[m.key][i])
            if not c.ok:
                c.explanation = _explain(c, m, [(p, v, rec) for qi, p, v, rec in unplaced if qi == i and v.get(m.key)],
                                         tally.what, by)
            checks.append(c)
    return Table(by, title, rows, total, Row("sum", "ผลรวมของแถว", sums), checks)


def figure_text(value, unit: str) -> str:
    """A figure as printed and shown: baht with thousands separators, PAR30 as a percentage to two places,
    counts grouped; "–" for a quarter not yet reached."""
    if value is None:
        return "–"
    if unit == SATANG:
        return format_baht(value)
    if unit == RATIO:
        return f"{value * 100:.2f}%"
    return f"{value:,}"


def _amount(value: int, unit: str) -> str:
    return f"{format_baht(value)} บาท" if unit == SATANG else f"{value:,}"


def _explain(check: Check, m: Measure, unplaced, what: str, by: str) -> str:
    rows_th = {"subdistrict": "รายตำบล", "village": "รายหมู่บ้าน", "fund": "รายกองทุน"}[by]
    head = (f"{m.label} {rows_th} ไตรมาส {check.quarter}: ผลรวมของแถว {_amount(check.sum_of_rows, m.unit)} "
            f"ไม่เท่ากับยอดรวม {_amount(check.total, m.unit)}")
    head_en = (f"{m.label_en} by {by}, Q{check.quarter}: the rows add up to {_amount(check.sum_of_rows, m.unit)}, "
               f"the total is {_amount(check.total, m.unit)}")
    reasons = Counter(p.why or "ไม่ทราบกองทุน (no fund)" for p, _v, _r in unplaced)
    explained = sum(v[m.key] for _p, v, _r in unplaced)
    parts = [f"{n} {what}: {why}" for why, n in reasons.most_common()]
    rest = check.difference - explained
    if rest > 0:
        parts.append(f"ส่วนต่างอีก {_amount(rest, m.unit)} ไม่ทราบที่มา (another {_amount(rest, m.unit)} is unexplained)")
    elif rest < 0:
        parts.append(f"แถวรวมกันเกินยอดรวม {_amount(-rest, m.unit)}: มีรายการถูกนับซ้ำ "
                     f"(the rows exceed the total by {_amount(-rest, m.unit)}: something is counted twice)")
    return f"{head} ({head_en}) — " + "; ".join(parts)


# --- the sections ---------------------------------------------------------------------------------------

LOAN_SECTIONS = {
    "arrears": (
        "หนี้ค้างชำระ", "Arrears",
        "ยอดเงินงวดที่เลยกำหนดชำระแล้วยังไม่ได้ชำระ และจำนวนสัญญาที่ค้างชำระ ณ วันสิ้นไตรมาส (ไตรมาสปัจจุบัน ณ วันที่รายงาน)",
        [Measure("arrears", "ค้างชำระ (บาท)", "amount overdue", SATANG),
         Measure("overdue_loans", "สัญญาค้างชำระ", "loans overdue", COUNT)],
    ),
    "par30": (
        "PAR30 สัดส่วนเงินต้นที่เสี่ยง", "PAR30",
        "PAR30 = เงินต้นคงค้างของสัญญาที่ค้างชำระเกิน 30 วัน ÷ เงินต้นคงค้างทั้งหมด ณ วันสิ้นไตรมาส",
        [Measure("at_risk_30", "เงินต้นค้างเกิน 30 วัน (บาท)", "principal over 30 days overdue", SATANG),
         Measure("outstanding", "เงินต้นคงค้าง (บาท)", "outstanding principal", SATANG, hidden=True),
         Measure("par30", "PAR30", "PAR30", RATIO, ratio=("at_risk_30", "outstanding"))],
    ),
    "outstanding": (
        "เงินต้นคงค้าง", "Outstanding principal",
        "เงินต้นที่ยังไม่ได้รับคืนของสัญญาที่จ่ายเงินกู้แล้วและยังไม่ปิดบัญชี ณ วันสิ้นไตรมาส",
        [Measure("outstanding", "เงินต้นคงค้าง (บาท)", "outstanding principal", SATANG),
         Measure("active_loans", "สัญญา", "loans", COUNT)],
    ),
    "ask": (
        "งานทวงถามที่ค้างอยู่", "Ask tasks open",
        "สัญญาที่มีงานทวงถาม (ลงพื้นที่ ประชุม มาตรการช่วยเหลือ ภาคี) เปิดค้างอยู่ ณ วันสิ้นไตรมาส และยอดที่ต้องทวงถาม",
        [Measure("ask_loans", "สัญญาที่ต้องทวงถาม", "loans with an open ask task", COUNT),
         Measure("ask_amount", "ยอดที่ต้องทวงถาม (บาท)", "amount to ask for", SATANG)],
    ),
}
NOTICES = (
    "การแจ้งเตือนก่อนครบกำหนด", "Notices",
    "การแจ้งล่วงหน้า 30, 15 และ 7 วัน นับในไตรมาสที่ถึงวันต้องแจ้ง ผลการแจ้งนับถึงวันที่รายงาน "
    "(ครบกำหนดแจ้ง = แจ้งแล้ว + พลาด + ชำระก่อนแจ้ง + ยังเปิดอยู่)",
    [Measure("due", "ครบกำหนดแจ้ง", "notices due", COUNT),
     Measure("delivered", "แจ้งแล้ว", "delivered", COUNT),
     Measure("missed", "พลาด", "missed", COUNT),
     Measure("settled", "ชำระก่อนแจ้ง", "paid before the notice", COUNT, hidden=True),
     Measure("open", "ยังเปิดอยู่", "still open", COUNT, hidden=True)],
)
VISITS = (
    "การลงพื้นที่", "Visits",
    "จำนวนครั้งที่ลงพื้นที่ในไตรมาส (ไตรมาสปัจจุบัน ถึงวันที่รายงาน) นับตามหมู่บ้านที่ไป",
    [Measure("visits", "ลงพื้นที่ (ครั้ง)", "visits made", COUNT)],
)
PLANS = (
    "แผนพัฒนาครัวเรือน", "Household plans",
    "ครัวเรือนที่มีแผนพัฒนาครัวเรือนแล้ว (สะสม) และกิจกรรมในแผนที่เลยกำหนดแต่ยังไม่เสร็จ ณ วันสิ้นไตรมาส",
    [Measure("households", "ครัวเรือนที่มีแผน", "households with a plan", COUNT),
     Measure("actions_overdue", "กิจกรรมเลยกำหนด", "plan actions overdue", COUNT)],
)
SECTION_ORDER = ("arrears", "par30", "outstanding", "notices", "ask", "visits", "plans")


def district_report(
    session: Session, fy: int, on: date, quarter: int | None = None, district_code: str | None = None
) -> DistrictReport:
    """The district report for BE fiscal year `fy` as it stands on `on` (one quarter only if `quarter`)."""
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise InputError(f"ไตรมาสต้องเป็น 1 ถึง 4: {quarter} (the quarter is 1 to 4)")
    quarters = fiscal_quarters(fy, on)
    if quarter is not None:
        quarters = [quarters[quarter - 1]]
    code = district_code_of(session, district_code)
    areas = load_areas(session, code)
    office = session.get(Setting, "office_name") or session.get(Setting, "letter.office_name")

    funds = {fid: kind for fid, kind in session.execute(select(Fund.id, Fund.kind))}
    fund_labels = {kind: FUND_KINDS.get(kind, kind) for kind in funds.values()}
    infos = loan_infos(session)
    loan_place = {lid: areas.place(info.village_id, funds.get(info.fund_id)) for lid, info in infos.items()}

    sections: dict[str, Section] = {}
    loan_tallies = {key: _Tally(spec[3], len(quarters), areas, fund_labels, "สัญญา") for key, spec in LOAN_SECTIONS.items()}
    notices = _Tally(NOTICES[3], len(quarters), areas, fund_labels, "การแจ้ง", "สัญญา")
    delivered = _deliveries(session, None)

    states_on = None
    for qi, q in enumerate(quarters):
        if q.as_of is None:
            continue
        states = load_states(session, q.as_of)
        if q.as_of == on:
            states_on = states
        _tally_loans(states, infos, loan_place, delivered, q.as_of, qi, loan_tallies)
    if any(q.as_of for q in quarters):
        if states_on is None:
            states_on = load_states(session, on)
        _tally_notices(session, states_on, infos, loan_place, quarters, on, notices)

    for key, (title, title_en, desc, measures) in LOAN_SECTIONS.items():
        sections[key] = Section(key, title, title_en, desc, measures,
                                _tables(loan_tallies[key], measures, quarters, fund_labels))
    sections["notices"] = Section("notices", *NOTICES[:3], NOTICES[3], _tables(notices, NOTICES[3], quarters, fund_labels))
    visits = _tally_visits(session, areas, quarters)
    sections["visits"] = Section("visits", *VISITS[:3], VISITS[3], _tables(visits, VISITS[3], quarters, fund_labels))
    plans = _tally_plans(session, areas, quarters)
    sections["plans"] = Section("plans", *PLANS[:3], PLANS[3], _tables(plans, PLANS[3], quarters, fund_labels))

    report = DistrictReport(fy, code, areas.district_name, office.value if office else "", on, quarters,
                            [sections[k] for k in SECTION_ORDER], sources=data_sources(session, areas))
    report.problems = _problems(report, areas, [*loan_tallies.values(), notices, visits, plans])
    return report


def data_sources(session: Session, areas: Areas) -> list[Source]:
    """Each laptop's latest bundle merged here, by subdistrict: the figures hold its work up to then."""
    latest = (select(SyncBundle.source_device, func.max(SyncBundle.bundle_seq).label("seq"))
              .where(SyncBundle.direction == "in", SyncBundle.kind == "field").group_by(SyncBundle.source_device)
              .subquery())
    rows = session.scalars(select(SyncBundle).join(latest, (SyncBundle.source_device == latest.c.source_device)
                                                   & (SyncBundle.bundle_seq == latest.c.seq))
                           .where(SyncBundle.direction == "in", SyncBundle.kind == "field",
                                  SyncBundle.area_code.startswith(areas.district_code)))
    out = [Source(f"{b.area_code} {areas.subdistricts.get(b.area_code, '')}".strip(), b.officer, b.bundle_seq,
                  b.created_at, b.processed_at) for b in rows]
    return sorted(out, key=lambda src: (src.subdistrict, src.officer, src.bundle_seq))


def _loan_record(info: LoanInfo | None, loan_id: str) -> str:
    if info is None:
        return f"สัญญา {loan_id[:8]}"
    return f"สัญญา {info.agreement_no or info.id[:8]} {info.borrower} ({info.village})".replace(" ()", "")


def _tally_loans(states, infos, loan_place, delivered, as_of: date, qi: int, tallies: dict[str, _Tally]) -> None:
    for loan_id, state in states.items():
        if state.stage not in ("follow", "ask"):
            continue
        info = infos.get(loan_id)
        place = loan_place.get(loan_id) or Place(None, None, None, (
            "สัญญาไม่มีกองทุนหรือผู้กู้ในฐานข้อมูล (the loan's fund or borrower is not in the database)"))
        record = _loan_record(info, loan_id)
        days = state.days_overdue
        principal = state.outstanding_principal
        tallies["arrears"].add(qi, place, {"arrears": state.arrears_satang if days > 0 else 0,
                                           "overdue_loans": int(days > 0)}, record)
        tallies["par30"].add(qi, place, {"at_risk_30": principal if days > 30 else 0, "outstanding": principal}, record)
        tallies["outstanding"].add(qi, place, {"outstanding": principal, "active_loans": 1}, record)
        asks = [r for r in _loan_reminders(state, info or _no_info(loan_id), delivered, as_of) if r.kind == "ask"]
        tallies["ask"].add(qi, place, {"ask_loans": int(bool(asks)),
                                       "ask_amount": asks[0].loan_arrears_satang if asks else 0}, record)


def _no_info(loan_id: str) -> LoanInfo:
    return LoanInfo(loan_id, "", "", "", "", "", "", "", "", "", "", "", 0, date.min, None)


def _tally_notices(session, states, infos, loan_place, quarters, on: date, tally: _Tally) -> None:
    offsets = dict(NOTICE_OFFSETS)
    for outcome in notice_outcomes(session, on, states=states):
        opened = date.fromordinal(outcome.due_date.toordinal() - offsets[outcome.kind])
        qi = next((i for i, q in enumerate(quarters) if q.as_of and q.start <= opened <= q.as_of), None)
        if qi is None:
            continue
        place = loan_place.get(outcome.loan_id) or Place(None, None, None, (
            "สัญญาไม่มีกองทุนหรือผู้กู้ในฐานข้อมูล (the loan's fund or borrower is not in the database)"))
        tally.add(qi, place, {"due": 1, outcome.state: 1}, _loan_record(infos.get(outcome.loan_id), outcome.loan_id))


def _tally_visits(session: Session, areas: Areas, quarters: list[Quarter]) -> _Tally:
    tally = _Tally(VISITS[3], len(quarters), areas, None, "ครั้งที่ลงพื้นที่")
    live = [q for q in quarters if q.as_of]
    if not live:
        return tally
    lo, hi = min(q.start for q in live), max(q.as_of for q in live)
    rows = session.execute(select(Visit.id, Visit.visited_on, Visit.village_id, Visit.place)
                           .where(Visit.visited_on >= lo, Visit.visited_on <= hi)).all()
    for _vid, visited_on, village_id, spot in rows:
        qi = next((i for i, q in enumerate(quarters) if q.as_of and q.start <= visited_on <= q.as_of), None)
        if qi is not None:
            tally.add(qi, areas.place(village_id), {"visits": 1},
                      f"การลงพื้นที่ {format_date(visited_on)} {spot}".strip(), to_total=False)
    for qi, q in enumerate(quarters):
        if q.as_of:  # the total by a query of its own, not from the rows
            n = session.scalar(select(func.count()).select_from(Visit)
                               .where(Visit.visited_on >= q.start, Visit.visited_on <= q.as_of))
            tally.set_total("visits", qi, n)
    return tally


def _tally_plans(session: Session, areas: Areas, quarters: list[Quarter]) -> _Tally:
    tally = _Tally(PLANS[3], len(quarters), areas, None, "ครัวเรือน")
    head = aliased(Person)
    households = {
        hid: (village_id, person_name(title or "", first or "", last or ""), house_no)
        for hid, village_id, house_no, title, first, last in session.execute(
            select(Household.id, Household.village_id, Household.house_no, head.title, head.first_name, head.last_name)
            .outerjoin(head, head.id == Household.head_id))
    }

    def where(hid: str) -> tuple[Place, str]:
        village_id, name, house_no = households.get(hid, (None, "", ""))
        record = f"ครัวเรือน {name or hid[:8]}" + (f" บ้านเลขที่ {house_no}" if house_no else "")
        return areas.place(village_id), record

    plans = session.execute(select(HouseholdPlan.id, HouseholdPlan.household_id, HouseholdPlan.revision,
                                   HouseholdPlan.made_on)).all()
    first_plan: dict[str, date] = {}
    for _pid, hid, _rev, made_on in plans:
        first_plan[hid] = min(made_on, first_plan.get(hid, made_on))
    plan_of = {pid: (hid, rev, made_on) for pid, hid, rev, made_on in plans}
    actions = session.execute(select(PlanAction.id, PlanAction.plan_id, PlanAction.due_on, PlanAction.status,
                                     PlanAction.carried_from_id)).all()
    carried_from = {a.id: a.carried_from_id for a in actions}
    notes: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for action_id, noted_on, status in session.execute(select(ActionNote.action_id, ActionNote.noted_on, ActionNote.status)):
        notes[action_id].append((noted_on, status))
    by_plan: dict[str, list] = defaultdict(list)
    for a in actions:
        by_plan[a.plan_id].append(a)

    for qi, q in enumerate(quarters):
        if q.as_of is None:
            continue
        # the plan revision each household had in force on that day
        in_force: dict[str, tuple[int, str]] = {}
        for pid, (hid, rev, made_on) in plan_of.items():
            if made_on <= q.as_of and rev > in_force.get(hid, (0, ""))[0]:
                in_force[hid] = (rev, pid)
        for hid, made_on in first_plan.items():
            if made_on <= q.as_of:
                place, record = where(hid)
                tally.add(qi, place, {"households": 1}, record, to_total=False)
        for hid, (_rev, pid) in in_force.items():
            overdue = sum(1 for a in by_plan[pid]
                          if a.due_on is not None and a.due_on < q.as_of
                          and _status_on(a, carried_from, notes, q.as_of) in OPEN_STATUSES)
            if overdue:
                place, record = where(hid)
                tally.add(qi, place, {"actions_overdue": overdue}, record)
        n = session.scalar(select(func.count(func.distinct(HouseholdPlan.household_id)))
                           .where(HouseholdPlan.made_on <= q.as_of))
        tally.set_total("households", qi, n)  # by a query of its own
    return tally


def _status_on(action, carried_from: dict, notes: dict, on: date) -> str:
    """An action's status on a past day: its last progress note by then (its carried-over history included).

    Before any note the status it was saved with is not kept apart from later changes; an action whose
    notes all come later was open then (a plan records work still to do), one with no notes at all has
    had its status since it was saved.
    """
    chain, seen, current = [], set(), action.id
    while current and current not in seen:
        seen.add(current)
        chain.append(current)
        current = carried_from.get(current)
    history = sorted(n for aid in chain for n in notes.get(aid, ()))
    before = [status for noted_on, status in history if noted_on <= on]
    if before:
        return before[-1]
    return action.status if not notes.get(action.id) else "planned"


# --- problems -------------------------------------------------------------------------------------------


def _problems(report: DistrictReport, areas: Areas, tallies: list[_Tally]) -> list[Problem]:
    out: list[Problem] = []
    # every record no row takes, once, grouped by the reason
    seen: set[str] = set()
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for tally in tallies:
        for _qi, place, _values, record in tally.outside + tally.no_fund:
            key = f"{tally.record_kind}|{record}|{place.why}"
            if key in seen:
                continue
            seen.add(key)
            grouped[(tally.record_kind, place.why or "ไม่ทราบกองทุน (no fund)")].append(record)
    for (what, why), records in grouped.items():
        listed = ", ".join(records[:5]) + (f" และอีก {len(records) - 5} รายการ (and {len(records) - 5} more)"
                                           if len(records) > 5 else "")
        out.append(Problem("error", (
            f"{len(records)} {what} ไม่ได้นับในแถวใดของตาราง แต่นับในยอดรวม ยอดรวมจึงไม่ตรงกับผลรวมรายแถว: {why} — {listed} "
            f"({len(records)} records counted in the total but in no row, so the totals do not add up)")))
    failed = report.failed_checks
    if failed:
        out.insert(0, Problem("error", (
            f"ยอดรวม {len(failed)} ช่องไม่ตรงกับผลรวมของแถว จาก {len(report.checks)} ช่องที่ตรวจ "
            f"({len(failed)} of {len(report.checks)} totals checked do not match the sum of their rows)")))
    out += areas.problems
    if not any(q.as_of for q in report.quarters):
        out.append(Problem("note", f"ปีงบประมาณ {report.fy} ยังไม่เริ่ม ณ วันที่รายงาน (fiscal year {report.fy} has not begun)"))
    return out
