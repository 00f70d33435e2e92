"""Household development plans made with the 4ท tool, with revisions, actions and their progress.

ทัศนคติ (attitude), ทักษะ (skills), ทรัพยากร (resources), ทางออก (way out): each part holds what was
found and the agreed actions. Saving a plan again makes a new revision; earlier ones stay readable.
Actions are followed up with progress notes, and the summary across households is what the district
puts into its development plans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldtool import vocabulary
from fieldtool.households import get_household, households_with_heads
from fieldtool.limits import ACCOUNT, LINE, NOTE, check_amount, check_day, check_day_or_none, check_text
from fieldtool.loanbook import now_utc, officer_of, village_label
from fieldtool.models import (
    ActionNote,
    Household,
    HouseholdNeed,
    HouseholdPlan,
    PlanAction,
    PlanPart,
    Village,
)
from fieldtool.text import Text
from fieldtool.thai import InputError, parse_baht, parse_date
from fieldtool.vocabulary import ActionStatus, Dimension, HouseholdStatus

OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


@dataclass
class ActionInput:
    part: str
    what: str
    helper: str = ""
    due_on: date | None = None
    resources: str = ""
    budget_satang: int = 0
    status: str = ActionStatus.PLANNED
    carried_from_id: str | None = None


@dataclass
class PlanInput:
    made_on: date
    findings: dict[str, str] = field(default_factory=dict)  # part -> what was found
    actions: list[ActionInput] = field(default_factory=list)
    decision: str = ""  # ทางออก in the household's own words
    participants: str = ""


def plan_from_json(raw: object, today: date) -> PlanInput:
    """A plan as a JSON file gives it (`fieldtool plan set --file`), read into a PlanInput; `save_plan` checks
    the rest. Shape: {"made_on", "findings": {part: text}, "actions": [{"part", "what", "helper", "due_on",
    "resources", "budget" (baht), "status"}], "decision", "participants"}; "made_on" missing is `today`."""
    if not isinstance(raw, dict):
        raise InputError(Text("ไฟล์แผนต้องเป็นออบเจกต์ JSON", "the plan file must be a JSON object"))
    findings, listed = raw.get("findings", {}), raw.get("actions", [])
    if not isinstance(findings, dict) or not isinstance(listed, list):
        raise InputError(Text("findings ต้องเป็นออบเจกต์และ actions เป็นรายการ", "findings must be an object, actions a list"))
    actions = []
    for a in listed:
        if not isinstance(a, dict):
            raise InputError(Text("กิจกรรมในแผนต้องเป็นออบเจกต์ JSON", "each action must be a JSON object"))
        actions.append(ActionInput(
            part=_plan_text(a, "part"), what=_plan_text(a, "what"), helper=_plan_text(a, "helper"),
            due_on=_plan_day(a, "due_on") if a.get("due_on") else None,
            resources=_plan_text(a, "resources"),
            budget_satang=parse_baht(str(a["budget"])) if a.get("budget") else 0,
            status=_plan_text(a, "status") or ActionStatus.PLANNED,
        ))
    return PlanInput(made_on=_plan_day(raw, "made_on") or today,
                     findings={part: _plan_text(findings, part) for part in findings}, actions=actions,
                     decision=_plan_text(raw, "decision"), participants=_plan_text(raw, "participants"))


def _plan_day(obj: Mapping[str, object], key: str) -> date | None:
    text = _plan_text(obj, key)
    return check_day(parse_date(text), Text("วันที่", "the date")) if text else None


def _plan_text(obj: Mapping[str, object], key: str) -> str:
    """A value of the plan file that must be text (or missing)."""
    value = obj.get(key, "")
    if value is None or isinstance(value, str):
        return value or ""
    raise InputError(Text(f"ค่า {key} ในไฟล์แผนต้องเป็นข้อความ", f"{key} in the plan file must be text"))


def _check(data: PlanInput) -> None:
    parts = vocabulary.PlanPart
    unknown = [p for p in [*data.findings, *(a.part for a in data.actions)] if parts.parse(p) is None]
    if unknown:
        raise InputError(Text(f"ส่วนของแผนไม่ถูกต้อง: {', '.join(unknown)}", f"plan parts are {', '.join(parts)}"))
    for a in data.actions:
        if not a.what.strip():
            raise InputError(Text("กิจกรรมต้องระบุว่าจะทำอะไร", "every action needs a 'what'"))
        _check_status(a.status)
        if a.budget_satang < 0:
            raise InputError(Text("งบประมาณติดลบไม่ได้", "a budget cannot be negative"))
        _check_action_bounds(a)
    _check_plan_bounds(data)
    if not any(v.strip() for v in data.findings.values()) and not data.actions and not data.decision.strip():
        raise InputError(Text("แผนว่างเปล่า บันทึกสิ่งที่พบหรือกิจกรรมอย่างน้อยหนึ่งอย่าง", "the plan is empty"))


def _check_status(status: str) -> ActionStatus:
    known = ActionStatus.parse(status)
    if known is None:
        raise InputError(Text(f"สถานะกิจกรรมไม่ถูกต้อง: {status}", f"status must be one of {', '.join(ActionStatus)}"))
    return known


def _check_plan_bounds(data: PlanInput) -> None:
    check_day(data.made_on, Text("วันที่ทำแผน", "the day the plan was made"))
    for part, findings in data.findings.items():
        title = vocabulary.PlanPart(part).label
        check_text(findings, Text(f"สิ่งที่พบด้าน{title.th}", f"the account of {title.en.lower()}"), ACCOUNT)
    check_text(data.decision, Text("ทางออกของครัวเรือน", "the household's decision"), ACCOUNT)
    check_text(data.participants, Text("ผู้ร่วมทำแผน", "the list of participants"), NOTE)


def _check_action_bounds(a: ActionInput) -> None:
    check_text(a.what, Text("กิจกรรม", "the action"), LINE)
    check_text(a.helper, Text("ผู้ช่วยเหลือ", "who helps"), LINE)
    check_text(a.resources, Text("ทรัพยากรที่ใช้", "the list of resources"), LINE)
    check_amount(a.budget_satang, Text("งบประมาณ", "the budget"))
    check_day_or_none(a.due_on, Text("วันครบกำหนดของกิจกรรม", "the action's due date"))


def save_plan(session: Session, household_id: str, data: PlanInput) -> HouseholdPlan:
    """Save the plan as a new revision of the household's plan."""
    household = get_household(session, household_id)
    _check(data)
    latest = latest_plan(session, household.id)
    if latest and data.made_on < latest.made_on:
        raise InputError(Text("วันที่ทำแผนต้องไม่ก่อนฉบับล่าสุด", "a revision cannot be dated before the latest one"))
    plan = HouseholdPlan(
        household_id=household.id,
        revision=(latest.revision + 1) if latest else 1,
        made_on=data.made_on,
        participants=data.participants,
        decision=data.decision,
        made_by=officer_of(session),
        created_at=now_utc(),
    )
    session.add(plan)
    session.flush()
    for part in vocabulary.PlanPart:
        session.add(PlanPart(plan_id=plan.id, part=part.value, findings=data.findings.get(part, "")))
    for a in data.actions:
        session.add(
            PlanAction(
                plan_id=plan.id, part=a.part, what=a.what.strip(), helper=a.helper, due_on=a.due_on,
                resources=a.resources, budget_satang=a.budget_satang, status=ActionStatus(a.status).value,
                carried_from_id=a.carried_from_id,
            )
        )
    if household.status == HouseholdStatus.TARGET:
        household.status = HouseholdStatus.IN_PROGRESS.value
    session.flush()
    return plan


