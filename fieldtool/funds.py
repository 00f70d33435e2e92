"""Funds and their rules: kind, flat interest or none, default term, the maximum loan, the ask ladder, the
demand letters.

Rules belong to each fund, not to the code (DOMAIN.md). A loan copies its fund's rules when it is made
(`loan_rules`), so editing a fund later changes the loans made afterwards and leaves the others alone. The
maximum loan (วงเงินกู้สูงสุดต่อสัญญา) is the same kind of rule: it is checked when a loan is made
(`fieldtool.lending.new_loan_rows`), so lowering it later leaves the loans already made as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool.limits import (  # noqa: F401  (the bounds of a fund's rules, as callers know them here)
    MAX_AMOUNT_SATANG,
    MAX_DAYS_OVERDUE,
    MAX_INSTALMENTS,
    MAX_RATE_BP,
    NAME,
    check_amount,
    check_instalments,
    check_rate,
    check_text,
)
from fieldtool.models import Fund, Loan
from fieldtool.schedule import FREQUENCY_MONTHS, check_frequency
from fieldtool.text import Text
from fieldtool.thai import InputError, format_baht, parse_baht, satang_to_str, to_arabic_digits
from fieldtool.vocabulary import AskStep, FundKind

# What officers type for a kind besides its code and its Thai label.
_KIND_WORDS = {
    FundKind.WOMEN: ("กองทุนพัฒนาบทบาทสตรี", "พัฒนาบทบาทสตรี", "สตรี"),
    FundKind.KKKJ: ("กข.คจ.", "กขคจ", "กข คจ", "โครงการแก้ไขปัญหาความยากจน"),
    FundKind.VILLAGE: ("กองทุนหมู่บ้าน", "กองทุนหมู่บ้านและชุมชนเมือง", "หมู่บ้าน"),
    FundKind.SAVINGS: ("สัจจะออมทรัพย์", "กลุ่มออมทรัพย์", "กลุ่มออมทรัพย์เพื่อการผลิต", "ออมทรัพย์"),
    FundKind.OTHER: ("อื่น", "อื่นๆ", "กองทุนอื่น"),
}

# The ask ladder (ทวงถาม): which step is due as the days overdue grow, as (days overdue, step) rungs.
Ladder = tuple[tuple[int, str], ...]
DEFAULT_LADDER: Ladder = ((1, AskStep.VISIT), (30, AskStep.MEETING), (60, AskStep.RELIEF), (90, AskStep.PARTNERS))

# When demand letters (หนังสือทวงถาม) go out: the first, second and final letter from these many days
# overdue, each at least `gap` days after the one before.
DEFAULT_DEMAND_DAYS = (1, 30, 60)
DEFAULT_DEMAND_GAP = 15

MAX_LOAN = Text("วงเงินกู้สูงสุดต่อสัญญา", "the maximum loan")
# What officers type for "no maximum of the fund's own" (only the absolute limit then applies).
_NO_LIMIT_WORDS = ("", "none", "-", "–", "ไม่มี", "ไม่จำกัด", "ไม่กำหนด")


@dataclass(frozen=True)
class DemandRules:
    days: tuple[int, int, int] = DEFAULT_DEMAND_DAYS
    gap: int = DEFAULT_DEMAND_GAP

    def to_json(self) -> str:
        return json.dumps({"days": list(self.days), "gap": self.gap})


def demand_rules_of(text: str) -> DemandRules:
    if not text:
        return DemandRules()
    data = json.loads(text)
    first, second, final = (int(d) for d in data["days"])
    return DemandRules((first, second, final), int(data["gap"]))


def ladder_json(ladder: Iterable[tuple[int, str]]) -> str:
    return json.dumps([[int(days), str(step)] for days, step in ladder])


def ladder_of(text: str) -> Ladder:
    if not text:
        return DEFAULT_LADDER
    return tuple((int(days), str(step)) for days, step in json.loads(text))


def ask_step_of(kind: str, ladder: Iterable[tuple[int, str]]) -> str:
    """The ask step (visit, meeting, relief, partners) of a delivered ask task: its kind is stored as
    "ask-<days overdue>", the rung of the ladder it was opened on; a rung since removed from the ladder reads
    as the step that number of days falls on now. Any other kind comes back as it is."""
    if not (kind.startswith("ask-") and kind[4:].isdigit()):
        return kind
    days = int(kind[4:])
    rungs = sorted(ladder)
    return dict(rungs).get(days) or next((step for d, step in reversed(rungs) if d <= days), rungs[0][1])


# --- reading what officers type -------------------------------------------------------------------------


def parse_kind(text: str) -> FundKind:
    """A fund's kind as officers type it: its code, its Thai name, or one of the words they use for it."""
    raw = " ".join((text or "").split())
    if (kind := FundKind.parse(raw)) is not None:
        return kind
    for kind, words in _KIND_WORDS.items():
        if raw in words or raw == kind.label.th:
            return kind
    raise InputError(Text(
        f"ประเภทกองทุนไม่ถูกต้อง: {raw or '-'} ใช้ women, kkkj, village, savings หรือ other",
        f"fund kind must be one of {', '.join(FundKind)}",
    ))


