"""A small district built with the services: two subdistricts of อ.พิบูลมังสาหาร (3419), with loans, notices,
ask tasks, visits and household plans whose figures a district clerk can work out by hand.

    ต.โนนกลาง (341905)  หมู่ที่ 3 บ้านหนองบัว   L1: women's fund, 12,000 in 3 × 4,000 (31 Oct, 30 Nov, 31 Dec 2026), never paid
                         หมู่ที่ 5 บ้านโนนสูง    L2: กข.คจ., 6,000 in 3 × 2,000 (15 Nov, 15 Dec 2026, 15 Jan 2027), 2,000 paid 10 Nov
    ต.พิบูล (341901)     หมู่ที่ 1 บ้านท่าช้าง    L3: กข.คจ., 9,000 in 3 × 3,000 (31 Oct, 30 Nov, 31 Dec 2026), paid 31 Oct, 30 Nov, 5 Jan
    and two loans of FY 2569 due 15 Sep 2026: E1 paid on 30 Sep, E2 paid on 1 Oct (the fiscal year's edge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from db import Database, open_database
from fieldtool import funds, lending, loanbook, plans, registry, reminders, repayments, visits
from fieldtool.models import District, PlanAction, Province, Subdistrict

PROVINCE = ("34", "อุบลราชธานี")
DISTRICT = ("3419", "พิบูลมังสาหาร")


@dataclass
class District3419:
    db: Database
    photo_dir: Path
    villages: dict[str, str] = field(default_factory=dict)  # "A3", "A5", "B1" -> village id
    loans: dict[str, str] = field(default_factory=dict)  # "L1", ... -> loan id
    funds: dict[str, str] = field(default_factory=dict)  # kind -> fund id
    actions: dict[str, str] = field(default_factory=dict)

    # --- more of the district, for the broken cases ----------------------------------------------------

    def group_loan(self, village_id: str, name: str, principal_baht: int, first_due: date, disbursed: date,
                   fund: str = "kkkj", instalments: int = 3, agreement_no: str = "") -> str:
        with self.db.session() as s:
            group = registry.add_group(s, name, village_id)
            loan = lending.add_loan(s, fund_id=self.funds[fund], group_id=group.id, principal_satang=principal_baht * 100,
                                     instalments=instalments, first_due=first_due, applied_on=date(2026, 7, 1),
                                     frequency="monthly", rate_bp=0, agreement_no=agreement_no)
            lending.disburse(s, loan.id, disbursed, "สัญญาเดิมย้ายเข้าระบบ")
            return loan.id

    def pay(self, loan_id: str, baht: int, on: date) -> None:
        with self.db.session() as s:
            repayments.record_payment(s, loan_id, baht * 100, on)

    def outside_village(self) -> str:
        """A village of ต.ขุหลุ (341601), อ.ตระการพืชผล: another district."""
        with self.db.session() as s:
            sub = registry.setup_subdistrict(s, PROVINCE, ("3416", "ตระการพืชผล"), ("341601", "ขุหลุ"))
            return registry.add_village(s, sub.id, 2, "บ้านนาดี").id

    def duplicate_district_village(self) -> str:
        """ต.ทรายมูล (341910) set up on another laptop, which made its own Province and District rows."""
        with self.db.session() as s:
            prov = Province(code=PROVINCE[0], name=PROVINCE[1])
            dist = District(code=DISTRICT[0], name=DISTRICT[1], province_id=prov.id)
            sub = Subdistrict(code="341910", name="ทรายมูล", district_id=dist.id)
            for row in (prov, dist, sub):  # parents first: the rows have no ORM relationships to order them
                s.add(row)
                s.flush()
            return registry.add_village(s, sub.id, 4, "บ้านดอนแดง").id


def build_district(db: Database, photo_dir: Path) -> District3419:
    d = District3419(db, photo_dir)
    with db.session() as s:
        registry.set_setting(s, "district_code", DISTRICT[0])
        registry.set_setting(s, "office_name", "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร")
        a = registry.setup_subdistrict(s, PROVINCE, DISTRICT, ("341905", "โนนกลาง"))
        b = registry.setup_subdistrict(s, PROVINCE, DISTRICT, ("341901", "พิบูล"))
        d.villages["A3"] = registry.add_village(s, a.id, 3, "บ้านหนองบัว").id
        d.villages["A5"] = registry.add_village(s, a.id, 5, "บ้านโนนสูง").id
        d.villages["B1"] = registry.add_village(s, b.id, 1, "บ้านท่าช้าง").id
        d.funds["women"] = funds.add_fund(s, "กองทุนพัฒนาบทบาทสตรี", "women").id
        d.funds["kkkj"] = funds.add_fund(s, "กข.คจ.", "kkkj").id
    d.loans["L1"] = d.group_loan(d.villages["A3"], "กลุ่มทอผ้าไหมบ้านหนองบัว", 12_000, date(2026, 10, 31),
                                 date(2026, 10, 1), fund="women", agreement_no="สต.1/2570")
    d.loans["L2"] = d.group_loan(d.villages["A5"], "กลุ่มเลี้ยงไก่บ้านโนนสูง", 6_000, date(2026, 11, 15),
                                 date(2026, 10, 15), agreement_no="กข.2/2570")
    d.loans["L3"] = d.group_loan(d.villages["B1"], "กลุ่มจักสานบ้านท่าช้าง", 9_000, date(2026, 10, 31),
                                 date(2026, 10, 1), agreement_no="กข.3/2570")
    d.pay(d.loans["L2"], 2_000, date(2026, 11, 10))
    for on in (date(2026, 10, 31), date(2026, 11, 30), date(2027, 1, 5)):
        d.pay(d.loans["L3"], 3_000, on)
    # the edge of the fiscal year: one instalment due 15 Sep 2026, paid on 30 Sep or on 1 Oct
    d.loans["E1"] = d.group_loan(d.villages["A3"], "กลุ่มปลูกผักบ้านหนองบัว", 5_000, date(2026, 9, 15),
                                 date(2026, 8, 1), instalments=1)
    d.loans["E2"] = d.group_loan(d.villages["B1"], "กลุ่มทำขนมบ้านท่าช้าง", 5_000, date(2026, 9, 15),
                                 date(2026, 8, 1), instalments=1)
    d.pay(d.loans["E1"], 5_000, date(2026, 9, 30))
    d.pay(d.loans["E2"], 5_000, date(2026, 10, 1))
    with db.session() as s:
        # L2: the 30-day notice of its first instalment delivered; an ask visit on 20 Dec answers its ask task
        first = loanbook.load_states(s, date(2026, 10, 20), [d.loans["L2"]])[d.loans["L2"]].instalments
        reminders.deliver(s, f"notice-30:{first[0].id}", "phone", date(2026, 10, 20))
        reminders.deliver(s, f"ask-1:{first[1].id}", "visit", date(2026, 12, 20))
        # visits on either side of 1 October, and of 1 January
        for village, on in (("A3", date(2026, 9, 30)), ("A3", date(2026, 10, 1)), ("B1", date(2026, 12, 31)),
                            ("B1", date(2027, 1, 1))):
            visits.add_visit(s, visits.VisitInput(visited_on=on, village_id=d.villages[village], place="ศาลากลางบ้าน"),
                             photo_dir)
        # household plans: one made in Q1 with an action overdue at the quarter's end (done in January),
        # one made in Q2 with an action overdue on the report day
        for key, village, made_on, due_on in (("A", "A3", date(2026, 11, 1), date(2026, 12, 15)),
                                              ("B", "B1", date(2027, 1, 10), date(2027, 2, 1))):
            head = registry.add_person(s, "มาลัย" if key == "A" else "บุญมี", "ทองคำ", "นาง", village_id=d.villages[village])
            household = registry.add_household(s, d.villages[village], head.id, house_no="12")
            plan = plans.save_plan(s, household.id, plans.PlanInput(
                made_on=made_on, findings={"skills": "ทอผ้าเป็น"},
                actions=[plans.ActionInput(part="skills", what="อบรมย้อมสีธรรมชาติ", due_on=due_on)]))
            s.flush()
            d.actions[key] = s.scalars(select(PlanAction.id).where(PlanAction.plan_id == plan.id)).one()
        plans.update_action(s, d.actions["A"], "done", date(2027, 1, 20))
    return d


def make_district(folder: Path) -> District3419:
    """The district of the module docstring in a fresh SQLite database in `folder` (dispose of its db)."""
    return build_district(open_database(folder / "district.sqlite"), folder / "photos")


def run(capsys, *argv, expect=0):
    """Run the command line; return what it printed (asserting the exit status)."""
    from ui.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    assert code == expect, out.err
    return out
