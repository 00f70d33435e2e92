"""The field work the district report counts: visits made, and household plans with their actions overdue.

Both are counted by the village of the visit or the household; the totals row comes from a query of its own
(fieldtool.district_tally: a record no row takes makes the check fail and is named).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from fieldtool.district_areas import Areas, Place
from fieldtool.district_tally import HOUSEHOLD, VISIT, Measure, Tally
from fieldtool.loanbook import person_name
from fieldtool.models import ActionNote, Household, HouseholdPlan, Person, PlanAction, Visit
from fieldtool.plans import OPEN_STATUSES
from fieldtool.text import Text
from fieldtool.thai import format_date, format_date_en

if TYPE_CHECKING:
    from fieldtool.district import Quarter

# A plan action as the report reads it: id, plan, due on, status, carried from.
_Action = Row[str, str, date | None, str, str | None]


def tally_visits(session: Session, areas: Areas, quarters: Sequence[Quarter], measures: Sequence[Measure]) -> Tally:
    """Visits made in each quarter (the current one up to the report day), by the village visited; the total by a
    query of its own."""
    tally = Tally(measures, len(quarters), areas, None, VISIT)
    live = [(q.start, q.as_of) for q in quarters if q.as_of]
    if not live:
        return tally
    lo, hi = min(start for start, _end in live), max(end for _start, end in live)
    rows = session.execute(select(col(Visit.id), col(Visit.visited_on), col(Visit.village_id), col(Visit.place))
                           .where(col(Visit.visited_on) >= lo, col(Visit.visited_on) <= hi)).all()
    for _vid, visited_on, village_id, spot in rows:
        qi = next((i for i, q in enumerate(quarters) if q.as_of and q.start <= visited_on <= q.as_of), None)
        if qi is not None:
            record = Text(f"การลงพื้นที่ {format_date(visited_on)} {spot}".strip(),
                          f"visit of {format_date_en(visited_on)} {spot}".strip())
            tally.add(qi, areas.place(village_id), {"visits": 1}, record, to_total=False)
    for qi, q in enumerate(quarters):
        if q.as_of:  # the total by a query of its own, not from the rows
            n = session.scalar(select(func.count()).select_from(Visit)
                               .where(col(Visit.visited_on) >= q.start, col(Visit.visited_on) <= q.as_of))
            tally.set_total("visits", qi, n or 0)
    return tally


def tally_plans(session: Session, areas: Areas, quarters: Sequence[Quarter], measures: Sequence[Measure]) -> Tally:
    """Households with a plan by each quarter's end (the total by a query of its own), and the actions of the plan
    in force then that were past their due date and not done."""
    tally = Tally(measures, len(quarters), areas, None, HOUSEHOLD)
    head = aliased(Person)
    households: dict[str, tuple[str | None, str, str | None, str | None, str | None]] = {
        hid: (village_id, house_no, title, first, last)
        for hid, village_id, house_no, title, first, last in session.execute(
            select(col(Household.id), col(Household.village_id), col(Household.house_no), col(head.title),
                   col(head.first_name), col(head.last_name))
            .outerjoin(head, col(head.id) == col(Household.head_id))
            .where(col(Household.id).in_(select(col(HouseholdPlan.household_id)))))
    }

    def record(hid: str) -> Text:
        _village, house_no, title, first, last = households.get(hid, (None, "", "", "", ""))
        name = person_name(title or "", first or "", last or "") or hid[:8]
        return Text(f"ครัวเรือน {name}" + (f" บ้านเลขที่ {house_no}" if house_no else ""),
                    f"household {name}" + (f", house no. {house_no}" if house_no else ""))

    def where(hid: str) -> Place:
        return areas.place(households.get(hid, (None,))[0])

    plans = session.execute(select(col(HouseholdPlan.id), col(HouseholdPlan.household_id), col(HouseholdPlan.revision),
                                   col(HouseholdPlan.made_on))).all()
    first_plan: dict[str, date] = {}
    for _pid, hid, _rev, made_on in plans:
        first_plan[hid] = min(made_on, first_plan.get(hid, made_on))
    plan_of = {pid: (hid, rev, made_on) for pid, hid, rev, made_on in plans}
    actions = session.execute(select(col(PlanAction.id), col(PlanAction.plan_id), col(PlanAction.due_on),
                                     col(PlanAction.status), col(PlanAction.carried_from_id))).all()
    carried_from = {a.id: a.carried_from_id for a in actions}
    notes: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for action_id, noted_on, status in session.execute(
            select(col(ActionNote.action_id), col(ActionNote.noted_on), col(ActionNote.status))):
        notes[action_id].append((noted_on, status))
    by_plan: dict[str, list[_Action]] = defaultdict(list)
    for a in actions:
        by_plan[a.plan_id].append(a)

    for qi, q in enumerate(quarters):
        on = q.as_of
        if on is None:
            continue
        # the plan revision each household had in force on that day
        in_force: dict[str, tuple[int, str]] = {}
        for pid, (hid, rev, made_on) in plan_of.items():
            if made_on <= on and rev > in_force.get(hid, (0, ""))[0]:
                in_force[hid] = (rev, pid)
        for hid, made_on in first_plan.items():
            if made_on <= on:
                tally.add(qi, where(hid), {"households": 1}, partial(record, hid), to_total=False)
        for hid, (_rev, pid) in in_force.items():
            overdue = sum(1 for a in by_plan[pid]
                          if a.due_on is not None and a.due_on < on
                          and _status_on(a, carried_from, notes, on) in OPEN_STATUSES)
            if overdue:
                tally.add(qi, where(hid), {"actions_overdue": overdue}, partial(record, hid))
        n = session.scalar(select(func.count(func.distinct(HouseholdPlan.household_id)))
                           .where(col(HouseholdPlan.made_on) <= on))
        tally.set_total("households", qi, n or 0)  # by a query of its own
    return tally


def _status_on(action: _Action, carried_from: Mapping[str, str | None],
               notes: Mapping[str, list[tuple[date, str]]], on: date) -> str:
    """An action's status on a past day: its last progress note by then (its carried-over history included).

    Before any note the status it was saved with is not kept apart from later changes; an action whose
    notes all come later was open then (a plan records work still to do), one with no notes at all has
    had its status since it was saved.
    """
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = action.id
    while current and current not in seen:
        seen.add(current)
        chain.append(current)
        current = carried_from.get(current)
    history = sorted(n for aid in chain for n in notes.get(aid, ()))
    before = [status for noted_on, status in history if noted_on <= on]
    if before:
        return before[-1]
    return action.status if not notes.get(action.id) else "planned"
