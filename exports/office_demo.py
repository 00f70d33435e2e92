"""A demo district office: three subdistrict laptops, their bundles merged, and a USB stick still to import.

`fieldtool office demo --folder DIR` (and `make office`) builds it so the office window can be tried on
something that looks like a Monday morning at the district office:

* the office database (อ.พิบูลมังสาหาร, 3419) with its keys, and three laptops enrolled: ต.โนนกลาง,
  ต.พิบูล and ต.ทรายมูล, each a full demo subdistrict (fieldtool.demo) with its own officer;
* every laptop's first bundle imported; ต.โนนกลาง's second bundle too, which brings a conflict: the
  office corrected a borrower's phone number while the officer typed another one in the field, and
  both restructured one overdue loan (12 instalments at the office, 6 in the field);
* in `DIR/usb/` the bundles the officers brought today: ต.ทรายมูล's second bundle, ต.พิบูล's third (its
  second was left on another stick: the office is told it is missing), and a copy of one already imported.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from db import Database, open_database
from db.office import OfficeDatabase, default_key_path, open_office
from exports import bundle, keyfile, sync_keys
from fieldtool import lending, loanbook, registry, repayments
from fieldtool.demo import build_demo
from fieldtool.models import BorrowingGroup, Household, Loan, Person, Subdistrict, Village
from fieldtool.progress import Progress, reporter
from fieldtool.text import Text
from fieldtool.thai import InputError, today_in_thailand
from fieldtool.vocabulary import KeyRole

DISTRICT = "3419"
OFFICE_NAME = "สำนักงานพัฒนาชุมชนอำเภอพิบูลมังสาหาร"
CLERK = "นางวิไลวรรณ แสงทอง"
# Each subdistrict its own villages (the field demo names ต.โนนกลาง's); groups are named after their village.
VILLAGE_NAMES = {
    "341901": ("บ้านท่าช้าง", "บ้านหนองหว้า", "บ้านโนนหนามแท่ง", "บ้านคันไร่", "บ้านดอนตะลี",
               "บ้านนาเจริญ", "บ้านหัวดอน", "บ้านป่าแขม", "บ้านโพธิ์ทอง", "บ้านหนองโน"),
    "341910": ("บ้านทรายมูล", "บ้านหนองเป็ด", "บ้านดอนยานาง", "บ้านนาคำ", "บ้านโนนจิก",
               "บ้านแก่งโดม", "บ้านหนองไผ่", "บ้านดอนแดง", "บ้านห้วยแดง", "บ้านโนนค้อ"),
}
LAPTOPS = (  # subdistrict code, name, officer
    ("341905", "โนนกลาง", "นางสาวพัชรินทร์ ศรีสุข"),
    ("341901", "พิบูล", "นายธนากร บุญมา"),
    ("341910", "ทรายมูล", "นางสาวกาญจนา พรหมวงศ์"),
)


def _laptop(folder: Path, k: int, code: str, name: str, officer: str, today: date, office_card: dict,
            cards: Path, progress: Progress | None = None) -> Database:
    db = open_database(folder / f"laptop-{code}.sqlite")
    with db.session() as s:
        build_demo(s, seed=1 + k, today=today, progress=progress and (lambda line: progress(Text(f"ต.{name}: {line.th}", line.en))))
        sub = s.get(Subdistrict, registry.setting(s, "subdistrict_id"))
        sub.code, sub.name = code, name
        renamed = {}
        for v in s.scalars(select(Village).where(Village.subdistrict_id == sub.id)):
            v.code = f"{code}{v.moo:02d}"
            if code in VILLAGE_NAMES:
                renamed[v.name] = VILLAGE_NAMES[code][(v.moo - 1) % len(VILLAGE_NAMES[code])]
                v.name = renamed[v.name]
        for g in s.scalars(select(BorrowingGroup)):
            for old, new in renamed.items():
                if old in g.name:
                    g.name = g.name.replace(old, new)
        registry.set_setting(s, "officer", officer)
        sync_keys.enrol(s, office_card)
    keys = keyfile.new_keys(KeyRole.OFFICER, db.setting("device_id"))
    keyfile.write_private_key(default_key_path(db), keys)
    sync_keys.write_public_card(cards / f"officer-{code}.pub", sync_keys.public_card(keys, officer, code))
    return db


def _first_borrower(db: Database) -> str:
    """The head of the household of the first household loan: the person whose phone both sides change."""
    with db.session() as s:
        hh = s.scalars(select(Loan.household_id).where(Loan.household_id.is_not(None)).order_by(Loan.id)).first()
        return s.get(Household, hh).head_id


def _set_phone(db: Database, person_id: str, phone: str, officer: str) -> None:
    with db.session() as s:
        s.info["officer"] = officer
        s.get(Person, person_id).phone = phone


def _pay_something(db: Database, on: date) -> None:
    """A field payment after the first bundle, so the next bundle carries money."""
    with db.session() as s:
        states = loanbook.load_states(s, on)
        for loan_id, state in sorted(states.items()):
            if state.disbursed_on and state.overdue_instalments() and state.outstanding_satang:
                repayments.record_payment(s, loan_id, min(state.outstanding_satang, 50_000), on)
                return


def _overdue_loan(db: Database, on: date) -> str:
    with db.session() as s:
        states = loanbook.load_states(s, on)
        # one that was never restructured, so the two new agreements are its version 2
        return next(lid for lid, st in sorted(states.items())
                    if st.disbursed_on and st.overdue_instalments() and len(st.schedules) == 1)


def _restructure(db: Database, loan_id: str, on: date, count: int, reason: str, officer: str) -> None:
    with db.session() as s:
        s.info["officer"] = officer
        lending.restructure(s, loan_id, on, count, on + relativedelta(months=1), reason=reason)


def build_office_demo(folder: Path, today: date | None = None, progress: Progress | None = None) -> dict:
    """Build the demo office in `folder` (which must not hold one yet); returns the paths made.

    `progress`, when given, is told each laptop's demo stages and each bundle as it is imported (5–10 s).
    """
    today = today or today_in_thailand()
    say = reporter(progress)
    folder = Path(folder)
    office_path = folder / "office.sqlite"
    if office_path.exists():
        raise InputError(Text(f"มีฐานข้อมูลสำนักงานอยู่แล้ว: {office_path}", "an office database is already there"))
    laptops_dir, cards, usb, carried = folder / "laptops", folder / "keys", folder / "usb", folder / "carried"
    for d in (laptops_dir, cards, usb, carried):
        d.mkdir(parents=True, exist_ok=True)
    office: OfficeDatabase = open_office(office_path)
    laptops: list[Database] = []
    try:
        office.set_setting("officer", CLERK)
        sync_keys.init_office_keys(office, DISTRICT, OFFICE_NAME)
        card = sync_keys.office_card(office)
        sync_keys.write_public_card(cards / f"office-{DISTRICT}.pub", card)
        for k, (code, name, officer) in enumerate(LAPTOPS):
            lap = _laptop(laptops_dir, k, code, name, officer, today, card, cards, progress)
            laptops.append(lap)
            say(f"เครื่องของ ต.{name} พร้อมแล้ว ({k + 1}/{len(LAPTOPS)})", f"laptop of {name} ready ({k + 1}/{len(LAPTOPS)})")
            sync_keys.enrol_officer(office, cards / f"officer-{code}.pub")

        def export(lap: Database, code: str, n: int, where: Path) -> Path:
            path = where / f"{code}-{n}.ftb"
            bundle.export_field_bundle(lap, path)
            return path

        first = [export(lap, code, 1, carried) for lap, (code, _, _) in zip(laptops, LAPTOPS, strict=True)]
        for path in first:
            bundle.import_bundle(office, path)
            say(f"สำนักงานนำเข้า {path.name} แล้ว", f"the office imported {path.name}")

        # ต.โนนกลาง: the office and the officer both correct one borrower's phone -> a conflict to review
        noon_klang = laptops[0]
        person = _first_borrower(noon_klang)
        _set_phone(office, person, "0851234567", CLERK)
        _set_phone(noon_klang, person, "0869876543", LAPTOPS[0][2])
        _pay_something(noon_klang, today)
        # ... and both restructure one overdue loan, the office at a district meeting, the officer in the field
        loan_id = _overdue_loan(noon_klang, today)
        _restructure(office, loan_id, today, 12, "ปรับโครงสร้างหนี้ตามมติที่ประชุมคณะกรรมการกองทุนระดับอำเภอ", CLERK)
        _restructure(noon_klang, loan_id, today, 6, "ผู้กู้ขอผ่อน 6 งวดหลังขายข้าว", LAPTOPS[0][2])
        second = export(noon_klang, LAPTOPS[0][0], 2, carried)
        bundle.import_bundle(office, second)
        say(f"สำนักงานนำเข้า {second.name} แล้ว มีข้อขัดแย้งให้ตรวจ", f"the office imported {second.name}, with a conflict to review")

        # ต.พิบูล: bundle 2 stays on another stick; bundle 3 is on today's stick
        phibun = laptops[1]
        _pay_something(phibun, today)
        export(phibun, LAPTOPS[1][0], 2, carried)
        _set_phone(phibun, _first_borrower(phibun), "0891112222", LAPTOPS[1][2])
        export(phibun, LAPTOPS[1][0], 3, usb)
        # ต.ทรายมูล: a normal second bundle, and a copy of its first one brought again by mistake
        sai_mun = laptops[2]
        _pay_something(sai_mun, today)
        export(sai_mun, LAPTOPS[2][0], 2, usb)
        shutil.copy(first[2], usb / first[2].name)
    finally:
        for lap in laptops:
            lap.dispose()
        office.dispose()
    return {"office": str(office_path), "usb": str(usb), "laptops": str(laptops_dir), "keys": str(cards)}