def latest_plan(session: Session, household_id: str) -> HouseholdPlan | None:
    return session.scalars(
        select(HouseholdPlan).where(col(HouseholdPlan.household_id) == household_id)
        .order_by(col(HouseholdPlan.revision).desc())
    ).first()


def plan_revisions(session: Session, household_id: str) -> list[HouseholdPlan]:
    return list(
        session.scalars(select(HouseholdPlan).where(col(HouseholdPlan.household_id) == household_id)
                        .order_by(col(HouseholdPlan.revision)))
    )


def as_input(session: Session, plan: HouseholdPlan, made_on: date) -> PlanInput:
    """The plan's content as the starting point of a revision: open actions carry over."""
    parts = {p.part: p.findings for p in session.scalars(select(PlanPart).where(col(PlanPart.plan_id) == plan.id))}
    actions = [
        ActionInput(a.part, a.what, a.helper, a.due_on, a.resources, a.budget_satang, a.status, carried_from_id=a.id)
        for a in session.scalars(select(PlanAction).where(col(PlanAction.plan_id) == plan.id))
        if a.status in OPEN_STATUSES
    ]
    return PlanInput(made_on=made_on, findings=parts, actions=actions, decision=plan.decision, participants=plan.participants)


def update_action(session: Session, action_id: str, status: str, on: date, note: str = "") -> PlanAction:
    action = session.get(PlanAction, action_id)
    if action is None:
        raise InputError(Text(f"ไม่พบกิจกรรม {action_id}", "no such plan action"))
    status = _check_status(status).value
    check_day(on, Text("วันที่", "the date"))
    check_text(note, Text("บันทึกความก้าวหน้า", "the progress note"), NOTE)
    action.status = status
    session.add(ActionNote(action_id=action.id, noted_on=on, status=status, note=note, officer=officer_of(session)))
    session.flush()
    return action


