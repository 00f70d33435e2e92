"""4ท household plans: four parts, actions with progress, revisions that keep the earlier plan."""

from datetime import date

import pytest

from fieldtool import plans
from fieldtool.plans import ActionInput, PlanInput
from fieldtool.thai import InputError


def first_plan(book):
    data = PlanInput(
        made_on=date(2026, 10, 5),
        participants="นายบุญมี ศรีสุข, ภรรยา, พัฒนากร, อสม.",
        findings={
            "attitude": "อยากมีรายได้ประจำ ยังไม่เชื่อว่าการออมช่วยได้",
            "skills": "เคยเลี้ยงไก่พื้นเมือง ทอเสื่อกกได้",
            "resources": "มีที่ดิน ๒ ไร่ ใกล้หนองน้ำ",
            "way_out": "เลี้ยงไก่ไข่และปลูกผักสวนครัวขาย",
        },
        actions=[
            ActionInput("skills", "อบรมการเลี้ยงไก่ไข่", "ปศุสัตว์อำเภอ", date(2026, 11, 15), "ค่าอบรม", 150_000),
            ActionInput("resources", "ขอรับพันธุ์ไก่ไข่ ๒๐ ตัว", "อบต.โนนกลาง", date(2026, 11, 30), "พันธุ์ไก่", 300_000),
            ActionInput("attitude", "ทำบัญชีครัวเรือนทุกเดือน", "พัฒนากร", date(2026, 12, 31)),
        ],
        decision="เราจะเลี้ยงไก่ไข่ขายในหมู่บ้าน และจดบัญชีรายรับรายจ่ายทุกวัน",
    )
    with book.db.session() as s:
        return plans.save_plan(s, book.household_id, data).id


def test_a_plan_keeps_the_four_parts_the_decision_and_the_actions(book):
    first_plan(book)
    with book.db.session() as s:
        view = plans.plan_view(s, book.household_id, date(2026, 11, 20))
    assert view.revision == 1 and view.head == "นายบุญมี ศรีสุข"
    assert view.findings["resources"] == "มีที่ดิน ๒ ไร่ ใกล้หนองน้ำ"
    assert view.decision.startswith("เราจะเลี้ยงไก่ไข่")
    overdue = [a.what for a in view.actions if a.overdue]
    assert overdue == ["อบรมการเลี้ยงไก่ไข่"]
    assert [a.part for a in view.actions] == ["attitude", "skills", "resources"]


def test_a_revision_keeps_the_earlier_plan_readable_and_carries_open_actions(book):
    first_plan(book)
    with book.db.session() as s:
        v1 = plans.plan_view(s, book.household_id, date(2026, 11, 20))
        training = next(a for a in v1.actions if a.what == "อบรมการเลี้ยงไก่ไข่")
        plans.update_action(s, training.id, "done", date(2026, 11, 16), "อบรมเสร็จ ได้รับใบประกาศ")
        draft = plans.as_input(s, plans.latest_plan(s, book.household_id), date(2026, 12, 1))
        draft.findings["way_out"] = "เลี้ยงไก่ไข่ ๓๐ ตัว ขายไข่ให้ร้านค้าชุมชน"
        draft.actions.append(ActionInput("way_out", "ติดต่อร้านค้าชุมชนรับซื้อไข่", "กลุ่มออมทรัพย์", date(2027, 1, 15)))
        plans.save_plan(s, book.household_id, draft)
    with book.db.session() as s:
        latest = plans.plan_view(s, book.household_id, date(2026, 12, 2))
        earlier = plans.plan_view(s, book.household_id, date(2026, 12, 2), revision=1)
    assert latest.revision == 2 and latest.revisions == [(1, date(2026, 10, 5)), (2, date(2026, 12, 1))]
    assert earlier.findings["way_out"] == "เลี้ยงไก่ไข่และปลูกผักสวนครัวขาย"
    assert "อบรมการเลี้ยงไก่ไข่" not in [a.what for a in latest.actions]  # done: not carried over
    assert "ขอรับพันธุ์ไก่ไข่ ๒๐ ตัว" in [a.what for a in latest.actions]
    assert next(a for a in earlier.actions if a.what == "อบรมการเลี้ยงไก่ไข่").notes == [
        (date(2026, 11, 16), "done", "อบรมเสร็จ ได้รับใบประกาศ")
    ]


def test_progress_notes_follow_an_action_across_revisions(book):
    first_plan(book)
    with book.db.session() as s:
        chickens = next(a for a in plans.plan_view(s, book.household_id, date(2026, 11, 1)).actions if "พันธุ์ไก่" in a.what)
        plans.update_action(s, chickens.id, "in_progress", date(2026, 11, 20), "อบต. รับเรื่องแล้ว")
        plans.save_plan(s, book.household_id, plans.as_input(s, plans.latest_plan(s, book.household_id), date(2026, 11, 25)))
        carried = next(a for a in plans.plan_view(s, book.household_id, date(2026, 11, 26)).actions if "พันธุ์ไก่" in a.what)
    assert carried.status == "in_progress"
    assert carried.notes == [(date(2026, 11, 20), "in_progress", "อบต. รับเรื่องแล้ว")]


def test_the_summary_across_households(book):
    first_plan(book)
    with book.db.session() as s:
        from fieldtool import households

        households.set_needs(s, book.household_id, {"income": "ว่างงาน", "living": "บ้านทรุดโทรม"})
        summary = plans.plans_summary(s, date(2026, 11, 20))
    assert summary.households_with_plans == 1
    assert [a.what for a in summary.due_this_month] == ["ขอรับพันธุ์ไก่ไข่ ๒๐ ตัว"]
    assert [a.what for a in summary.overdue] == ["อบรมการเลี้ยงไก่ไข่"]
    assert summary.needs_by_dimension["income"] == 1 and summary.needs_by_dimension["health"] == 0
    assert summary.help_by_agency["อบต.โนนกลาง"] == {"actions": 1, "open": 1, "budget_satang": 300_000}
    assert summary.status_counts.get("in_progress") == 1  # making a plan starts the household's work


def test_bad_plans_are_refused(book):
    with book.db.session() as s:
        with pytest.raises(InputError):
            plans.save_plan(s, book.household_id, PlanInput(made_on=date(2026, 1, 1)))
        with pytest.raises(InputError):
            plans.save_plan(s, book.household_id, PlanInput(date(2026, 1, 1), findings={"luck": "x"}))
        with pytest.raises(InputError):
            plans.save_plan(s, "no-such-household", PlanInput(date(2026, 1, 1), findings={"skills": "x"}))
        with pytest.raises(InputError, match="no plan"):
            plans.plan_view(s, book.household_id, date(2026, 1, 1))
