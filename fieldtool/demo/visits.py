"""The demo's field work over the past months: target households with their needs, plans made and revised
at visits, follow-up visits on (or near) the promised days, the yearly survey of each village, follow visits
to the groups, and a guarantee meeting for loans still applying – as `fieldtool.visits` records them."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from fieldtool.demo.book import Book, Row
from fieldtool.demo.loans import LoanLife, tick
from fieldtool.demo.people import DemoGroup, DemoHousehold
from fieldtool.demo.plans import NEEDS, PLAN_SETS, Plans, Statuses, set_status
from fieldtool.households import check_needs
from fieldtool.models import (
    EvidenceLink,
    Household,
    HouseholdNeed,
    Meeting,
    PreventCheck,
    Verification,
    Village,
    Visit,
    WorkItem,
)
from fieldtool.plans import ActionInput, PlanInput
from fieldtool.thai import format_date
from fieldtool.visits import check_clock
from fieldtool.vocabulary import (
    ActionStatus,
    EvidenceSource,
    EvidenceTarget,
    FollowItem,
    HouseholdSource,
    HouseholdStatus,
    MeetingKind,
    OtherPurpose,
    PlanPart,
    PreventItem,
    Stage,
)

# A follow visit to a group: how the project goes, a word of encouragement, repayment explained.
GROUP_VISIT_PURPOSES = [f"{Stage.FOLLOW}:{item}" for item in (FollowItem.PROGRESS, FollowItem.ENCOURAGE,
                                                              FollowItem.EXPLAIN)]


class Visits:
    """Visits as `visits.add_visit` writes them for the demo (no photos, no money collected, no position),
    with each household's visits so far, for the promises to come back."""

    def __init__(self, book: Book, status: Statuses):
        self.book, self.status = book, status
        self.of: dict[str, list[Row]] = {}  # household id -> its visits

    def add(self, *, visited_on: date, visited_at: str, village_id: str, place: str = "", people_met: str = "",
            purposes: Sequence[str] = (), findings: str = "", next_steps: str = "", next_visit_on: date | None = None,
            loans: Sequence[str] = (), groups: Sequence[str] = (), households: Sequence[str] = (),
            household_updates: Mapping[str, Mapping[str, str]] | None = None,
            verified: Sequence[tuple[str, str]] = ()) -> Row:
        book, updates = self.book, household_updates or {}
        row = book.add(
            Visit, visited_on=visited_on, visited_at=check_clock(visited_at), village_id=village_id, place=place,
            people_met=people_met, purposes=json.dumps(list(purposes)), findings=findings, next_steps=next_steps,
            next_visit_on=next_visit_on, latitude=None, longitude=None, officer=book.officer, device_id=book.device_id,
        )
        for kind, ids in ((EvidenceTarget.LOAN, list(loans)), (EvidenceTarget.GROUP, list(groups)),
                          (EvidenceTarget.HOUSEHOLD, list(dict.fromkeys([*households, *updates])))):
            for target in ids:
                book.add(EvidenceLink, source_kind=EvidenceSource.VISIT, source_id=row["id"], target_kind=kind,
                         target_id=target)
        for loan_id in loans:  # visits._tick: a follow item done is a work item with the visit as its evidence
            for code in purposes:
                stage, _, item = code.partition(":")
                if stage in (Stage.FOLLOW, Stage.ASK):
                    book.add(WorkItem, loan_id=loan_id, stage=stage, item=item, done_on=visited_on,
                             evidence_kind=EvidenceSource.VISIT, evidence_id=row["id"])
                # (no ask or notify purposes in the demo's visits: no reminder is answered by them)
        for hid, changes in updates.items():
            if "status" in changes:
                set_status(book, self.status, hid, HouseholdStatus(changes["status"]))
            book.add(Verification, table_name="household", record_id=hid, fields=json.dumps(sorted(changes)),
                     verified_on=visited_on, officer=book.officer, visit_id=row["id"])
        for table, record_id in verified:
            book.add(Verification, table_name=table, record_id=record_id, fields='["*"]', verified_on=visited_on,
                     officer=book.officer, visit_id=row["id"])
        for hid in dict.fromkeys([*households, *updates]):
            self.of.setdefault(hid, []).append(row)
        return row

    def follow_ups(self, rng: random.Random, today: date, household: DemoHousehold, first_due: date) -> int:
        """Keep most promises to come back: a follow-up visit on (or near) each promised day, so only a few
        promised visits are open, some of them today."""
        hh, village = household.row, household.village
        made = 0
        last = max(self.of.get(hh["id"], []), key=lambda v: v["visited_on"], default=None)
        promised: date = last["next_visit_on"] if last and last["next_visit_on"] else first_due
        while promised < today and rng.random() < 0.9:
            on = promised + timedelta(days=rng.randint(0, 3))
            if on >= today:
                break
            nxt = on + timedelta(days=rng.choice((30, 45, 60)))
            if nxt > today and rng.random() < 0.15:
                nxt = today
            self.add(
                visited_on=on, visited_at=rng.choice(("09:00", "10:30", "14:00")), village_id=village.id,
                place=f"บ้านเลขที่ {hh['house_no']}", people_met="หัวหน้าครัวเรือน", purposes=[OtherPurpose.PLAN],
                findings=rng.choice(("ครัวเรือนดำเนินกิจกรรมตามแผน", "เริ่มมีรายได้เสริมจากกิจกรรม",
                                     "ยังรอการสนับสนุนจากหน่วยงาน")),
                next_steps="ติดตามกิจกรรมตามแผน", households=[hh["id"]], next_visit_on=nxt,
                verified=[("household", hh["id"])],
            )
            made += 1
            promised = nxt
        return made


