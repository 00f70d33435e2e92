"""The district report (รายงานระดับอำเภอ): the merged figures of every subdistrict by fiscal quarter, checked.

Tables have the shape of the reports that go up the chain: area rows (subdistricts, drillable to
villages; funds where it makes sense) × fiscal-quarter columns, with a totals row. The totals row is never
the sum of the rows: it is computed straight from the data (every loan, notice, visit, plan of the
database, whatever its area; for visits and plans by a query of its own), then compared with the sum of
the rows (fieldtool.district_tally). A record that no row takes (a village whose subdistrict is outside the
district, a loan whose fund or village has not arrived) makes the check fail and is named, never dropped in
silence; areas are grouped by their official code (fieldtool.district_areas).

Stock figures (arrears, PAR30, outstanding principal, ask tasks open, households with plans, plan actions
overdue) are taken at each quarter's end, or on the report day in the current quarter; flows (notices that
fell due, visits made) count what happened in the quarter. Loan figures are the ledger's, worked out for
every quarter end from one bulk read of the book (fieldtool.district_loans). Every sentence a person reads
is a `Text` in Thai and English, with a code where a screen must tell problems apart.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.district_areas import (
    Areas,
    Level,
    Place,
    Problem,
    ProblemCode,
    district_code_of,
    district_codes,
    load_areas,
)
from fieldtool.district_loans import Book, LoanFigures
from fieldtool.district_tally import (
    COUNT,
    LOAN,
    NOTICE,
    RATIO,
    SATANG,
    Check,
    Measure,
    Record,
    Table,
    Tally,
    tables,
    unplaced_problems,
)
from fieldtool.district_work import tally_plans, tally_visits
from fieldtool.loanbook import LoanInfo, loan_infos
from fieldtool.models import Fund, Setting, SyncBundle, Village
from fieldtool.notices import notice_outcomes

# The per-loan reminder rules live in fieldtool.reminders; the report applies them to the loan figures it
# has already worked out for a quarter end instead of letting reminders_on load the whole book again.
from fieldtool.reminders import Rungs, delivered_days, loan_reminders
from fieldtool.text import Text
from fieldtool.thai import BE_OFFSET, MONTHS_EN, MONTHS_SHORT, InputError, to_thai_digits
from fieldtool.vocabulary import NOTICE_DAYS, BundleDirection, BundleKind, FundKind, ReminderKind

# Where each loan is counted, by its id.
LoanPlaces = Mapping[str, Place]

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

    @property
    def months(self) -> Text:
        """"ต.ค.–ธ.ค. 2569" (Buddhist Era) / "Oct–Dec 2026"."""
        first, last = self.start.month - 1, self.end.month - 1
        return Text(f"{MONTHS_SHORT[first]}–{MONTHS_SHORT[last]} {self.start.year + BE_OFFSET}",
                    f"{MONTHS_EN[first]}–{MONTHS_EN[last]} {self.start.year}")

    def label(self, thai_digits: bool = True) -> str:
        """"ไตรมาส ๑ (ต.ค.–ธ.ค. ๒๕๖๙)": the months and their Buddhist-Era calendar year."""
        text = f"ไตรมาส {self.no} ({self.months.th})"
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


@dataclass
class Section:
    key: str
    title: Text
    about: Text  # how the figures are taken, in a sentence or two
    measures: list[Measure]
    tables: list[Table]

    def table(self, by: str) -> Table:
        return next(t for t in self.tables if t.by == by)

    @property
    def shown_measures(self) -> list[Measure]:
        return [m for m in self.measures if m.shown]


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
        return not self.failed_checks and not any(p.level == Level.ERROR for p in self.problems)


# --- the sections ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SectionSpec:
    """What a section counts: its title, how its figures are taken, and its measures."""

    title: Text
    about: Text
    measures: tuple[Measure, ...]


LOAN_SECTIONS = {
    "arrears": SectionSpec(
        Text("หนี้ค้างชำระ", "Arrears"),
        Text("ยอดเงินงวดที่เลยกำหนดชำระแล้วยังไม่ได้ชำระ และจำนวนสัญญาที่ค้างชำระ ณ วันสิ้นไตรมาส (ไตรมาสปัจจุบัน ณ วันที่รายงาน)",
             "Instalments past their due date and still unpaid, and the loans that owe them, at each quarter's end "
             "(the current quarter on the report day)."),
        (Measure("arrears", Text("ค้างชำระ (บาท)", "amount overdue"), SATANG),
         Measure("overdue_loans", Text("สัญญาค้างชำระ", "loans overdue"), COUNT)),
    ),
    "par30": SectionSpec(
        Text("PAR30 สัดส่วนเงินต้นที่เสี่ยง", "PAR30"),
        Text("PAR30 = เงินต้นคงค้างของสัญญาที่ค้างชำระเกิน 30 วัน ÷ เงินต้นคงค้างทั้งหมด ณ วันสิ้นไตรมาส",
             "PAR30 = outstanding principal of loans more than 30 days overdue ÷ all outstanding principal, at each "
             "quarter's end."),
        (Measure("at_risk_30", Text("เงินต้นค้างเกิน 30 วัน (บาท)", "principal over 30 days overdue"), SATANG),
         Measure("outstanding", Text("เงินต้นคงค้าง (บาท)", "outstanding principal"), SATANG, hidden=True),
         Measure("par30", Text("PAR30", "PAR30"), RATIO, ratio=("at_risk_30", "outstanding"))),
    ),
    "outstanding": SectionSpec(
        Text("เงินต้นคงค้าง", "Outstanding principal"),
        Text("เงินต้นที่ยังไม่ได้รับคืนของสัญญาที่จ่ายเงินกู้แล้วและยังไม่ปิดบัญชี ณ วันสิ้นไตรมาส",
             "Principal not yet repaid on loans paid out and not closed, at each quarter's end."),
        (Measure("outstanding", Text("เงินต้นคงค้าง (บาท)", "outstanding principal"), SATANG),
         Measure("active_loans", Text("สัญญา", "loans"), COUNT)),
    ),
    "ask": SectionSpec(
        Text("งานทวงถามที่ค้างอยู่", "Ask tasks open"),
        Text("สัญญาที่มีงานทวงถาม (ลงพื้นที่ ประชุม มาตรการช่วยเหลือ ภาคี) เปิดค้างอยู่ ณ วันสิ้นไตรมาส และยอดที่ต้องทวงถาม",
             "Loans with an open ask task (field visit, meeting, relief, partners) at each quarter's end, and the "
             "amount to ask for."),
        (Measure("ask_loans", Text("สัญญาที่ต้องทวงถาม", "loans with an open ask task"), COUNT),
         Measure("ask_amount", Text("ยอดที่ต้องทวงถาม (บาท)", "amount to ask for"), SATANG)),
    ),
}
NOTICES = SectionSpec(
    Text("การแจ้งเตือนก่อนครบกำหนด", "Notices"),
    Text("การแจ้งล่วงหน้า 30, 15 และ 7 วัน นับในไตรมาสที่ถึงวันต้องแจ้ง ผลการแจ้งนับถึงวันที่รายงาน "
         "(ครบกำหนดแจ้ง = แจ้งแล้ว + พลาด + ชำระก่อนแจ้ง + ยังเปิดอยู่)",
         "Notices 30, 15 and 7 days before a due date, counted in the quarter they fell due; how they ended is "
         "counted up to the report day (due = delivered + missed + paid before the notice + still open)."),
    (Measure("due", Text("ครบกำหนดแจ้ง", "notices due"), COUNT),
     Measure("delivered", Text("แจ้งแล้ว", "delivered"), COUNT),
     Measure("missed", Text("พลาด", "missed"), COUNT),
     Measure("settled", Text("ชำระก่อนแจ้ง", "paid before the notice"), COUNT, hidden=True),
     Measure("open", Text("ยังเปิดอยู่", "still open"), COUNT, hidden=True)),
)
VISITS = SectionSpec(
    Text("การลงพื้นที่", "Visits"),
    Text("จำนวนครั้งที่ลงพื้นที่ในไตรมาส (ไตรมาสปัจจุบัน ถึงวันที่รายงาน) นับตามหมู่บ้านที่ไป",
         "Site visits made in the quarter (the current one up to the report day), by the village visited."),
    (Measure("visits", Text("ลงพื้นที่ (ครั้ง)", "visits made"), COUNT),),
)
PLANS = SectionSpec(
    Text("แผนพัฒนาครัวเรือน", "Household plans"),
    Text("ครัวเรือนที่มีแผนพัฒนาครัวเรือนแล้ว (สะสม) และกิจกรรมในแผนที่เลยกำหนดแต่ยังไม่เสร็จ ณ วันสิ้นไตรมาส",
         "Households with a household plan (cumulative), and plan actions past their due date and not done, at "
         "each quarter's end."),
    (Measure("households", Text("ครัวเรือนที่มีแผน", "households with a plan"), COUNT),
     Measure("actions_overdue", Text("กิจกรรมเลยกำหนด", "plan actions overdue"), COUNT)),
)
SECTION_ORDER = ("arrears", "par30", "outstanding", "notices", "ask", "visits", "plans")
NO_LOAN_PLACE = Place(None, None, None, Text("สัญญาไม่มีกองทุนหรือผู้กู้ในฐานข้อมูล",
                                             "the loan's fund or borrower is not in the database"))


def _section(key: str, spec: SectionSpec, tally: Tally, quarters: list[Quarter], fund_labels: dict[str, str]) -> Section:
    return Section(key, spec.title, spec.about, list(spec.measures), tables(tally, spec.measures, quarters, fund_labels))


# --- the report -----------------------------------------------------------------------------------------


class SeveralDistricts(InputError):
    """The office database holds more than one district and no `district_code` says which is the office's."""

    def __init__(self, codes: list[str]):
        listed = ", ".join(codes)
        super().__init__(Text(f"ฐานข้อมูลมีข้อมูลหลายอำเภอ ({listed}) ตั้งรหัสอำเภอของสำนักงาน (district_code) ก่อน",
                              f"the database holds several districts ({listed}); set the office's district code "
                              "(district_code) first"))
        self.codes = codes