@dataclass
class ActionView:
    id: str
    part: vocabulary.PlanPart
    what: str
    helper: str
    due_on: date | None
    resources: str
    budget_satang: int
    status: ActionStatus
    notes: list[tuple[date, str, str]]  # (on, status, note), history of carried actions included
    overdue: bool


@dataclass
class PlanView:
    household_id: str
    head: str
    village: str
    revision: int
    made_on: date
    participants: str
    decision: str
    made_by: str
    findings: dict[vocabulary.PlanPart, str]
    actions: list[ActionView]
    revisions: list[tuple[int, date]]


def plan_view(session: Session, household_id: str, on: date, revision: int | None = None) -> PlanView:
    household = get_household(session, household_id)
    revisions = plan_revisions(session, household.id)
    if not revisions:
        raise InputError(Text("ครัวเรือนนี้ยังไม่มีแผนพัฒนาครัวเรือน", "this household has no plan yet"))
    plan = revisions[-1] if revision is None else next((r for r in revisions if r.revision == revision), None)
    if plan is None:
        raise InputError(Text(f"ไม่มีแผนฉบับที่ {revision}", f"no revision {revision}"))
    (head,) = households_with_heads(session, [household.id])
    village = session.get(Village, household.village_id)
    if village is None:
        raise InputError(Text(f"ไม่พบหมู่บ้าน {household.village_id}", "no such village"))
    findings = {p.part: p.findings for p in session.scalars(select(PlanPart).where(col(PlanPart.plan_id) == plan.id))}
    actions = []
    for a in session.scalars(select(PlanAction).where(col(PlanAction.plan_id) == plan.id)):
        actions.append(
            ActionView(
                a.id, vocabulary.PlanPart(a.part), a.what, a.helper, a.due_on, a.resources, a.budget_satang, ActionStatus(a.status),
                _notes(session, a), a.status in OPEN_STATUSES and a.due_on is not None and a.due_on < on,
            )
        )
    order = list(vocabulary.PlanPart)
    actions.sort(key=lambda a: (order.index(a.part), a.due_on or date.max, a.what))
    return PlanView(
        household_id=household.id,
        head=head.head,
        village=village_label(village.moo, village.name),
        revision=plan.revision,
        made_on=plan.made_on,
        participants=plan.participants,
        decision=plan.decision,
        made_by=plan.made_by,
        findings={part: findings.get(part, "") for part in vocabulary.PlanPart},
        actions=actions,
        revisions=[(r.revision, r.made_on) for r in revisions],
    )


