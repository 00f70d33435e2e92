"""The demo's people and places: ten villages' households (a head and one to three members each) and the
women's groups with the subdistrict's driving team – the names and trades of a subdistrict in Isan."""

from __future__ import annotations

import random
from typing import NamedTuple

from fieldtool import registry
from fieldtool.demo.book import Book, Row
from fieldtool.models import BorrowingGroup, GroupMember, Household, HouseholdMember, Person, Village
from fieldtool.text import Text
from fieldtool.thai import InputError, national_id_check_digit
from fieldtool.vocabulary import FundKind

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


class DemoHousehold(NamedTuple):
    row: Row  # the household's row
    head: Row  # its head's person row
    village: Village


class DemoGroup(NamedTuple):
    row: Row
    purpose: str  # what its loan is for


class People:
    """The demo's people as they are registered: `registry.person_row`, with the national ID checked free
    in the demo itself (`registry.check_national_id_free` asks the database, which is empty of them)."""

    def __init__(self, book: Book):
        self.book = book
        self.national_ids: set[str | None] = set()

    def add(self, first_name: str, last_name: str, title: str, village_id: str, house_no: str, phone: str = "",
            national_id: str | None = None) -> Row:
        row = registry.person_row(first_name, last_name, title, national_id, phone, village_id, house_no)
        nid = row["national_id"]
        if nid and nid in self.national_ids:
            raise InputError(Text(f"เลขประจำตัวประชาชน {nid} มีในทะเบียนแล้ว", f"national ID {nid} is already registered"))
        self.national_ids.add(nid)
        return self.book.add_row(Person, row)


def random_national_id(rng: random.Random) -> str:
    first12 = str(rng.randint(1, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(11))
    return first12 + str(national_id_check_digit(first12))


def random_phone(rng: random.Random) -> str:
    return "0" + rng.choice("689") + "".join(str(rng.randint(0, 9)) for _ in range(8))


def add_households(book: Book, rng: random.Random, villages: list[Village],
                   ) -> tuple[list[DemoHousehold], list[tuple[Row, Village]]]:
    """300 households around the villages, a head and one to three members each; with every woman among them
    (heads and members), from whom the groups are made."""
    people = People(book)
    households: list[DemoHousehold] = []
    women: list[tuple[Row, Village]] = []
    house_no = {v.id: 1 for v in villages}
    for n in range(300):
        village = villages[n % len(villages)]
        family = rng.choice(FAMILY)
        hno = f"{house_no[village.id]}"
        house_no[village.id] += rng.randint(1, 4)
        female_head = rng.random() < 0.45
        head = people.add(
            first_name=rng.choice(WOMEN if female_head else MEN),
            last_name=family,
            title=("นาง" if female_head else "นาย"),
            national_id=random_national_id(rng) if rng.random() < 0.8 else None,
            phone=random_phone(rng) if rng.random() < 0.85 else "",
            village_id=village.id,
            house_no=hno,
        )
        hh = book.add_row(Household, registry.household_row(village.id, head["id"], house_no=hno))
        book.add_row(HouseholdMember, registry.member_row(hh["id"], head["id"], registry.HEAD_RELATION))
        households.append(DemoHousehold(hh, head, village))
        if female_head:
            women.append((head, village))
        for _ in range(rng.randint(1, 3)):
            female = rng.random() < 0.6
            member = people.add(
                first_name=rng.choice(WOMEN if female else MEN),
                last_name=family,
                title=rng.choice(("นาง", "นางสาว")) if female else "นาย",
                phone=random_phone(rng) if rng.random() < 0.6 else "",
                village_id=village.id,
                house_no=hno,
            )
            book.add_row(HouseholdMember, registry.member_row(hh["id"], member["id"], "สมาชิก"))
            if female:
                women.append((member, village))
    return households, women


def add_groups(book: Book, rng: random.Random, villages: list[Village], women: list[tuple[Row, Village]],
               ) -> list[DemoGroup]:
    """Twenty women's groups of the village's women, and the subdistrict's women's fund driving team: nine
    people, one responsible for each group (as registry.add_group writes them)."""
    team = [p for p, _ in rng.sample(women, 9)]
    groups: list[DemoGroup] = []
    for g in range(20):
        village = villages[g % len(villages)]
        kind, purpose = GROUP_KINDS[g % len(GROUP_KINDS)]
        local = [p for p, v in women if v.id == village.id] or [p for p, _ in women]
        members = rng.sample(local, min(len(local), rng.randint(7, 12)))
        group = book.add(BorrowingGroup, name=f"{kind}{village.name}", kind=FundKind.WOMEN, village_id=village.id,
                         chair_id=members[0]["id"], committee_member_id=team[g % 9]["id"])
        book.add(GroupMember, group_id=group["id"], person_id=members[0]["id"], role="chair")
        for m in members[1:]:
            book.add(GroupMember, group_id=group["id"], person_id=m["id"], role="member")
        groups.append(DemoGroup(group, purpose))
    return groups