def office_report(session: Session, fy: int, on: date, quarter: int | None = None) -> DistrictReport | None:
    """The report of the office's district, or None while nothing has been imported (no village at all).

    Raises SeveralDistricts when the database holds several districts and no `district_code` says which.
    """
    if not session.scalar(select(func.count()).select_from(Village)):
        return None
    try:
        district_code_of(session)
    except InputError:
        raise SeveralDistricts(district_codes(session)) from None
    return district_report(session, fy, on, quarter=quarter)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector held off while the report is counted.

    Counting a district makes some 200,000 small objects (instalments, notices, reminders) and keeps most of
    them to the end; every full collection on the way walks all of them again, a third of the report's time
    on a district's book. None of them needs the collector (they form no reference cycles), and it runs again
    afterwards as before.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def district_report(
    session: Session, fy: int, on: date, quarter: int | None = None, district_code: str | None = None
) -> DistrictReport:
    """The district report for BE fiscal year `fy` as it stands on `on` (one quarter only if `quarter`)."""
    with _no_cycle_collection():
        return _district_report(session, fy, on, quarter, district_code)


def _district_report(session: Session, fy: int, on: date, quarter: int | None, district_code: str | None) -> DistrictReport:
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise InputError(Text(f"ไตรมาสต้องเป็น 1 ถึง 4: {quarter}", "the quarter is 1 to 4"))
    quarters = fiscal_quarters(fy, on)
    if quarter is not None:
        quarters = [quarters[quarter - 1]]
    code = district_code_of(session, district_code)
    areas = load_areas(session, code)
    office = session.get(Setting, "office_name") or session.get(Setting, "letter.office_name")

    funds: dict[str, str] = {fid: kind for fid, kind in session.execute(select(col(Fund.id), col(Fund.kind)))}
    fund_labels = {kind: known.label.th if (known := FundKind.parse(kind)) else kind for kind in funds.values()}
    infos = loan_infos(session)
    places: dict[tuple[str | None, str | None], Place] = {}  # one Place per village and fund: loans are added up by place
    loan_place = {lid: places.setdefault((info.village_id, funds.get(info.fund_id)),
                                         areas.place(info.village_id, funds.get(info.fund_id)))
                  for lid, info in infos.items()}

    loan_tallies = {key: Tally(spec.measures, len(quarters), areas, fund_labels, LOAN)
                    for key, spec in LOAN_SECTIONS.items()}
    notices = Tally(NOTICES.measures, len(quarters), areas, fund_labels, NOTICE, LOAN)
    if any(q.as_of for q in quarters):
        book = Book(session)
        ends = [(qi, q.as_of) for qi, q in enumerate(quarters) if q.as_of is not None]
        figures = {qi: book.figures(as_of) for qi, as_of in ends}
        # ask tasks are about overdue instalments: only those loans' deliveries are read (all, for a huge list)
        overdue = sorted({lid for by_loan in figures.values() for lid, fig in by_loan.items() if fig.overdue})
        delivered = delivered_days(session, overdue if len(overdue) <= 5_000 else None)
        for qi, as_of in ends:
            _tally_loans(figures[qi], infos, loan_place, delivered, as_of, qi, loan_tallies)
        _tally_notices(session, book, infos, loan_place, quarters, on, notices)

    sections = {key: _section(key, spec, loan_tallies[key], quarters, fund_labels) for key, spec in LOAN_SECTIONS.items()}
    sections["notices"] = _section("notices", NOTICES, notices, quarters, fund_labels)
    visits = tally_visits(session, areas, quarters, VISITS.measures)
    sections["visits"] = _section("visits", VISITS, visits, quarters, fund_labels)
    plans = tally_plans(session, areas, quarters, PLANS.measures)
    sections["plans"] = _section("plans", PLANS, plans, quarters, fund_labels)

    report = DistrictReport(fy, code, areas.district_name, office.value if office else "", on, quarters,
                            [sections[k] for k in SECTION_ORDER], sources=data_sources(session, areas))
    report.problems = _problems(report, areas, [*loan_tallies.values(), notices, visits, plans])
    return report