def add_plans_and_visits(book: Book, rng: random.Random, today: date, villages: list[Village],
                         households: list[DemoHousehold], groups: list[DemoGroup], loans: list[LoanLife],
                         ) -> dict[str, int]:
    """Households with needs, plans at different stages, and a history of visits and meetings."""
    status: Statuses = {hh.row["id"]: hh.row.get("status", HouseholdStatus.TARGET) for hh in households}
    visits = Visits(book, status)
    plan_book = Plans(book, status)
    targets = rng.sample(households, 80)
    planned = 0
    visits_made = 0
    for k, household in enumerate(targets):
        hh, village = household.row, household.village
        book.change(Household, hh["id"],
                    source=HouseholdSource.TPMAP if rng.random() < 0.75 else HouseholdSource.FIELD)
        dims = rng.sample(list(NEEDS), rng.randint(1, 3))
        needs: dict[str, str] = {d: rng.choice(NEEDS[d]) for d in dims}
        check_needs(needs)  # as households.set_needs, on a household with none yet
        for dimension, description in needs.items():
            book.add(HouseholdNeed, household_id=hh["id"], dimension=dimension, description=description)
        if k >= 50:
            continue  # registered, not yet planned
        pick = PLAN_SETS[k % len(PLAN_SETS)]
        made_on = today - timedelta(days=rng.randint(60, 200))
        actions = [
            ActionInput(part, what, helper, made_on + timedelta(days=rng.randint(20, 150)), budget_satang=budget)
            for part, what, helper, budget in pick.actions
        ]
        plan_book.save(hh["id"], PlanInput(
            made_on=made_on, findings={p: pick.findings[p] for p in PlanPart}, actions=actions, decision=pick.decision,
            participants="หัวหน้าครัวเรือน สมาชิกครัวเรือน พัฒนากร และ อสม.",
        ))
        planned += 1
        visits.add(
            visited_on=made_on, visited_at="10:00", village_id=village.id, place=f"บ้านเลขที่ {hh['house_no']}",
            people_met="หัวหน้าครัวเรือนและสมาชิก", purposes=[OtherPurpose.PLAN],
            findings="ร่วมกันจัดทำแผนพัฒนาครัวเรือนด้วยเครื่องมือ ๔ท",
            next_steps="ติดตามกิจกรรมตามแผน", households=[hh["id"]],
            next_visit_on=made_on + timedelta(days=rng.choice((30, 45, 60))),
            verified=[("household", hh["id"])],
        )
        visits_made += 1
        visits_made += visits.follow_ups(rng, today, household, made_on + timedelta(days=45))
        latest = plan_book.latest(hh["id"])
        assert latest is not None  # saved just above
        for action in plan_book.actions(latest):
            if action["due_on"] and action["due_on"] < today and rng.random() < 0.75:
                plan_book.update_action(action, ActionStatus.DONE, action["due_on"], "ดำเนินการแล้วตามแผน")
            elif rng.random() < 0.4:
                plan_book.update_action(action, ActionStatus.IN_PROGRESS, min(today, made_on + timedelta(days=20)),
                                        "อยู่ระหว่างประสานงาน")
        if k % 4 == 0:
            revised_on = made_on + timedelta(days=rng.randint(30, 55))
            draft = plan_book.as_input(latest, revised_on)
            draft.findings["way_out"] += " (ปรับแผนหลังติดตามผล)"
            draft.actions.append(ActionInput("way_out", "จำหน่ายผลผลิตที่ตลาดนัดชุมชน", "ตลาดนัดชุมชนบ้านโนนสูง",
                                             revised_on + timedelta(days=45)))
            plan_book.save(hh["id"], draft)
            visits.add(
                visited_on=revised_on, visited_at="14:00", village_id=village.id, place=f"บ้านเลขที่ {hh['house_no']}",
                people_met="หัวหน้าครัวเรือน", purposes=[OtherPurpose.PLAN],
                findings="ติดตามผลและปรับแผน ครัวเรือนเริ่มมีรายได้เสริม", households=[hh["id"]],
                next_visit_on=today if k % 8 == 0 else revised_on + timedelta(days=rng.randint(20, 90)),
                household_updates={hh["id"]: {"status": HouseholdStatus.IN_PROGRESS}},
            )
            visits_made += 1
        if k % 10 == 9:
            set_status(book, status, hh["id"], HouseholdStatus.OUT_OF_POVERTY)
    # the yearly survey (จปฐ./TPMAP check) of each village, some months ago: households seen on site
    for village in villages:
        local = [hh.row for hh in households if hh.village.id == village.id]
        seen = rng.sample(local, int(len(local) * 0.6))
        visits.add(
            visited_on=today - timedelta(days=rng.randint(150, 420)), visited_at="09:00", village_id=village.id,
            place="ศาลาประชาคมหมู่บ้าน", people_met="ผู้ใหญ่บ้าน อาสาสมัครพัฒนาชุมชน และครัวเรือนในหมู่บ้าน",
            purposes=[OtherPurpose.COLLECT], findings="สำรวจและยืนยันข้อมูลครัวเรือนตามบัญชี TPMAP",
            households=[hh["id"] for hh in seen], verified=[("household", hh["id"]) for hh in seen],
        )
        visits_made += 1
    visits_made += _group_visits(visits, rng, today, groups, loans)
    some = [life for life in loans if life.disbursed_on is None][:3]
    if some:
        guarantee_meeting(
            book, today - timedelta(days=2), "ศาลาประชาคมหมู่บ้าน", held_at="13:00",
            attendees="สมาชิกผู้กู้และคณะกรรมการกองทุน", outcomes="สมาชิกลงนามค้ำประกันร่วมกันครบทุกคน", loans=some,
        )
    return {"households_with_plans": planned, "visits": visits_made}


