"""A believable demo subdistrict: villages, households, women's groups, three funds, loans in every stage.

Built through the same services as real work (so the change log is filled too), with dates around the
given day, so every screen has something to show: notices due today, loans overdue in every aging
bucket, loans paid early, paid late, restructured, closed, and applications still in the prevent stage.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtool import letters, loanbook, registry
from fieldtool.models import BorrowingGroup, EvidenceLink, Loan, Payment, ReminderDelivery
from fieldtool.progress import Progress, reporter
from fieldtool.reminders import DEFAULT_LADDER, notice_windows
from fieldtool.schedule import due_dates
from fieldtool.thai import InputError, national_id_check_digit

VILLAGES = (
    "บ้านโนนสูง", "บ้านหนองบัว", "บ้านดอนจิก", "บ้านคำแคน", "บ้านนาโพธิ์",
    "บ้านห้วยขะยูง", "บ้านโพนงาม", "บ้านหนองแสง", "บ้านท่าช้าง", "บ้านดงบัง",
)
WOMEN = (
    "สมศรี", "บุญมี", "มาลัย", "ประนอม", "สุดารัตน์", "อำไพ", "คำปุน", "บัวผัน", "เพ็ญศรี", "ทองใบ",
    "จันทร์เพ็ญ", "วันเพ็ญ", "แสงเดือน", "ลำดวน", "สายสุนีย์", "ไพรวัลย์", "อรุณี", "นงลักษณ์", "เยาวลักษณ์",
    "พิกุล", "ดวงใจ", "ศรีไพร", "อุไรวรรณ", "ปราณี", "ละเอียด", "สำลี", "บุษบา", "กาญจนา", "ใจดี", "โสภา",
)
MEN = (
    "สมชาย", "บุญเรือง", "ทองดี", "คำพอง", "ประเสริฐ", "สุพจน์", "วิชัย", "เอกชัย", "บุญส่ง", "สมบัติ",
    "ไพโรจน์", "อุดม", "คำสิงห์", "ทองสุข", "สมพร", "เกรียงไกร", "ชัยวัฒน์", "ธนากร", "ประยูร", "ณรงค์",
)
FAMILY = (
    "ศรีสุข", "ใจดี", "บุญมา", "แก้วมณี", "พันธ์ดี", "ทองคำ", "สีดา", "คำภา", "วงศ์ษา", "ศรีบุญเรือง",
    "อินทร์แก้ว", "ประทุมวงศ์", "โพธิ์ศรี", "จันทร์หอม", "ไชยสุข", "สุวรรณชาติ", "บุตรดี", "ภูมิพันธ์",
    "เหล่าสมบัติ", "แสนทวี", "มูลสาร", "ดวงแก้ว", "คำมุงคุณ", "ผิวขำ", "ทองมา", "อุ่นเรือน",
)
GROUP_KINDS = (
    ("กลุ่มทอผ้าไหม", "ซื้อเส้นไหมและสีย้อมธรรมชาติ"),
    ("กลุ่มแปรรูปปลาร้า", "ซื้อปลาและเกลือสำหรับหมักปลาร้า"),
    ("กลุ่มจักสานกระติบข้าว", "ซื้อไม้ไผ่และอุปกรณ์จักสาน"),
    ("กลุ่มเลี้ยงไก่ไข่", "ซื้อพันธุ์ไก่และอาหารสัตว์"),
    ("กลุ่มทำขนมไทย", "ซื้อวัตถุดิบและเตาอบ"),
    ("กลุ่มเพาะเห็ดนางฟ้า", "ซื้อก้อนเชื้อเห็ดและสร้างโรงเรือน"),
    ("กลุ่มตัดเย็บเสื้อผ้า", "ซื้อจักรเย็บผ้าและผ้า"),
)
HOUSEHOLD_PURPOSES = (
    "เลี้ยงโคพื้นเมือง", "ปลูกผักปลอดสารพิษ", "เลี้ยงปลาในกระชัง", "ค้าขายของชำ", "เลี้ยงสุกร",
    "ซื้อปุ๋ยทำนา", "ปลูกพริก", "เลี้ยงกบ", "ทำไม้กวาดดอกหญ้า", "ซ่อมรถจักรยานยนต์",
)

ASK_NOTES = {
    "visit": "ลงพื้นที่พบผู้กู้ สอบถามสาเหตุที่ค้างชำระ",
    "meeting": "ประชุมชี้แจงการชำระหนี้ที่ศาลาประชาคมหมู่บ้าน",
    "relief": "แนะนำมาตรการช่วยเหลือและการปรับโครงสร้างหนี้",
    "partners": "ประสานผู้ใหญ่บ้านและ อบต. ร่วมติดตาม",
}
PREVENT_NOTES = {
    "understanding": "ประชุมชี้แจงสมาชิกที่ศาลากลางบ้าน",
    "proposal": "ตรวจเอกสารโครงการครบถ้วน",
    "feasibility": "ลงพื้นที่ดูสถานที่ประกอบอาชีพ",
    "leaders": "สอบถามผู้ใหญ่บ้านและกรรมการหมู่บ้าน",
    "risk": "ประเมินความเสี่ยงระดับปานกลาง",
    "guarantee": "ประชุมกลุ่ม สมาชิกลงนามค้ำประกันร่วมกัน",
}

# How a borrower behaves towards the schedule; weights give a believable subdistrict.
BEHAVIOURS = (("on_time", 40), ("early", 12), ("late", 18), ("partial", 8), ("stopped", 12), ("restructure", 6), ("closed", 4))


def _national_id(rng: random.Random) -> str:
    first12 = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first12 + str(national_id_check_digit(first12))


def _phone(rng: random.Random) -> str:
    return "0" + rng.choice("689") + "".join(str(rng.randint(0, 9)) for _ in range(8))


def build_demo(session: Session, seed: int = 1, today: date | None = None, progress: Progress | None = None) -> dict:
    """Fill an empty database with the demo subdistrict; returns counts of what was made.

    `progress`, when given, is told each stage as it is done, with its count (it takes 10–15 seconds).
    """
    today = today or date.today()
    say = reporter(progress)
    if session.execute(select(func.count()).select_from(Loan)).scalar():
        raise InputError("ฐานข้อมูลนี้มีสัญญาเงินกู้อยู่แล้ว จึงไม่สร้างข้อมูลตัวอย่างทับ (the database already holds loans; demo data is only made in an empty one)")
    rng = random.Random(seed)
    registry.set_setting(session, "officer", "นางสาวพัชรินทร์ ศรีสุข")
    registry.set_setting(session, "demo", "1")  # the app marks it as a demo and offers starting the real one
    session.info["officer"] = "นางสาวพัชรินทร์ ศรีสุข"
    letters.demo_office_settings(session)
    sub = registry.setup_subdistrict(
        session, ("34", "อุบลราชธานี"), ("3419", "พิบูลมังสาหาร"), ("341905", "โนนกลาง")
    )
    villages = [registry.add_village(session, sub.id, moo, name) for moo, name in enumerate(VILLAGES, start=1)]
    say(f"หมู่บ้าน {len(villages)} หมู่", f"villages: {len(villages)}")

    # Households: a head and one to three members each.
    households, women = [], []
    house_no = {v.id: 1 for v in villages}
    for n in range(300):
        village = villages[n % len(villages)]
        family = rng.choice(FAMILY)
        hno = f"{house_no[village.id]}"
        house_no[village.id] += rng.randint(1, 4)
        female_head = rng.random() < 0.45
        head = registry.add_person(
            session,
            first_name=rng.choice(WOMEN if female_head else MEN),
            last_name=family,
            title=("นาง" if female_head else "นาย"),
            national_id=_national_id(rng) if rng.random() < 0.8 else None,
            phone=_phone(rng) if rng.random() < 0.85 else "",
            village_id=village.id,
            house_no=hno,
        )
        hh = registry.add_household(session, village.id, head.id, house_no=hno)
        households.append((hh, head, village))
        if female_head:
            women.append((head, village))
        for _ in range(rng.randint(1, 3)):
            female = rng.random() < 0.6
            member = registry.add_person(
                session,
                first_name=rng.choice(WOMEN if female else MEN),
                last_name=family,
                title=rng.choice(("นาง", "นางสาว")) if female else "นาย",
                phone=_phone(rng) if rng.random() < 0.6 else "",
                village_id=village.id,
                house_no=hno,
            )
            registry.add_household_member(session, hh.id, member.id, "สมาชิก")
            if female:
                women.append((member, village))

    say(f"ครัวเรือน {len(households)} ครัวเรือน", f"households: {len(households)}")

    # The subdistrict's women's fund driving team: nine people, one responsible for each group.
    team = [p for p, _ in rng.sample(women, 9)]
    groups = []
    for g in range(20):
        village = villages[g % len(villages)]
        kind, purpose = GROUP_KINDS[g % len(GROUP_KINDS)]
        local = [p for p, v in women if v.id == village.id] or [p for p, _ in women]
        members = rng.sample(local, min(len(local), rng.randint(7, 12)))
        group = registry.add_group(
            session, f"{kind}{village.name}", village.id, chair_id=members[0].id, committee_member_id=team[g % 9].id
        )
        for m in members[1:]:
            registry.add_group_member(session, group.id, m.id)
        groups.append((group, purpose))
    say(f"กลุ่ม {len(groups)} กลุ่ม", f"groups: {len(groups)}")

    women_fund = loanbook.add_fund(session, "กองทุนพัฒนาบทบาทสตรี", "women", rate_bp=200, default_instalments=24)
    kkkj = loanbook.add_fund(session, "โครงการแก้ไขปัญหาความยากจน (กข.คจ.)", "kkkj", rate_bp=0, default_instalments=4, default_frequency="half-yearly")
    village_fund = loanbook.add_fund(session, "กองทุนหมู่บ้าน", "village", rate_bp=600, default_instalments=12)

    counts = {"villages": len(villages), "households": len(households), "groups": len(groups), "loans": 0}
    number = 0

    def next_no() -> str:
        nonlocal number
        number += 1
        return f"{number:03d}/{today.year + 543 - (1 if number % 3 else 0)}"

    for group, purpose in groups:
        principal = rng.choice((50_000, 80_000, 100_000, 120_000, 150_000, 200_000)) * 100
        _demo_loan(session, rng, today, women_fund, principal, next_no(), purpose, group_id=group.id)
        counts["loans"] += 1
    for hh, _head, _village in rng.sample(households, 150):
        fund = kkkj if rng.random() < 0.55 else village_fund
        principal = rng.choice((5_000, 8_000, 10_000, 15_000, 20_000, 30_000)) * 100
        _demo_loan(session, rng, today, fund, principal, next_no(), rng.choice(HOUSEHOLD_PURPOSES), household_id=hh.id)
        counts["loans"] += 1
    session.flush()
    say(f"สัญญาเงินกู้ {counts['loans']} สัญญา", f"loans: {counts['loans']}")
    paid = session.execute(select(func.count()).select_from(Payment)).scalar()
    say(f"รายการชำระ {paid} รายการ", f"payments: {paid}")
    counts |= _demo_plans_and_visits(session, rng, today, households, villages)
    session.flush()
    say(f"แผนพัฒนาครัวเรือน {counts['households_with_plans']} ครัวเรือน, การเยี่ยม {counts['visits']} ครั้ง",
        f"household plans: {counts['households_with_plans']}, visits: {counts['visits']}")
    return counts


NEEDS = {
    "income": ("รายได้ไม่เพียงพอต่อการดำรงชีพ", "ว่างงานหลังเลิกทำนา", "หนี้นอกระบบ"),
    "health": ("ผู้สูงอายุติดเตียง", "ป่วยเรื้อรัง ต้องไปโรงพยาบาลเป็นประจำ", "ผู้พิการในครัวเรือน"),
    "living": ("บ้านทรุดโทรม หลังคารั่ว", "ไม่มีห้องน้ำที่ถูกสุขลักษณะ", "ไม่มีน้ำประปา"),
    "education": ("บุตรหลานออกจากโรงเรียนกลางคัน", "เด็กในครัวเรือนอ่านไม่ออก"),
    "access": ("ยังไม่ได้ลงทะเบียนสวัสดิการแห่งรัฐ", "ไม่ได้รับเบี้ยผู้พิการ"),
}
PLAN_SETS = (
    {
        "attitude": "อยากมีรายได้ประจำ พร้อมเปลี่ยนแปลง แต่ยังไม่เคยจดบัญชีครัวเรือน",
        "skills": "เคยเลี้ยงไก่พื้นเมืองและปลูกผักขายในหมู่บ้าน",
        "resources": "มีที่ดินหลังบ้านประมาณ ๑ งาน ใกล้แหล่งน้ำ",
        "way_out": "เลี้ยงไก่ไข่และปลูกผักสวนครัวขาย",
        "decision": "เราจะเลี้ยงไก่ไข่ ๒๐ ตัว ขายไข่ในหมู่บ้าน และจดรายรับรายจ่ายทุกวัน",
        "actions": (("skills", "อบรมการเลี้ยงไก่ไข่", "ปศุสัตว์อำเภอ", 150_000),
                    ("resources", "ขอรับพันธุ์ไก่ไข่และอาหาร", "อบต.โนนกลาง", 350_000),
                    ("attitude", "จัดทำบัญชีครัวเรือน", "พัฒนากร", 0)),
    },
    {
        "attitude": "ท้อแท้จากหนี้สิน แต่ลูกหลานพร้อมช่วย",
        "skills": "ทอผ้าไหมได้ ฝีมือดี",
        "resources": "มีกี่ทอผ้า ๑ หลัง กลุ่มทอผ้าในหมู่บ้านรับซื้อ",
        "way_out": "ทอผ้าส่งกลุ่มอาชีพและเข้าคลินิกแก้หนี้",
        "decision": "แม่จะทอผ้าส่งกลุ่มเดือนละ ๔ ผืน ลูกสาวช่วยขายออนไลน์ และไปปรึกษาเรื่องหนี้นอกระบบ",
        "actions": (("way_out", "ประสานกลุ่มทอผ้ารับซื้อผ้า", "กลุ่มทอผ้าไหม", 0),
                    ("resources", "ขอรับเส้นไหมและสีย้อม", "สำนักงานพัฒนาชุมชนอำเภอ", 200_000),
                    ("attitude", "เข้าร่วมคลินิกแก้หนี้", "ธ.ก.ส.", 0)),
    },
    {
        "attitude": "ต้องการให้บุตรเรียนต่อจนจบ",
        "skills": "รับจ้างทั่วไป ช่างปูนพอได้",
        "resources": "บ้านทรุดโทรม ต้องซ่อมหลังคา",
        "way_out": "ซ่อมบ้านด้วยจิตอาสาและหางานช่างประจำ",
        "decision": "พ่อจะรับงานช่างกับผู้รับเหมาในอำเภอ ลูกได้ทุนเรียนต่อ ชุมชนช่วยกันซ่อมหลังคา",
        "actions": (("resources", "ซ่อมแซมหลังคาบ้าน", "อบต.โนนกลาง", 1_500_000),
                    ("skills", "ฝึกอาชีพช่างปูน", "ศูนย์พัฒนาฝีมือแรงงาน", 0),
                    ("way_out", "ขอทุนการศึกษาให้บุตร", "โรงเรียนบ้านหนองบัว", 500_000)),
    },
)


def _demo_plans_and_visits(session, rng, today, households, villages) -> dict:
    """Households with needs, plans at different stages, and a history of visits and meetings."""
    from fieldtool import plans, visits
    from fieldtool.households import set_needs
    from fieldtool.plans import ActionInput, PlanInput
    from fieldtool.visits import MeetingInput, VisitInput

    targets = rng.sample(households, 80)
    planned = 0
    visits_made = 0
    for k, (hh, _head, village) in enumerate(targets):
        hh.source = "tpmap" if rng.random() < 0.75 else "field"
        dims = rng.sample(list(NEEDS), rng.randint(1, 3))
        set_needs(session, hh.id, {d: rng.choice(NEEDS[d]) for d in dims})
        if k >= 50:
            continue  # registered, not yet planned
        pick = PLAN_SETS[k % len(PLAN_SETS)]
        made_on = today - timedelta(days=rng.randint(60, 200))
        actions = [
            ActionInput(part, what, helper, made_on + timedelta(days=rng.randint(20, 150)), budget_satang=budget)
            for part, what, helper, budget in pick["actions"]
        ]
        plans.save_plan(session, hh.id, PlanInput(
            made_on=made_on, findings={p: pick[p] for p in plans.PARTS}, actions=actions, decision=pick["decision"],
            participants="หัวหน้าครัวเรือน สมาชิกครัวเรือน พัฒนากร และ อสม.",
        ))
        planned += 1
        visits.add_visit(session, VisitInput(
            visited_on=made_on, visited_at="10:00", village_id=village.id, place=f"บ้านเลขที่ {hh.house_no}",
            people_met="หัวหน้าครัวเรือนและสมาชิก", purposes=["plan"], findings="ร่วมกันจัดทำแผนพัฒนาครัวเรือนด้วยเครื่องมือ ๔ท",
            next_steps="ติดตามกิจกรรมตามแผน", households=[hh.id],
            next_visit_on=made_on + timedelta(days=rng.choice((30, 45, 60))),
            verified=[("household", hh.id)],
        ), Path("."))
        visits_made += 1
        visits_made += _follow_up_visits(session, rng, today, hh, village, made_on + timedelta(days=45))
        latest = plans.latest_plan(session, hh.id)
        for action in session.scalars(select(plans.PlanAction).where(plans.PlanAction.plan_id == latest.id)):
            if action.due_on and action.due_on < today and rng.random() < 0.75:
                plans.update_action(session, action.id, "done", action.due_on, "ดำเนินการแล้วตามแผน")
            elif rng.random() < 0.4:
                plans.update_action(session, action.id, "in_progress", min(today, made_on + timedelta(days=20)), "อยู่ระหว่างประสานงาน")
        if k % 4 == 0:
            revised_on = made_on + timedelta(days=rng.randint(30, 55))
            draft = plans.as_input(session, latest, revised_on)
            draft.findings["way_out"] += " (ปรับแผนหลังติดตามผล)"
            draft.actions.append(ActionInput("way_out", "จำหน่ายผลผลิตที่ตลาดนัดชุมชน", "ตลาดนัดชุมชนบ้านโนนสูง",
                                             revised_on + timedelta(days=45)))
            plans.save_plan(session, hh.id, draft)
            visits.add_visit(session, VisitInput(
                visited_on=revised_on, visited_at="14:00", village_id=village.id, place=f"บ้านเลขที่ {hh.house_no}",
                people_met="หัวหน้าครัวเรือน", purposes=["plan"], findings="ติดตามผลและปรับแผน ครัวเรือนเริ่มมีรายได้เสริม",
                households=[hh.id],
                next_visit_on=today if k % 8 == 0 else revised_on + timedelta(days=rng.randint(20, 90)),
                household_updates={hh.id: {"status": "in_progress"}},
            ), Path("."))
            visits_made += 1
        if k % 10 == 9:
            hh.status = "out_of_poverty"
    # the yearly survey (จปฐ./TPMAP check) of each village, some months ago: households seen on site
    for village in villages:
        local = [hh for hh, _head, v in households if v.id == village.id]
        seen = rng.sample(local, int(len(local) * 0.6))
        visits.add_visit(session, VisitInput(
            visited_on=today - timedelta(days=rng.randint(150, 420)), visited_at="09:00", village_id=village.id,
            place="ศาลาประชาคมหมู่บ้าน", people_met="ผู้ใหญ่บ้าน อาสาสมัครพัฒนาชุมชน และครัวเรือนในหมู่บ้าน",
            purposes=["collect"], findings="สำรวจและยืนยันข้อมูลครัวเรือนตามบัญชี TPMAP",
            households=[hh.id for hh in seen], verified=[("household", hh.id) for hh in seen],
        ), Path("."))
        visits_made += 1
    # follow and ask visits to groups, and meetings
    for loan in session.scalars(select(Loan).where(Loan.group_id.is_not(None), Loan.disbursed_on.is_not(None))):
        group = session.get(BorrowingGroup, loan.group_id)
        for _ in range(rng.randint(1, 2)):
            on = today - timedelta(days=rng.randint(3, 120))
            if on < loan.disbursed_on:
                continue
            visits.add_visit(session, VisitInput(
                visited_on=on, visited_at=rng.choice(("09:30", "13:30", "15:00")), village_id=group.village_id,
                place="ที่ทำการกลุ่ม", people_met="ประธานกลุ่มและสมาชิก",
                purposes=["follow:progress", "follow:encourage", "follow:explain"],
                findings=rng.choice(("กลุ่มผลิตสินค้าได้ตามแผน ยอดขายดีช่วงเทศกาล", "สมาชิกบางคนขาดประชุม ยอดขายลดลง",
                                     "กลุ่มต้องการพัฒนาบรรจุภัณฑ์ใหม่")),
                loans=[loan.id], groups=[group.id], verified=[("loan", loan.id)],
            ), Path("."))
            visits_made += 1
    some = session.scalars(select(Loan).where(Loan.disbursed_on.is_(None))).all()[:3]
    if some:
        visits.add_meeting(session, MeetingInput(
            "guarantee", today - timedelta(days=2), "ศาลาประชาคมหมู่บ้าน", held_at="13:00",
            attendees="สมาชิกผู้กู้และคณะกรรมการกองทุน", outcomes="สมาชิกลงนามค้ำประกันร่วมกันครบทุกคน",
            loans=[loan.id for loan in some],
        ))
    return {"households_with_plans": planned, "visits": visits_made}


def _follow_up_visits(session, rng, today, hh, village, first_due) -> int:
    """Keep most promises to come back: a follow-up visit on (or near) each promised day, so only a few
    promised visits are open, some of them today."""
    from fieldtool import visits
    from fieldtool.models import Visit
    from fieldtool.visits import VisitInput

    made = 0
    last = session.scalars(select(Visit).join(EvidenceLink, EvidenceLink.source_id == Visit.id).where(
        EvidenceLink.target_id == hh.id).order_by(Visit.visited_on.desc())).first()
    promised = last.next_visit_on if last and last.next_visit_on else first_due
    while promised < today and rng.random() < 0.9:
        on = promised + timedelta(days=rng.randint(0, 3))
        if on >= today:
            break
        nxt = on + timedelta(days=rng.choice((30, 45, 60)))
        if nxt > today and rng.random() < 0.15:
            nxt = today
        visits.add_visit(session, VisitInput(
            visited_on=on, visited_at=rng.choice(("09:00", "10:30", "14:00")), village_id=village.id,
            place=f"บ้านเลขที่ {hh.house_no}", people_met="หัวหน้าครัวเรือน", purposes=["plan"],
            findings=rng.choice(("ครัวเรือนดำเนินกิจกรรมตามแผน", "เริ่มมีรายได้เสริมจากกิจกรรม",
                                 "ยังรอการสนับสนุนจากหน่วยงาน")),
            next_steps="ติดตามกิจกรรมตามแผน", households=[hh.id], next_visit_on=nxt,
            verified=[("household", hh.id)],
        ), Path("."))
        made += 1
        promised = nxt
    return made


def _demo_loan(session, rng, today, fund, principal, agreement_no, purpose, group_id=None, household_id=None):
    behaviour = rng.choices([b for b, _ in BEHAVIOURS], weights=[w for _, w in BEHAVIOURS])[0]
    if rng.random() < 0.08:
        behaviour = "prevent"
    count = fund.default_instalments
    step = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}[fund.default_frequency]
    span_months = count * step
    if behaviour == "prevent":
        applied = today - timedelta(days=rng.randint(3, 40))
        disbursed = None
    elif behaviour == "closed":
        disbursed = today - relativedelta(months=span_months + rng.randint(2, 10))
        applied = disbursed - timedelta(days=rng.randint(20, 60))
    else:
        # somewhere inside the term, so some instalments are behind and some ahead
        disbursed = today - timedelta(days=rng.randint(20, max(40, span_months * 30 - 20)))
        applied = disbursed - timedelta(days=rng.randint(20, 60))
    first_due = (disbursed or applied + timedelta(days=30)) + relativedelta(months=step)
    first_due = first_due.replace(day=min(first_due.day, 28)) if rng.random() < 0.5 else first_due
    loan = loanbook.add_loan(
        session,
        fund_id=fund.id,
        group_id=group_id,
        household_id=household_id,
        purpose=purpose,
        principal_satang=principal,
        instalments=count,
        first_due=first_due,
        applied_on=applied,
        approved_on=applied + timedelta(days=rng.randint(5, 15)) if disbursed else None,
        agreement_no=agreement_no,
    )
    items = loanbook.PREVENT_CODES
    done_items = items if disbursed else items[: rng.randint(0, len(items) - 1)]
    for k, item in enumerate(done_items):
        done_on = applied + timedelta(days=min(k * 3, max(0, ((disbursed or today) - applied).days)))
        loanbook.set_check(session, loan.id, item, True, min(done_on, disbursed or today), PREVENT_NOTES[item])
    if disbursed is None:
        return loan
    loanbook.disburse(session, loan.id, disbursed)
    _demo_payments(session, rng, today, loan, behaviour, count, step)
    _demo_deliveries(session, rng, today, loan)
    return loan


def _demo_payments(session, rng, today, loan, behaviour, count, step):
    state = loanbook.load_states(session, today, [loan.id])[loan.id]
    insts = state.instalments
    stop_at = rng.randint(1, max(1, len(insts) // 2)) if behaviour in ("stopped", "restructure") else None
    for inst in insts:
        if stop_at is not None and inst.no > stop_at:
            break
        if behaviour == "early":
            paid_on = inst.due_date - timedelta(days=rng.randint(3, 25))
        elif behaviour == "late":
            paid_on = inst.due_date + timedelta(days=rng.randint(5, 70))
        else:
            paid_on = inst.due_date - timedelta(days=rng.randint(0, 3))
        paid_on = max(paid_on, loan.disbursed_on)
        if paid_on > today:
            break
        amount = inst.amount_satang if behaviour != "partial" else inst.amount_satang // 2
        loanbook.record_payment(session, loan.id, amount, paid_on)
    if behaviour == "restructure":
        state = loanbook.load_states(session, today, [loan.id])[loan.id]
        if state.days_overdue > 30:
            on = today - timedelta(days=rng.randint(30, 75))
            on = max(on, state.oldest_unpaid_due + timedelta(days=30))
            if on < today:
                first = on + relativedelta(months=1)
                loanbook.restructure(session, loan.id, on, max(6, count // 2), first, "monthly",
                                     "ประชุมตกลงปรับโครงสร้างหนี้ นำหนี้กลับเข้าระบบ")
                for due in due_dates(first, max(6, count // 2), "monthly"):
                    if due > today:
                        break
                    new_state = loanbook.load_states(session, today, [loan.id])[loan.id]
                    inst = next((i for i in new_state.instalments if i.due_date == due), None)
                    if inst is not None and inst.remaining_satang:
                        loanbook.record_payment(session, loan.id, inst.remaining_satang, due - timedelta(days=1))


def _demo_deliveries(session, rng, today, loan):
    """Notices the officer delivered in the past (some were missed), as a real book would show, and the
    visits and meetings already held for loans that fell behind."""
    state = loanbook.load_states(session, today, [loan.id])[loan.id]
    officer = "นางสาวพัชรินทร์ ศรีสุข"
    for inst in state.overdue_instalments():
        for days, step in DEFAULT_LADDER:
            held = inst.due_date + timedelta(days=days + rng.randint(0, 6))
            if held >= today or rng.random() < 0.35:
                continue
            session.add(
                ReminderDelivery(
                    reminder_id=f"ask-{days}:{inst.id}",
                    loan_id=loan.id,
                    instalment_id=inst.id,
                    kind=f"ask-{days}",
                    how="meeting" if step == "meeting" else "visit",
                    delivered_on=held,
                    by_whom=officer,
                    note=ASK_NOTES[step],
                )
            )
    for inst in state.instalments:
        for kind, opened, closes in notice_windows(inst, loan.disbursed_on):
            if opened > today - timedelta(days=2) or rng.random() < 0.3:
                continue
            if inst.settled_on is not None and inst.settled_on < opened:
                continue
            last = min(closes - timedelta(days=1), today - timedelta(days=1))
            on = opened + timedelta(days=rng.randint(0, max(0, (last - opened).days)))
            session.add(
                ReminderDelivery(
                    reminder_id=f"{kind}:{inst.id}",
                    loan_id=loan.id,
                    instalment_id=inst.id,
                    kind=kind,
                    how=rng.choice(("phone", "phone", "visit", "line", "meeting")),
                    delivered_on=on,
                    by_whom="นางสาวพัชรินทร์ ศรีสุข",
                )
            )