def data_sources(session: Session, areas: Areas) -> list[Source]:
    """Each laptop's latest bundle merged here, by subdistrict: the figures hold its work up to then."""
    latest = (select(col(SyncBundle.source_device), func.max(SyncBundle.bundle_seq).label("seq"))
              .where(col(SyncBundle.direction) == BundleDirection.IN, col(SyncBundle.kind) == BundleKind.FIELD)
              .group_by(col(SyncBundle.source_device)).subquery())
    rows = session.scalars(select(SyncBundle).join(latest, (col(SyncBundle.source_device) == latest.c.source_device)
                                                   & (col(SyncBundle.bundle_seq) == latest.c.seq))
                           .where(col(SyncBundle.direction) == BundleDirection.IN,
                                  col(SyncBundle.kind) == BundleKind.FIELD,
                                  col(SyncBundle.area_code).startswith(areas.district_code)))
    out = [Source(f"{b.area_code} {areas.subdistricts.get(b.area_code, '')}".strip(), b.officer, b.bundle_seq,
                  b.created_at, b.processed_at) for b in rows]
    return sorted(out, key=lambda src: (src.subdistrict, src.officer, src.bundle_seq))


# --- loans and notices ------------------------------------------------------------------------------------


def _loan_record(info: LoanInfo | None, loan_id: str) -> Text:
    if info is None:
        return Text(f"สัญญา {loan_id[:8]}", f"loan {loan_id[:8]}")
    name = f"{info.agreement_no or info.id[:8]} {info.borrower} ({info.village})".replace(" ()", "")
    return Text(f"สัญญา {name}", f"loan {name}")