def parse_rate(text: str | None) -> int:
    """A flat rate per year in per cent ("2", "2.5", "๖") as basis points; empty or "0" is no interest."""
    raw = to_arabic_digits((text or "").strip()).removesuffix("%").strip()
    if not raw:
        return 0
    try:
        value = round(float(raw) * 100)
        exact = abs(float(raw) * 100 - value) < 1e-6
    except ValueError:
        exact = False
    if not exact:
        raise InputError(Text(f"อัตราดอกเบี้ยไม่ถูกต้อง: {text} เช่น 2 หรือ 2.5", f"invalid interest rate: {text}, e.g. 2 or 2.5"))
    check_rate(value)
    return value


def parse_max_loan(text: str | None) -> int | None:
    """A fund's maximum loan typed in baht ("50,000", "๕๐,๐๐๐.๐๐") as satang; "none", "ไม่จำกัด" or empty:
    none of its own."""
    raw = " ".join((text or "").split())
    if raw.casefold() in _NO_LIMIT_WORDS:
        return None
    return check_max_loan(parse_baht(raw))


def check_max_loan(satang: int | None) -> int | None:
    """A maximum loan more than zero and within the absolute limit (fieldtool.limits), or None."""
    if satang is None:
        return None
    if satang <= 0:
        raise InputError(Text(f"วงเงินกู้สูงสุดต่อสัญญาต้องมากกว่าศูนย์: {format_baht(satang)}",
                              f"the maximum loan must be more than zero: {format_baht(satang)}"))
    return check_amount(satang, MAX_LOAN)


def parse_ladder(text: str) -> Ladder:
    """The ask ladder typed as "1:visit,30:meeting,60:relief,90:partners"."""
    rungs: list[tuple[int, str]] = []
    for part in to_arabic_digits(text or "").split(","):
        days, _, step = part.strip().partition(":")
        if not days.strip().isdigit() or AskStep.parse(step.strip()) is None:
            raise InputError(Text(
                f"ขั้นการทวงถามไม่ถูกต้อง: {part.strip() or '-'} เช่น 1:visit,30:meeting,60:relief,90:partners",
                "ask ladder: DAYS:STEP pairs, e.g. 1:visit,30:meeting,60:relief,90:partners "
                f"(steps: {', '.join(AskStep)})",
            ))
        rungs.append((int(days), step.strip()))
    return check_ladder(rungs)


def check_ladder(rungs: Iterable[tuple[int, str]]) -> Ladder:
    ladder = tuple((int(d), s) for d, s in rungs)
    days = [d for d, _ in ladder]
    if not ladder or days != sorted(set(days)) or days[0] < 1 or days[-1] > MAX_DAYS_OVERDUE:
        raise InputError(Text(f"วันของขั้นการทวงถามต้องเริ่มตั้งแต่ 1 เพิ่มขึ้นทีละขั้น และไม่เกิน {MAX_DAYS_OVERDUE:,} วัน",
                              f"the ask ladder's days must start at 1 or later, increase, and stay within "
                              f"{MAX_DAYS_OVERDUE:,}"))
    return ladder