def _notes(session: Session, action: PlanAction) -> list[tuple[date, str, str]]:
    chain: list[str] = []
    seen: set[str] = set()
    current: PlanAction | None = action
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.append(current.id)
        current = session.get(PlanAction, current.carried_from_id) if current.carried_from_id else None
    rows = session.scalars(select(ActionNote).where(col(ActionNote.action_id).in_(chain))).all()
    return sorted((n.noted_on, n.status, n.note) for n in rows)


# --- the summary across households -------------------------------------------------------------------


@dataclass
class SummaryAction:
    household_id: str
    head: str
    village: str
    part: vocabulary.PlanPart
    what: str
    helper: str
    due_on: date | None
    status: ActionStatus
    budget_satang: int


@dataclass
class PlansSummary:
    on: date
    households_with_plans: int
    due_this_month: list[SummaryAction]
    overdue: list[SummaryAction]
    needs_by_dimension: dict[Dimension, int]  # households in need, by TPMAP dimension
    help_by_agency: dict[str, dict[str, int]]  # helper -> {"actions": n, "open": n, "budget_satang": x}
    status_counts: dict[str, int]  # households by status (stored code)


def plans_summary(session: Session, on: date) -> PlansSummary:
    """Actions due this month and overdue, needs by dimension, help requested by agency."""
    latest_rev = (
        select(col(HouseholdPlan.household_id), func.max(col(HouseholdPlan.revision)).label("rev"))
        .group_by(col(HouseholdPlan.household_id))
        .subquery()
    )
    q = (
        select(PlanAction, col(HouseholdPlan.household_id))
        .join(HouseholdPlan, col(HouseholdPlan.id) == col(PlanAction.plan_id))
        .join(latest_rev, (latest_rev.c.household_id == col(HouseholdPlan.household_id))
              & (latest_rev.c.rev == col(HouseholdPlan.revision)))
    )
    heads = {h.id: h for h in households_with_heads(session)}
    villages = {v.id: village_label(v.moo, v.name) for v in session.scalars(select(Village))}
    due_month: list[SummaryAction] = []
    overdue: list[SummaryAction] = []
    agencies: dict[str, dict[str, int]] = defaultdict(lambda: {"actions": 0, "open": 0, "budget_satang": 0})
    households: set[str] = set()
    for a, hid in session.execute(q):
        head = heads.get(hid)
        if head is None or head.village_id not in villages:
            continue  # (a household with no head or no village row has no line in the summary)
        households.add(hid)
        item = SummaryAction(hid, head.head, villages[head.village_id], vocabulary.PlanPart(a.part), a.what, a.helper,
                             a.due_on, ActionStatus(a.status), a.budget_satang)
        is_open = a.status in OPEN_STATUSES
        if is_open and a.due_on and (a.due_on.year, a.due_on.month) == (on.year, on.month) and a.due_on >= on:
            due_month.append(item)
        if is_open and a.due_on and a.due_on < on:
            overdue.append(item)
        if a.helper:
            agency = agencies[a.helper.strip()]
            agency["actions"] += 1
            agency["open"] += int(is_open)
            agency["budget_satang"] += a.budget_satang
    households |= set(session.scalars(select(col(HouseholdPlan.household_id))))
    needs = dict.fromkeys(Dimension, 0)
    for dimension, count in session.execute(
        select(col(HouseholdNeed.dimension), func.count(func.distinct(col(HouseholdNeed.household_id))))
        .group_by(col(HouseholdNeed.dimension))
    ):
        if (known := Dimension.parse(dimension)) is not None:
            needs[known] = count
    statuses = dict(
        session.execute(select(col(Household.status), func.count()).group_by(col(Household.status))).all()
    )
    due_month.sort(key=lambda x: (x.due_on or date.max, x.village, x.head))
    overdue.sort(key=lambda x: (x.due_on or date.max, x.village, x.head))
    return PlansSummary(
        on=on,
        households_with_plans=len(households),
        due_this_month=due_month,
        overdue=overdue,
        needs_by_dimension=needs,
        help_by_agency=dict(sorted(agencies.items(), key=lambda kv: (-kv[1]["actions"], kv[0]))),
        status_counts=statuses,
    )