def _loan_record_of(infos: Mapping[str, LoanInfo], loan_id: str) -> Text:
    return _loan_record(infos.get(loan_id), loan_id)


def _no_info(loan_id: str) -> LoanInfo:
    return LoanInfo(loan_id, "", "", "", "", "", "", "", "", "", "", "", 0, date.min, None)


def _tally_loans(figures: dict[str, LoanFigures], infos: Mapping[str, LoanInfo], loan_place: LoanPlaces,
                 delivered: dict[str, date], as_of: date, qi: int, tallies: dict[str, Tally]) -> None:
    """Arrears, PAR30, outstanding principal and open ask tasks of the loans on `as_of`, added up by place.

    Loans of one place go into its rows together; a loan no row takes is added on its own, to be named.
    """
    by_place: dict[Place, list[int]] = {}
    ladders: dict[str, Rungs] = {}  # each fund's ask ladder, read once
    for loan_id, fig in figures.items():
        place = loan_place.get(loan_id, NO_LOAN_PLACE)
        ask_loans = ask_amount = 0
        if fig.overdue and _ask_open(fig, infos.get(loan_id) or _no_info(loan_id), delivered, as_of, ladders):
            ask_loans, ask_amount = 1, fig.arrears_satang  # all the loan owes overdue, as its ask task says
        days, principal = fig.days_overdue, fig.outstanding_principal
        values = [fig.arrears_satang if days > 0 else 0, int(days > 0), principal if days > 30 else 0, principal, 1,
                  ask_loans, ask_amount]
        if not tallies["arrears"].placed(place):
            _add_loans(tallies, qi, place, values, partial(_loan_record_of, infos, loan_id))
        elif (held := by_place.get(place)) is None:
            by_place[place] = values
        else:
            for i, v in enumerate(values):
                held[i] += v
    for place, values in by_place.items():
        _add_loans(tallies, qi, place, values, None)