def parse_demand_days(text: str) -> tuple[int, int, int]:
    """The days overdue of the first, second and final demand letter: "1,30,60"."""
    parts = [p.strip() for p in to_arabic_digits(text or "").split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InputError(Text(f"วันออกหนังสือทวงถามต้องเป็นเลข 3 ค่า เช่น 1,30,60: {text}",
                              f"demand letter days must be three numbers, e.g. 1,30,60: {text}"))
    return check_demand_days([int(p) for p in parts])


def check_demand_days(days: Iterable[int]) -> tuple[int, int, int]:
    found = tuple(int(d) for d in days)
    if len(found) != 3 or found[0] < 1 or not found[0] < found[1] < found[2] <= MAX_DAYS_OVERDUE:
        raise InputError(Text(f"วันออกหนังสือทวงถามครั้งที่ ๑, ๒ และครั้งสุดท้ายต้องเพิ่มขึ้นตามลำดับ เริ่มตั้งแต่ 1 "
                              f"ไม่เกิน {MAX_DAYS_OVERDUE:,} วัน",
                              "the first, second and final demand days must increase, starting at 1 or later, "
                              f"within {MAX_DAYS_OVERDUE:,}"))
    return found[0], found[1], found[2]


# --- funds ------------------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _fund_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise InputError(Text("ต้องระบุชื่อกองทุน", "a fund needs a name"))
    return check_text(name, Text("ชื่อกองทุน", "the fund's name"), NAME)


def get_fund(session: Session, ref: str) -> Fund:
    """A fund by id, name or kind (a kind only when one fund has it)."""
    fund = session.get(Fund, ref) if ref else None
    if fund is not None:
        return fund
    funds = session.scalars(select(Fund)).all()
    found = [f for f in funds if _name_key(ref or "") == _name_key(f.name)]
    if not found:
        found = [f for f in funds if ref == f.kind]
    if len(found) != 1:
        raise InputError(Text(f"ไม่พบกองทุน {ref}", f"no such fund: {ref}"))
    return found[0]


def add_fund(
    session: Session,
    name: str,
    kind: str,
    rate_bp: int = 0,
    default_instalments: int = 12,
    default_frequency: str = "monthly",
    ask_ladder: Iterable[tuple[int, str]] | None = None,
    demand_days: Iterable[int] | None = None,
    demand_gap: int | None = None,
    max_loan_satang: int | None = None,
) -> Fund:
    """A new fund with its rules; a second fund of the same name is refused. `max_loan_satang`: the most one
    loan may lend (None: only the absolute limit)."""
    name = _fund_name(name)
    fund_kind = parse_kind(kind)
    if any(_name_key(f.name) == _name_key(name) for f in session.scalars(select(Fund))):
        raise InputError(Text(f"มีกองทุนชื่อ {name} แล้ว", f"there is already a fund named {name}"))
    check_rate(rate_bp)
    check_instalments(default_instalments)
    check_frequency(default_frequency)
    check_max_loan(max_loan_satang)
    fund = Fund(
        name=name,
        kind=fund_kind.value,
        interest_policy="flat" if rate_bp else "none",
        rate_bp=rate_bp,
        default_instalments=default_instalments,
        default_frequency=default_frequency,
        ask_ladder=ladder_json(check_ladder(ask_ladder)) if ask_ladder else "",
        demand_rules=_demand_json(demand_days, demand_gap),
        max_loan_satang=max_loan_satang,
    )
    session.add(fund)
    session.flush()
    return fund


def _demand_json(days: Iterable[int] | None, gap: int | None) -> str:
    if days is None and gap is None:
        return ""
    rules = DemandRules(
        check_demand_days(days) if days is not None else DEFAULT_DEMAND_DAYS,
        DEFAULT_DEMAND_GAP if gap is None else _check_gap(gap),
    )
    return "" if rules == DemandRules() else rules.to_json()


def _check_gap(gap: int) -> int:
    if not 0 <= int(gap) <= 365:
        raise InputError(Text("ระยะห่างระหว่างหนังสือทวงถามต้องอยู่ระหว่าง 0 ถึง 365 วัน",
                              "the gap between demand letters must be 0 to 365 days"))
    return int(gap)


class _Unset(Enum):
    """A rule `edit_fund` was not asked to change (None means something for some rules)."""

    UNSET = "unset"


_UNSET = _Unset.UNSET
Unset = Literal[_Unset.UNSET]


def edit_fund(
    session: Session,
    ref: str,
    *,
    name: str | Unset = _UNSET,
    kind: str | Unset = _UNSET,
    rate_bp: int | Unset = _UNSET,
    default_instalments: int | Unset = _UNSET,
    default_frequency: str | Unset = _UNSET,
    ask_ladder: Iterable[tuple[int, str]] | None | Unset = _UNSET,
    demand_days: Iterable[int] | None | Unset = _UNSET,
    demand_gap: int | None | Unset = _UNSET,
    max_loan_satang: int | None | Unset = _UNSET,
) -> Fund:
    """Change a fund's name or rules; loans already made keep the rules they were made under (a lower maximum
    loan does not touch them). `max_loan_satang=None` takes the fund's maximum away."""
    fund = get_fund(session, ref)
    if name is not _UNSET:
        new_name = _fund_name(name)
        if any(f.id != fund.id and _name_key(f.name) == _name_key(new_name) for f in session.scalars(select(Fund))):
            raise InputError(Text(f"มีกองทุนชื่อ {new_name} แล้ว", f"there is already a fund named {new_name}"))
        fund.name = new_name
    if kind is not _UNSET:
        fund.kind = parse_kind(kind).value
    if rate_bp is not _UNSET:
        fund.rate_bp = check_rate(rate_bp)
        fund.interest_policy = "flat" if rate_bp else "none"
    if default_instalments is not _UNSET:
        fund.default_instalments = check_instalments(default_instalments)
    if default_frequency is not _UNSET:
        fund.default_frequency = check_frequency(default_frequency)
    if max_loan_satang is not _UNSET:
        fund.max_loan_satang = check_max_loan(max_loan_satang)
    if ask_ladder is not _UNSET:
        fund.ask_ladder = ladder_json(check_ladder(ask_ladder)) if ask_ladder else ""
    if demand_days is not _UNSET or demand_gap is not _UNSET:
        current = demand_rules_of(fund.demand_rules)
        fund.demand_rules = _demand_json(
            current.days if demand_days is _UNSET or demand_days is None else demand_days,
            current.gap if demand_gap is _UNSET or demand_gap is None else demand_gap,
        )
    session.flush()
    return fund


def loan_rules(fund: Fund) -> tuple[str, str]:
    """(ask ladder, demand rules) as a new loan stores them: always written out, never "the fund's"."""
    return ladder_json(ladder_of(fund.ask_ladder)), demand_rules_of(fund.demand_rules).to_json()


def rules_of_loan(loan_ladder: str, loan_demand: str, fund_ladder: str, fund_demand: str) -> tuple[Ladder, DemandRules]:
    """The ask ladder and demand rules a loan runs under: its own copy, or (made before copies) its fund's."""
    return ladder_of(loan_ladder or fund_ladder), demand_rules_of(loan_demand or fund_demand)


@dataclass
class FundView:
    id: str
    name: str
    kind: str
    kind_label: Text
    rate_bp: int
    default_instalments: int
    default_frequency: str
    ask_ladder: Ladder
    demand: DemandRules
    loans: int
    max_loan_satang: int | None = None  # None: only the absolute limit

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "kind_label": self.kind_label.th,
            "rate_percent": f"{self.rate_bp / 100:.2f}",
            "default_instalments": self.default_instalments,
            "default_frequency": self.default_frequency,
            "max_loan": None if self.max_loan_satang is None else satang_to_str(self.max_loan_satang),
            "ask_ladder": [[d, s] for d, s in self.ask_ladder],
            "demand_days": list(self.demand.days),
            "demand_gap": self.demand.gap,
            "loans": self.loans,
        }


def fund_views(session: Session) -> list[FundView]:
    counts = dict(session.execute(select(col(Loan.fund_id), func.count()).group_by(col(Loan.fund_id))).all())
    out = []
    for f in session.scalars(select(Fund).order_by(col(Fund.name))):
        kind = FundKind.parse(f.kind)
        out.append(FundView(
            id=f.id, name=f.name, kind=f.kind,
            kind_label=kind.label if kind is not None else Text(f.kind, f.kind),
            rate_bp=f.rate_bp, default_instalments=f.default_instalments, default_frequency=f.default_frequency,
            ask_ladder=ladder_of(f.ask_ladder), demand=demand_rules_of(f.demand_rules), loans=counts.get(f.id, 0),
            max_loan_satang=f.max_loan_satang,
        ))
    return out


__all__ = ["FREQUENCY_MONTHS", "add_fund", "edit_fund", "get_fund", "fund_views", "loan_rules"]