def _group_visits(visits: Visits, rng: random.Random, today: date, groups: list[DemoGroup],
                  loans: list[LoanLife]) -> int:
    """Follow visits to the groups whose loans are paid out, one or two each in the past four months."""
    made = 0
    group_rows = {group.row["id"]: group.row for group in groups}
    for life in loans:
        disbursed = life.disbursed_on
        if life.loan["group_id"] is None or disbursed is None:
            continue
        group = group_rows[life.loan["group_id"]]
        for _ in range(rng.randint(1, 2)):
            on = today - timedelta(days=rng.randint(3, 120))
            if on < disbursed:
                continue
            visits.add(
                visited_on=on, visited_at=rng.choice(("09:30", "13:30", "15:00")), village_id=group["village_id"],
                place="ที่ทำการกลุ่ม", people_met="ประธานกลุ่มและสมาชิก", purposes=GROUP_VISIT_PURPOSES,
                findings=rng.choice(("กลุ่มผลิตสินค้าได้ตามแผน ยอดขายดีช่วงเทศกาล", "สมาชิกบางคนขาดประชุม ยอดขายลดลง",
                                     "กลุ่มต้องการพัฒนาบรรจุภัณฑ์ใหม่")),
                loans=[life.id], groups=[group["id"]], verified=[("loan", life.id)],
            )
            made += 1
    return made


def guarantee_meeting(book: Book, held_on: date, place: str, *, held_at: str, attendees: str, outcomes: str,
                      loans: list[LoanLife]) -> None:
    """What `visits.add_meeting` writes for a guarantee meeting: the meeting, its links, and the prevent item
    "guarantee" ticked on each loan with the meeting as its evidence."""
    meeting = book.add(Meeting, kind=MeetingKind.GUARANTEE, held_on=held_on, held_at=check_clock(held_at),
                       village_id=None, place=place, attendees=attendees, outcomes=outcomes, officer=book.officer)
    for life in loans:
        book.add(EvidenceLink, source_kind=EvidenceSource.MEETING, source_id=meeting["id"],
                 target_kind=EvidenceTarget.LOAN, target_id=life.id)
    for life in loans:
        tick(book, life, PreventItem.GUARANTEE, held_on, f"บันทึกจากการประชุม {format_date(held_on)}")  # Thai: a BE date
        book.change(PreventCheck, life.checks[PreventItem.GUARANTEE]["id"], evidence_kind=EvidenceSource.MEETING,
                    evidence_id=meeting["id"])
