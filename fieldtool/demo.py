"""A believable demo subdistrict: villages, households, women's groups, three funds, loans in every stage.

Made by the same row builders and rules as real work and written in bulk with its change log (`_Book`:
`changelog.bulk_insert`, the import's way), with dates around the given day, so every screen has something
to show: notices due today, loans overdue in every aging bucket, loans paid early, paid late, restructured,
closed, and applications still in the prevent stage.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldtool import letters, loanbook, registry
from fieldtool.changelog import bulk_insert
from fieldtool.households import check_needs
from fieldtool.ledger import (
    InstalmentState,
    LoanState,
    PaymentEvent,
    ScheduleState,
    apply_payments,
    schedule_in_force,
)
from fieldtool.limits import NOTE, check_day_or_none, check_text
from fieldtool.loanbook import PREVENT_CODES
from fieldtool.models import (
    ActionNote,
    BorrowingGroup,
    EvidenceLink,
    GroupMember,
    Household,
    HouseholdMember,
    HouseholdNeed,
    HouseholdPlan,
    Instalment,
    Loan,
    Meeting,
    Payment,
    Person,
    PlanAction,
    PlanPart,
    PreventCheck,
    ReminderDelivery,
    Schedule,
    Verification,
    Visit,
    WorkItem,
    new_id,
)
from fieldtool.plans import OPEN_STATUSES, PARTS, ActionInput, PlanInput
from fieldtool.progress import Progress, reporter
from fieldtool.reminders import DEFAULT_LADDER, notice_windows
from fieldtool.schedule import due_dates
from fieldtool.thai import InputError, format_date, national_id_check_digit, today_in_thailand
from fieldtool.visits import check_clock

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


class _Book:
    """What the demo writes, kept as rows and written table by table in one executemany each.

    One record at a time through the services, each with its flush and change-log hook, the demo took 10–15
    seconds; this way it takes one or two. The rows come from the services' own row builders where there are
    some (people, households, loans, payments) and are those the services write otherwise, so the book is the
    same. `changelog.bulk_insert` logs each new row as the hook would; what the services change afterwards
    (a prevent item ticked, a loan paid out, a household's status) is set on the written rows through the ORM,
    so the hook logs each change as its own entry, exactly as before, only later in the log.
    """

    ORDER = (Person, Household, HouseholdMember, BorrowingGroup, GroupMember, Loan, Schedule, Instalment,
             PreventCheck, Payment, ReminderDelivery, HouseholdNeed, HouseholdPlan, PlanPart, PlanAction, ActionNote,
             Visit, Meeting, EvidenceLink, WorkItem, Verification)

    def __init__(self, session: Session):
        self.session = session
        self.officer = loanbook.officer_of(session)
        self.device_id = loanbook.device_of(session)
        self.rows: dict[type, list[dict]] = {model: [] for model in self.ORDER}
        self.changes: list[tuple[type, str, dict]] = []
        self.counts: dict[type, int] = dict.fromkeys(self.ORDER, 0)

    def add(self, model, **values) -> dict:
        """A new row of `model` (its id made here unless given); returned, to be pointed at."""
        row = {"id": values.pop("id", None) or new_id(), **values}
        self.rows[model].append(row)
        self.counts[model] += 1
        return row

    def add_row(self, model, row: dict) -> dict:
        self.rows[model].append(row)
        self.counts[model] += 1
        return row

    def change(self, model, record_id: str, **values) -> None:
        """What a service sets on a record after it was made, in the order it happened."""
        self.changes.append((model, record_id, values))

    def write(self) -> None:
        """Everything so far into the session: new rows table by table, then the changes in rounds, a record's
        n-th change in the n-th round (one flush each), so the hook logs every change as the services did."""
        for model in self.ORDER:
            rows, self.rows[model] = self.rows[model], []
            bulk_insert(self.session, model, rows)
        changes, self.changes = self.changes, []
        rounds: list[list[tuple[type, str, dict]]] = []
        seen: dict[tuple[type, str], int] = {}
        for model, record_id, values in changes:
            n = seen.get((model, record_id), 0)
            seen[(model, record_id)] = n + 1
            if n == len(rounds):
                rounds.append([])
            rounds[n].append((model, record_id, values))
        for batch in rounds:
            wanted: dict[type, set[str]] = {}
            for model, record_id, _values in batch:
                wanted.setdefault(model, set()).add(record_id)
            loaded = {
                (model, obj.id): obj
                for model, ids in wanted.items()
                for chunk in _chunks(sorted(ids))
                for obj in self.session.scalars(select(model).where(model.id.in_(chunk)))
            }
            for model, record_id, values in batch:
                obj = loaded[(model, record_id)]
                for name, value in values.items():
                    setattr(obj, name, value)
            self.session.flush()


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _LoanLife:
    """A demo loan as the ledger sees it, kept beside its rows: its schedules and payments, so its state on
    any day comes from `ledger.apply_payments` (what `loanbook.load_states` does with the rows it reads)."""

    def __init__(self, rows: loanbook.LoanRows):
        self.loan = {"disbursed_on": None, **rows.loan}  # as it stands now (the row written keeps its first values)
        self.id = self.loan["id"]
        self.schedules = [(rows.schedule, rows.instalments)]
        self.payments: list[PaymentEvent] = []
        self.checks = {row["item"]: row for row in rows.checks}
        self.open_items = list(PREVENT_CODES)

    @property
    def disbursed_on(self) -> date | None:
        return self.loan["disbursed_on"]

    def state(self, as_of: date) -> LoanState:
        schedules = [
            ScheduleState(s["id"], s["version"], s["effective_from"], s["reason"],
                          [InstalmentState(i["id"], i["no"], i["due_date"], i["principal_satang"], i["interest_satang"])
                           for i in insts])
            for s, insts in self.schedules
        ]
        return apply_payments(self.id, self.disbursed_on, schedules, self.payments, as_of)


def build_demo(session: Session, seed: int = 1, today: date | None = None, progress: Progress | None = None) -> dict:
    """Fill an empty database with the demo subdistrict; returns counts of what was made.

    `progress`, when given, is told each stage as it is done, with its count (it takes a second or two).
    """
    today = today or today_in_thailand()
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
    book = _Book(session)
    national_ids: set[str] = set()

    def add_person(**values) -> dict:
        row = registry.person_row(**values)
        if row["national_id"] and row["national_id"] in national_ids:  # registry.check_national_id_free
            raise InputError(f"เลขประจำตัวประชาชน {row['national_id']} มีในทะเบียนแล้ว "
                             f"(national ID {row['national_id']} is already registered)")
        national_ids.add(row["national_id"])
        return book.add_row(Person, row)

    # Households: a head and one to three members each.
    households, women = [], []
    house_no = {v.id: 1 for v in villages}
    for n in range(300):
        village = villages[n % len(villages)]
        family = rng.choice(FAMILY)
        hno = f"{house_no[village.id]}"
        house_no[village.id] += rng.randint(1, 4)
        female_head = rng.random() < 0.45
        head = add_person(
            first_name=rng.choice(WOMEN if female_head else MEN),
            last_name=family,
            title=("นาง" if female_head else "นาย"),
            national_id=_national_id(rng) if rng.random() < 0.8 else None,
            phone=_phone(rng) if rng.random() < 0.85 else "",
            village_id=village.id,
            house_no=hno,
        )
        hh = book.add_row(Household, registry.household_row(village.id, head["id"], house_no=hno))
        book.add_row(HouseholdMember, registry.member_row(hh["id"], head["id"], registry.HEAD_RELATION))
        households.append((hh, head, village))
        if female_head:
            women.append((head, village))
        for _ in range(rng.randint(1, 3)):
            female = rng.random() < 0.6
            member = add_person(
                first_name=rng.choice(WOMEN if female else MEN),
                last_name=family,
                title=rng.choice(("นาง", "นางสาว")) if female else "นาย",
                phone=_phone(rng) if rng.random() < 0.6 else "",
                village_id=village.id,
                house_no=hno,
            )
            book.add_row(HouseholdMember, registry.member_row(hh["id"], member["id"], "สมาชิก"))
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
        group = book.add(BorrowingGroup, name=f"{kind}{village.name}", kind="women", village_id=village.id,
                         chair_id=members[0]["id"], committee_member_id=team[g % 9]["id"])  # as registry.add_group
        book.add(GroupMember, group_id=group["id"], person_id=members[0]["id"], role="chair")
        for m in members[1:]:
            book.add(GroupMember, group_id=group["id"], person_id=m["id"], role="member")
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

    loans = []
    for group, purpose in groups:
        principal = rng.choice((50_000, 80_000, 100_000, 120_000, 150_000, 200_000)) * 100
        loans.append(_demo_loan(book, rng, today, women_fund, principal, next_no(), purpose, group_id=group["id"]))
        counts["loans"] += 1
    for hh, _head, _village in rng.sample(households, 150):
        fund = kkkj if rng.random() < 0.55 else village_fund
        principal = rng.choice((5_000, 8_000, 10_000, 15_000, 20_000, 30_000)) * 100
        loans.append(_demo_loan(book, rng, today, fund, principal, next_no(), rng.choice(HOUSEHOLD_PURPOSES),
                                household_id=hh["id"]))
        counts["loans"] += 1
    book.write()
    say(f"สัญญาเงินกู้ {counts['loans']} สัญญา", f"loans: {counts['loans']}")
    paid = book.counts[Payment]
    say(f"รายการชำระ {paid} รายการ", f"payments: {paid}")
    counts |= _demo_plans_and_visits(book, rng, today, households, villages, groups, loans)
    book.write()
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


def _demo_plans_and_visits(book, rng, today, households, villages, groups, loans) -> dict:
    """Households with needs, plans at different stages, and a history of visits and meetings."""
    status = {hh["id"]: hh.get("status", "target") for hh, _head, _village in households}
    visits_of: dict[str, list[dict]] = {}  # household id -> its visits
    plan_book = _Plans(book, status)

    def visit(households=(), household_updates=None, **values) -> dict:
        row = _add_visit(book, households=households, household_updates=household_updates or {}, status=status, **values)
        for hid in dict.fromkeys([*households, *(household_updates or {})]):
            visits_of.setdefault(hid, []).append(row)
        return row

    targets = rng.sample(households, 80)
    planned = 0
    visits_made = 0
    for k, (hh, _head, village) in enumerate(targets):
        book.change(Household, hh["id"], source="tpmap" if rng.random() < 0.75 else "field")
        dims = rng.sample(list(NEEDS), rng.randint(1, 3))
        needs = {d: rng.choice(NEEDS[d]) for d in dims}
        check_needs(needs)  # as households.set_needs, on a household with none yet
        for dimension, description in needs.items():
            book.add(HouseholdNeed, household_id=hh["id"], dimension=dimension, description=description)
        if k >= 50:
            continue  # registered, not yet planned
        pick = PLAN_SETS[k % len(PLAN_SETS)]
        made_on = today - timedelta(days=rng.randint(60, 200))
        actions = [
            ActionInput(part, what, helper, made_on + timedelta(days=rng.randint(20, 150)), budget_satang=budget)
            for part, what, helper, budget in pick["actions"]
        ]
        plan_book.save(hh["id"], PlanInput(
            made_on=made_on, findings={p: pick[p] for p in PARTS}, actions=actions, decision=pick["decision"],
            participants="หัวหน้าครัวเรือน สมาชิกครัวเรือน พัฒนากร และ อสม.",
        ))
        planned += 1
        visit(
            visited_on=made_on, visited_at="10:00", village_id=village.id, place=f"บ้านเลขที่ {hh['house_no']}",
            people_met="หัวหน้าครัวเรือนและสมาชิก", purposes=["plan"], findings="ร่วมกันจัดทำแผนพัฒนาครัวเรือนด้วยเครื่องมือ ๔ท",
            next_steps="ติดตามกิจกรรมตามแผน", households=[hh["id"]],
            next_visit_on=made_on + timedelta(days=rng.choice((30, 45, 60))),
            verified=[("household", hh["id"])],
        )
        visits_made += 1
        visits_made += _follow_up_visits(visit, visits_of, rng, today, hh, village, made_on + timedelta(days=45))
        latest = plan_book.latest(hh["id"])
        for action in plan_book.actions(latest):
            if action["due_on"] and action["due_on"] < today and rng.random() < 0.75:
                plan_book.update_action(action, "done", action["due_on"], "ดำเนินการแล้วตามแผน")
            elif rng.random() < 0.4:
                plan_book.update_action(action, "in_progress", min(today, made_on + timedelta(days=20)), "อยู่ระหว่างประสานงาน")
        if k % 4 == 0:
            revised_on = made_on + timedelta(days=rng.randint(30, 55))
            draft = plan_book.as_input(latest, revised_on)
            draft.findings["way_out"] += " (ปรับแผนหลังติดตามผล)"
            draft.actions.append(ActionInput("way_out", "จำหน่ายผลผลิตที่ตลาดนัดชุมชน", "ตลาดนัดชุมชนบ้านโนนสูง",
                                             revised_on + timedelta(days=45)))
            plan_book.save(hh["id"], draft)
            visit(
                visited_on=revised_on, visited_at="14:00", village_id=village.id, place=f"บ้านเลขที่ {hh['house_no']}",
                people_met="หัวหน้าครัวเรือน", purposes=["plan"], findings="ติดตามผลและปรับแผน ครัวเรือนเริ่มมีรายได้เสริม",
                households=[hh["id"]],
                next_visit_on=today if k % 8 == 0 else revised_on + timedelta(days=rng.randint(20, 90)),
                household_updates={hh["id"]: {"status": "in_progress"}},
            )
            visits_made += 1
        if k % 10 == 9:
            _set_status(book, status, hh["id"], "out_of_poverty")
    # the yearly survey (จปฐ./TPMAP check) of each village, some months ago: households seen on site
    for village in villages:
        local = [hh for hh, _head, v in households if v.id == village.id]
        seen = rng.sample(local, int(len(local) * 0.6))
        visit(
            visited_on=today - timedelta(days=rng.randint(150, 420)), visited_at="09:00", village_id=village.id,
            place="ศาลาประชาคมหมู่บ้าน", people_met="ผู้ใหญ่บ้าน อาสาสมัครพัฒนาชุมชน และครัวเรือนในหมู่บ้าน",
            purposes=["collect"], findings="สำรวจและยืนยันข้อมูลครัวเรือนตามบัญชี TPMAP",
            households=[hh["id"] for hh in seen], verified=[("household", hh["id"]) for hh in seen],
        )
        visits_made += 1
    # follow and ask visits to groups, and meetings
    group_rows = {group["id"]: group for group, _purpose in groups}
    for life in loans:
        if life.loan["group_id"] is None or life.disbursed_on is None:
            continue
        group = group_rows[life.loan["group_id"]]
        for _ in range(rng.randint(1, 2)):
            on = today - timedelta(days=rng.randint(3, 120))
            if on < life.disbursed_on:
                continue
            visit(
                visited_on=on, visited_at=rng.choice(("09:30", "13:30", "15:00")), village_id=group["village_id"],
                place="ที่ทำการกลุ่ม", people_met="ประธานกลุ่มและสมาชิก",
                purposes=["follow:progress", "follow:encourage", "follow:explain"],
                findings=rng.choice(("กลุ่มผลิตสินค้าได้ตามแผน ยอดขายดีช่วงเทศกาล", "สมาชิกบางคนขาดประชุม ยอดขายลดลง",
                                     "กลุ่มต้องการพัฒนาบรรจุภัณฑ์ใหม่")),
                loans=[life.id], groups=[group["id"]], verified=[("loan", life.id)],
            )
            visits_made += 1
    some = [life for life in loans if life.disbursed_on is None][:3]
    if some:
        _guarantee_meeting(
            book, today - timedelta(days=2), "ศาลาประชาคมหมู่บ้าน", held_at="13:00",
            attendees="สมาชิกผู้กู้และคณะกรรมการกองทุน", outcomes="สมาชิกลงนามค้ำประกันร่วมกันครบทุกคน", loans=some,
        )
    return {"households_with_plans": planned, "visits": visits_made}


def _follow_up_visits(visit, visits_of, rng, today, hh, village, first_due) -> int:
    """Keep most promises to come back: a follow-up visit on (or near) each promised day, so only a few
    promised visits are open, some of them today."""
    made = 0
    last = max(visits_of.get(hh["id"], []), key=lambda v: v["visited_on"], default=None)
    promised = last["next_visit_on"] if last and last["next_visit_on"] else first_due
    while promised < today and rng.random() < 0.9:
        on = promised + timedelta(days=rng.randint(0, 3))
        if on >= today:
            break
        nxt = on + timedelta(days=rng.choice((30, 45, 60)))
        if nxt > today and rng.random() < 0.15:
            nxt = today
        visit(
            visited_on=on, visited_at=rng.choice(("09:00", "10:30", "14:00")), village_id=village.id,
            place=f"บ้านเลขที่ {hh['house_no']}", people_met="หัวหน้าครัวเรือน", purposes=["plan"],
            findings=rng.choice(("ครัวเรือนดำเนินกิจกรรมตามแผน", "เริ่มมีรายได้เสริมจากกิจกรรม",
                                 "ยังรอการสนับสนุนจากหน่วยงาน")),
            next_steps="ติดตามกิจกรรมตามแผน", households=[hh["id"]], next_visit_on=nxt,
            verified=[("household", hh["id"])],
        )
        made += 1
        promised = nxt
    return made


def _set_status(book, status: dict, household_id: str, value: str) -> None:
    if status[household_id] != value:  # households.set_status: a change only when it changes
        status[household_id] = value
        book.change(Household, household_id, status=value)


def _add_visit(book, *, visited_on, visited_at, village_id, place="", people_met="", purposes=(), findings="",
               next_steps="", next_visit_on=None, loans=(), groups=(), households=(), household_updates, verified=(),
               status) -> dict:
    """The rows `visits.add_visit` writes for a demo visit (no photos, no money collected, no position)."""
    row = book.add(
        Visit, visited_on=visited_on, visited_at=check_clock(visited_at), village_id=village_id, place=place,
        people_met=people_met, purposes=json.dumps(list(purposes)), findings=findings, next_steps=next_steps,
        next_visit_on=next_visit_on, latitude=None, longitude=None, officer=book.officer, device_id=book.device_id,
    )
    for kind, ids in (("loan", list(loans)), ("group", list(groups)),
                      ("household", list(dict.fromkeys([*households, *household_updates])))):
        for target in ids:
            book.add(EvidenceLink, source_kind="visit", source_id=row["id"], target_kind=kind, target_id=target)
    for loan_id in loans:  # visits._tick: a follow item done is a work item with the visit as its evidence
        for code in purposes:
            stage, _, item = code.partition(":")
            if stage in ("follow", "ask"):
                book.add(WorkItem, loan_id=loan_id, stage=stage, item=item, done_on=visited_on,
                         evidence_kind="visit", evidence_id=row["id"])
            # (no ask or notify purposes in the demo's visits: no reminder is answered by them)
    for hid, changes in household_updates.items():
        if "status" in changes:
            _set_status(book, status, hid, changes["status"])
        book.add(Verification, table_name="household", record_id=hid, fields=json.dumps(sorted(changes)),
                 verified_on=visited_on, officer=book.officer, visit_id=row["id"])
    for table, record_id in verified:
        book.add(Verification, table_name=table, record_id=record_id, fields='["*"]', verified_on=visited_on,
                 officer=book.officer, visit_id=row["id"])
    return row


def _guarantee_meeting(book, held_on, place, *, held_at, attendees, outcomes, loans) -> None:
    """What `visits.add_meeting` writes for a guarantee meeting: the meeting, its links, and the prevent item
    "guarantee" ticked on each loan with the meeting as its evidence."""
    meeting = book.add(Meeting, kind="guarantee", held_on=held_on, held_at=check_clock(held_at), village_id=None,
                       place=place, attendees=attendees, outcomes=outcomes, officer=book.officer)
    for life in loans:
        book.add(EvidenceLink, source_kind="meeting", source_id=meeting["id"], target_kind="loan", target_id=life.id)
    for life in loans:
        _tick(book, life, "guarantee", held_on, f"บันทึกจากการประชุม {format_date(held_on)}")  # Thai text: a BE date
        book.change(PreventCheck, life.checks["guarantee"]["id"], evidence_kind="meeting", evidence_id=meeting["id"])


class _Plans:
    """Household plans as `fieldtool.plans` saves them (save_plan, update_action, as_input), kept as rows."""

    def __init__(self, book, status: dict):
        self.book, self.status = book, status
        self.of: dict[str, list[dict]] = {}  # household id -> its plans, oldest first
        self.parts: dict[str, dict[str, str]] = {}  # plan id -> part -> findings
        self.plan_actions: dict[str, list[dict]] = {}  # plan id -> its actions as they stand

    def save(self, household_id: str, data: PlanInput) -> dict:
        latest = self.latest(household_id)
        plan = self.book.add(
            HouseholdPlan, household_id=household_id, revision=(latest["revision"] + 1) if latest else 1,
            made_on=data.made_on, participants=data.participants, decision=data.decision, made_by=self.book.officer,
            created_at=loanbook.now_utc(),
        )
        self.of.setdefault(household_id, []).append(plan)
        self.parts[plan["id"]] = {}
        for part in PARTS:
            self.book.add(PlanPart, plan_id=plan["id"], part=part, findings=data.findings.get(part, ""))
            self.parts[plan["id"]][part] = data.findings.get(part, "")
        self.plan_actions[plan["id"]] = []
        for a in data.actions:
            row = self.book.add(
                PlanAction, plan_id=plan["id"], part=a.part, what=a.what.strip(), helper=a.helper, due_on=a.due_on,
                resources=a.resources, budget_satang=a.budget_satang, status=a.status, carried_from_id=a.carried_from_id,
            )
            self.plan_actions[plan["id"]].append(dict(row))
        if self.status[household_id] == "target":
            _set_status(self.book, self.status, household_id, "in_progress")
        return plan

    def latest(self, household_id: str) -> dict | None:
        plans = self.of.get(household_id)
        return plans[-1] if plans else None

    def actions(self, plan: dict) -> list[dict]:
        return self.plan_actions[plan["id"]]

    def update_action(self, action: dict, status: str, on: date, note: str) -> None:
        action["status"] = status
        self.book.change(PlanAction, action["id"], status=status)
        self.book.add(ActionNote, action_id=action["id"], noted_on=on, status=status, note=note, officer=self.book.officer)

    def as_input(self, plan: dict, made_on: date) -> PlanInput:
        actions = [
            ActionInput(a["part"], a["what"], a["helper"], a["due_on"], a["resources"], a["budget_satang"], a["status"],
                        carried_from_id=a["id"])
            for a in self.plan_actions[plan["id"]]
            if a["status"] in OPEN_STATUSES
        ]
        return PlanInput(made_on=made_on, findings=dict(self.parts[plan["id"]]), actions=actions,
                         decision=plan["decision"], participants=plan["participants"])


def _tick(book, life: _LoanLife, item: str, on: date, note: str) -> None:
    """A prevent item done (loanbook.set_check), checked as the service checks it."""
    check_day_or_none(on, loanbook.DAYS["on"])
    check_text(note, loanbook.NOTE_TEXT, NOTE)
    book.change(PreventCheck, life.checks[item]["id"], done=True, done_on=on, note=note)
    if item in life.open_items:
        life.open_items.remove(item)


def _demo_loan(book, rng, today, fund, principal, agreement_no, purpose, group_id=None, household_id=None):
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
    rows = loanbook.new_loan_rows(  # loanbook.add_loan: its rows, the fund and the borrower being the demo's own
        fund,
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
    book.add_row(Loan, rows.loan)
    book.add_row(Schedule, rows.schedule)
    for row in rows.instalments:
        book.add_row(Instalment, row)
    for row in rows.checks:
        book.add_row(PreventCheck, row)
    life = _LoanLife(rows)
    items = PREVENT_CODES
    done_items = items if disbursed else items[: rng.randint(0, len(items) - 1)]
    for k, item in enumerate(done_items):
        done_on = applied + timedelta(days=min(k * 3, max(0, ((disbursed or today) - applied).days)))
        _tick(book, life, item, min(done_on, disbursed or today), PREVENT_NOTES[item])
    if disbursed is None:
        return life
    loan = life.loan
    paid_out = loanbook.disbursement(loan["applied_on"], loan["first_due"], loan["approved_on"], loan["disbursed_on"],
                                     disbursed, life.open_items)  # loanbook.disburse
    loan.update(paid_out)
    book.change(Loan, life.id, **paid_out)
    _demo_payments(book, rng, today, life, behaviour, count, step)
    _demo_deliveries(book, rng, today, life)
    return life


def _record_payment(book, life: _LoanLife, amount: int, paid_on: date) -> None:
    """loanbook.record_payment: the payment's row, refused beyond what is owed on the schedule of its day."""
    row = loanbook.payment_row(life.id, life.disbursed_on, amount, paid_on, recorded_by=book.officer,
                               device_id=book.device_id)
    target = schedule_in_force(life.state(date.max).schedules, paid_on)  # loanbook.owed_on
    owed = sum(i.remaining_satang for i in target.instalments) if target else 0
    if amount > owed:
        raise InputError(f"ยอดชำระเกินยอดที่ยังค้าง (the payment of {amount} satang is more than the {owed} owed)")
    book.add_row(Payment, row)
    life.payments.append(PaymentEvent(row["id"], paid_on, amount, None, (str(row["recorded_at"]), row["id"])))


def _demo_payments(book, rng, today, life, behaviour, count, step):
    state = life.state(today)
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
        paid_on = max(paid_on, life.disbursed_on)
        if paid_on > today:
            break
        amount = inst.amount_satang if behaviour != "partial" else inst.amount_satang // 2
        _record_payment(book, life, amount, paid_on)
    if behaviour == "restructure":
        state = life.state(today)
        if state.days_overdue > 30:
            on = today - timedelta(days=rng.randint(30, 75))
            on = max(on, state.oldest_unpaid_due + timedelta(days=30))
            if on < today:
                first = on + relativedelta(months=1)
                # the service itself, on the rows written so far: a new schedule for what is owed on `on`
                book.write()
                sched = loanbook.restructure(book.session, life.id, on, max(6, count // 2), first, "monthly",
                                             "ประชุมตกลงปรับโครงสร้างหนี้ นำหนี้กลับเข้าระบบ")
                insts = book.session.scalars(select(Instalment).where(Instalment.schedule_id == sched.id)
                                             .order_by(Instalment.no)).all()
                life.schedules.append((
                    {"id": sched.id, "version": sched.version, "effective_from": sched.effective_from,
                     "reason": sched.reason},
                    [{"id": i.id, "no": i.no, "due_date": i.due_date, "principal_satang": i.principal_satang,
                      "interest_satang": i.interest_satang} for i in insts],
                ))
                for due in due_dates(first, max(6, count // 2), "monthly"):
                    if due > today:
                        break
                    new_state = life.state(today)
                    inst = next((i for i in new_state.instalments if i.due_date == due), None)
                    if inst is not None and inst.remaining_satang:
                        _record_payment(book, life, inst.remaining_satang, due - timedelta(days=1))


def _demo_deliveries(book, rng, today, life):
    """Notices the officer delivered in the past (some were missed), as a real book would show, and the
    visits and meetings already held for loans that fell behind."""
    state = life.state(today)
    officer = "นางสาวพัชรินทร์ ศรีสุข"
    for inst in state.overdue_instalments():
        for days, step in DEFAULT_LADDER:
            held = inst.due_date + timedelta(days=days + rng.randint(0, 6))
            if held >= today or rng.random() < 0.35:
                continue
            book.add(
                ReminderDelivery,
                reminder_id=f"ask-{days}:{inst.id}",
                loan_id=life.id,
                instalment_id=inst.id,
                kind=f"ask-{days}",
                how="meeting" if step == "meeting" else "visit",
                delivered_on=held,
                by_whom=officer,
                note=ASK_NOTES[step],
            )
    for inst in state.instalments:
        for kind, opened, closes in notice_windows(inst, life.disbursed_on):
            if opened > today - timedelta(days=2) or rng.random() < 0.3:
                continue
            if inst.settled_on is not None and inst.settled_on < opened:
                continue
            last = min(closes - timedelta(days=1), today - timedelta(days=1))
            on = opened + timedelta(days=rng.randint(0, max(0, (last - opened).days)))
            book.add(
                ReminderDelivery,
                reminder_id=f"{kind}:{inst.id}",
                loan_id=life.id,
                instalment_id=inst.id,
                kind=kind,
                how=rng.choice(("phone", "phone", "visit", "line", "meeting")),
                delivered_on=on,
                by_whom="นางสาวพัชรินทร์ ศรีสุข",
            )
