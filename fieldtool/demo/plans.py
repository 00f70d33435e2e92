"""The demo's household development: the needs TPMAP found (by dimension) and 4ท plans at different stages,
kept as rows the way `fieldtool.plans` saves them (`Plans`), with each household's status as it moves."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from fieldtool import vocabulary
from fieldtool.demo.book import Book, Row
from fieldtool.loanbook import now_utc
from fieldtool.models import ActionNote, Household, HouseholdPlan, PlanAction, PlanPart
from fieldtool.plans import OPEN_STATUSES, ActionInput, PlanInput
from fieldtool.vocabulary import ActionStatus, Dimension, HouseholdStatus

NEEDS = {
    Dimension.INCOME: ("รายได้ไม่เพียงพอต่อการดำรงชีพ", "ว่างงานหลังเลิกทำนา", "หนี้นอกระบบ"),
    Dimension.HEALTH: ("ผู้สูงอายุติดเตียง", "ป่วยเรื้อรัง ต้องไปโรงพยาบาลเป็นประจำ", "ผู้พิการในครัวเรือน"),
    Dimension.LIVING: ("บ้านทรุดโทรม หลังคารั่ว", "ไม่มีห้องน้ำที่ถูกสุขลักษณะ", "ไม่มีน้ำประปา"),
    Dimension.EDUCATION: ("บุตรหลานออกจากโรงเรียนกลางคัน", "เด็กในครัวเรือนอ่านไม่ออก"),
    Dimension.ACCESS: ("ยังไม่ได้ลงทะเบียนสวัสดิการแห่งรัฐ", "ไม่ได้รับเบี้ยผู้พิการ"),
}


class PlanSet(NamedTuple):
    """One household's plan as the demo writes it: the findings of each part, the decision in the household's
    own words, and the actions (part, what, who helps, budget in satang)."""

    findings: dict[str, str]
    decision: str
    actions: tuple[tuple[str, str, str, int], ...]


PLAN_SETS = (
    PlanSet(
        {
            "attitude": "อยากมีรายได้ประจำ พร้อมเปลี่ยนแปลง แต่ยังไม่เคยจดบัญชีครัวเรือน",
            "skills": "เคยเลี้ยงไก่พื้นเมืองและปลูกผักขายในหมู่บ้าน",
            "resources": "มีที่ดินหลังบ้านประมาณ ๑ งาน ใกล้แหล่งน้ำ",
            "way_out": "เลี้ยงไก่ไข่และปลูกผักสวนครัวขาย",
        },
        "เราจะเลี้ยงไก่ไข่ ๒๐ ตัว ขายไข่ในหมู่บ้าน และจดรายรับรายจ่ายทุกวัน",
        (("skills", "อบรมการเลี้ยงไก่ไข่", "ปศุสัตว์อำเภอ", 150_000),
         ("resources", "ขอรับพันธุ์ไก่ไข่และอาหาร", "อบต.โนนกลาง", 350_000),
         ("attitude", "จัดทำบัญชีครัวเรือน", "พัฒนากร", 0)),
    ),
    PlanSet(
        {
            "attitude": "ท้อแท้จากหนี้สิน แต่ลูกหลานพร้อมช่วย",
            "skills": "ทอผ้าไหมได้ ฝีมือดี",
            "resources": "มีกี่ทอผ้า ๑ หลัง กลุ่มทอผ้าในหมู่บ้านรับซื้อ",
            "way_out": "ทอผ้าส่งกลุ่มอาชีพและเข้าคลินิกแก้หนี้",
        },
        "แม่จะทอผ้าส่งกลุ่มเดือนละ ๔ ผืน ลูกสาวช่วยขายออนไลน์ และไปปรึกษาเรื่องหนี้นอกระบบ",
        (("way_out", "ประสานกลุ่มทอผ้ารับซื้อผ้า", "กลุ่มทอผ้าไหม", 0),
         ("resources", "ขอรับเส้นไหมและสีย้อม", "สำนักงานพัฒนาชุมชนอำเภอ", 200_000),
         ("attitude", "เข้าร่วมคลินิกแก้หนี้", "ธ.ก.ส.", 0)),
    ),
    PlanSet(
        {
            "attitude": "ต้องการให้บุตรเรียนต่อจนจบ",
            "skills": "รับจ้างทั่วไป ช่างปูนพอได้",
            "resources": "บ้านทรุดโทรม ต้องซ่อมหลังคา",
            "way_out": "ซ่อมบ้านด้วยจิตอาสาและหางานช่างประจำ",
        },
        "พ่อจะรับงานช่างกับผู้รับเหมาในอำเภอ ลูกได้ทุนเรียนต่อ ชุมชนช่วยกันซ่อมหลังคา",
        (("resources", "ซ่อมแซมหลังคาบ้าน", "อบต.โนนกลาง", 1_500_000),
         ("skills", "ฝึกอาชีพช่างปูน", "ศูนย์พัฒนาฝีมือแรงงาน", 0),
         ("way_out", "ขอทุนการศึกษาให้บุตร", "โรงเรียนบ้านหนองบัว", 500_000)),
    ),
)

# household id -> its status as the demo has made it so far
Statuses = dict[str, str]


def set_status(book: Book, status: Statuses, household_id: str, value: HouseholdStatus) -> None:
    if status[household_id] != value:  # households.set_status: a change only when it changes
        status[household_id] = value
        book.change(Household, household_id, status=value)


class Plans:
    """Household plans as `fieldtool.plans` saves them (save_plan, update_action, as_input), kept as rows."""

    def __init__(self, book: Book, status: Statuses):
        self.book, self.status = book, status
        self.of: dict[str, list[Row]] = {}  # household id -> its plans, oldest first
        self.parts: dict[str, dict[str, str]] = {}  # plan id -> part -> findings
        self.plan_actions: dict[str, list[Row]] = {}  # plan id -> its actions as they stand

    def save(self, household_id: str, data: PlanInput) -> Row:
        latest = self.latest(household_id)
        plan = self.book.add(
            HouseholdPlan, household_id=household_id, revision=(latest["revision"] + 1) if latest else 1,
            made_on=data.made_on, participants=data.participants, decision=data.decision, made_by=self.book.officer,
            created_at=now_utc(),
        )
        self.of.setdefault(household_id, []).append(plan)
        self.parts[plan["id"]] = {}
        for part in vocabulary.PlanPart:
            self.book.add(PlanPart, plan_id=plan["id"], part=part.value, findings=data.findings.get(part, ""))
            self.parts[plan["id"]][part.value] = data.findings.get(part, "")
        self.plan_actions[plan["id"]] = []
        for a in data.actions:
            row = self.book.add(
                PlanAction, plan_id=plan["id"], part=a.part, what=a.what.strip(), helper=a.helper, due_on=a.due_on,
                resources=a.resources, budget_satang=a.budget_satang, status=a.status, carried_from_id=a.carried_from_id,
            )
            self.plan_actions[plan["id"]].append(dict(row))
        if self.status[household_id] == HouseholdStatus.TARGET:
            set_status(self.book, self.status, household_id, HouseholdStatus.IN_PROGRESS)
        return plan

    def latest(self, household_id: str) -> Row | None:
        plans = self.of.get(household_id)
        return plans[-1] if plans else None

    def actions(self, plan: Row) -> list[Row]:
        return self.plan_actions[plan["id"]]

    def update_action(self, action: Row, status: ActionStatus, on: date, note: str) -> None:
        action["status"] = status
        self.book.change(PlanAction, action["id"], status=status)
        self.book.add(ActionNote, action_id=action["id"], noted_on=on, status=status, note=note, officer=self.book.officer)

    def as_input(self, plan: Row, made_on: date) -> PlanInput:
        actions = [
            ActionInput(a["part"], a["what"], a["helper"], a["due_on"], a["resources"], a["budget_satang"], a["status"],
                        carried_from_id=a["id"])
            for a in self.plan_actions[plan["id"]]
            if a["status"] in OPEN_STATUSES
        ]
        return PlanInput(made_on=made_on, findings=dict(self.parts[plan["id"]]), actions=actions,
                         decision=plan["decision"], participants=plan["participants"])