def _ask_open(fig: LoanFigures, info: LoanInfo, delivered: dict[str, date], as_of: date,
              ladders: dict[str, Rungs]) -> bool:
    """Whether the loan has an ask task open on `as_of`. The reminder rules look at each overdue instalment on its
    own, so they are asked of one at a time, the oldest first, until one has a task open: a loan long overdue
    has dozens, and asking of all at once costs the square of that."""
    return any(r.kind is ReminderKind.ASK for inst in fig.overdue
               for r in loan_reminders(fig.overdue_state((inst,)), info, delivered, as_of, ladders))


def _add_loans(tallies: dict[str, Tally], qi: int, place: Place, values: list[int], record: Record) -> None:
    arrears, overdue, at_risk, principal, loans, ask_loans, ask_amount = values
    tallies["arrears"].add(qi, place, {"arrears": arrears, "overdue_loans": overdue}, record)
    tallies["par30"].add(qi, place, {"at_risk_30": at_risk, "outstanding": principal}, record)
    tallies["outstanding"].add(qi, place, {"outstanding": principal, "active_loans": loans}, record)
    tallies["ask"].add(qi, place, {"ask_loans": ask_loans, "ask_amount": ask_amount}, record)


def _tally_notices(session: Session, book: Book, infos: Mapping[str, LoanInfo], loan_place: LoanPlaces,
                   quarters: list[Quarter], on: date, tally: Tally) -> None:
    """Notices counted in the quarter they opened in, by how they ended on the report day."""
    spans = [(qi, q.start, q.as_of) for qi, q in enumerate(quarters) if q.as_of]
    # a notice opens 30, 15 or 7 days before its due date: only these instalments' notices open in the quarters
    states = book.notice_states(on, min(start for _qi, start, _end in spans) + timedelta(days=7),
                                max(end for _qi, _start, end in spans) + timedelta(days=30))
    offsets = {kind: timedelta(days=days) for kind, days in NOTICE_DAYS.items()}
    placed: dict[str, Place | None] = {}  # loan -> its place when every table has a row for it, else None (named)
    counts: Counter[tuple[int, Place, str]] = Counter()  # (quarter, place, how it ended) -> notices
    for outcome in notice_outcomes(session, on, states=states):
        opened = outcome.due_date - offsets[outcome.kind]
        qi = next((i for i, start, end in spans if start <= opened <= end), None)
        if qi is None:
            continue
        loan_id = outcome.loan_id
        if loan_id not in placed:
            where = loan_place.get(loan_id, NO_LOAN_PLACE)
            placed[loan_id] = where if tally.placed(where) else None
        if (known := placed[loan_id]) is not None:
            counts[qi, known, outcome.state] += 1
        else:
            tally.add(qi, loan_place.get(loan_id, NO_LOAN_PLACE), {"due": 1, outcome.state: 1},
                      _loan_record(infos.get(loan_id), loan_id))
    for (qi, place, state), n in counts.items():
        tally.add(qi, place, {"due": n, state: n}, None)


# --- problems -------------------------------------------------------------------------------------------


def _problems(report: DistrictReport, areas: Areas, tallies: list[Tally]) -> list[Problem]:
    out = unplaced_problems(tallies)
    failed, checked = len(report.failed_checks), len(report.checks)
    if failed:
        out.insert(0, Problem(Level.ERROR, ProblemCode.CHECKS_FAILED, Text(
            f"ยอดรวม {failed} ช่องไม่ตรงกับผลรวมของแถว จาก {checked} ช่องที่ตรวจ",
            f"{failed} of {checked} totals checked do not match the sum of their rows")))
    out += areas.problems
    if not any(q.as_of for q in report.quarters):
        out.append(Problem(Level.NOTE, ProblemCode.NOT_BEGUN, Text(
            f"ปีงบประมาณ {report.fy} ยังไม่เริ่ม ณ วันที่รายงาน", f"fiscal year {report.fy} has not begun")))
    return out
