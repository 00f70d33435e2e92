"""A groups sheet names its chair and members by name or national ID. Whom each names is settled in the dry
run, so that what the preview accepts the import writes as shown, and what it cannot write is refused in the
preview, row by row, with its sentence – never at the end of the import. Namesakes (common in a village) are
told apart by the house, and two of one name at one house by "คนที่"."""

from datetime import date

from sqlalchemy import select

from fieldtool import groups, households
from fieldtool.bookimport import apply_import
from fieldtool.households import HouseholdInput, PersonInput
from fieldtool.models import Village
from fieldtool.vocabulary import RowAction
from tests.test_import_books import import_file, nid, office, plan_file, register

__all__ = ["office"]  # the fixture

PRANEE, KAMON = nid(501), nid(502)
HEADS = [
    {"moo": 3, "house_no": "1", "title": "นาง", "first_name": "ปราณี", "last_name": "บุตรดี", "national_id": PRANEE},
    {"moo": 3, "house_no": "7", "title": "นาง", "first_name": "กมล", "last_name": "ใจงาม", "national_id": KAMON},
]


def members_of(db) -> dict[str, list[tuple[str, str, str | None, str]]]:
    """Each group's people as the group page lists them, with the national ID and house that tell namesakes
    apart."""
    with db.session() as s:
        people = {p.id: p for p in s.scalars(select(groups.Person))}
        return {g.name: sorted((role, name, people[pid].national_id, people[pid].house_no)
                               for role, name, pid in g.members) for g in groups.group_views(s)}


def test_a_group_the_import_could_not_write_is_refused_in_the_preview_with_its_row(office, tmp_path):
    path = register(tmp_path / "groups.xlsx", households=HEADS, groups=[
        {"name": "กลุ่มทอผ้า", "moo": 3, "chair": "นางกมล ใจงาม", "members": "นางสาวสมใจ ดีเลิศ"},
        # the head by her ID and, by name, the woman of her household who has her name: one person twice?
        {"name": "กลุ่มจักสาน", "moo": 3, "chair": KAMON, "members": f"{PRANEE}, นางปราณี บุตรดี"},
        # two women of one name, written with different titles
        {"name": "กลุ่มไก่ไข่", "moo": 3, "members": "นางสาวอรุณี คำภา, นางอรุณี คำภา"},
        {"name": "กลุ่มขนม", "moo": 3, "chair": "นางกมล ใจงาม, นางสาวสมใจ ดีเลิศ"},
        {"name": "กลุ่มปลาร้า", "moo": 3, "members": f"{nid(599)}"},
    ])
    plan = plan_file(office, path)
    rows = {r.row: r for s in plan.sheets if s.kind == "groups" for r in s.rows}
    assert [rows[n].action for n in (2, 3, 4, 5, 6)] == [RowAction.CREATE, RowAction.REFUSED, RowAction.REFUSED, RowAction.REFUSED, RowAction.REFUSED]
    assert {(r.sheet, r.row) for r in plan.refused} == {("กลุ่ม", 3), ("กลุ่ม", 4), ("กลุ่ม", 5), ("กลุ่ม", 6)}
    assert rows[3].text.th.startswith(f"{PRANEE} กับ นางปราณี บุตรดี ในแถวนี้คือคนเดียวกัน (นางปราณี บุตรดี) "
                                      "ถูกระบุซ้ำในกลุ่ม ถ้าเป็นคนละคน")
    assert "named twice in the group" in rows[3].text.en and "(บ้านเลขที่ 12 คนที่ 2)" in rows[3].text.en
    assert "นางสาวอรุณี คำภา กับ นางอรุณี คำภา" in rows[4].text.th
    assert rows[5].text.en == "a group has one chair"
    assert rows[6].text.en == f"nobody with national ID {nid(599)} is registered or in this file"

    # the import of the rest writes what the preview showed, and refuses nothing more
    with office.session() as s:
        result = apply_import(s, plan, date(2026, 3, 5))
    assert result.created["groups"] == 1 and result.refused == 4
    assert members_of(office) == {"กลุ่มทอผ้า": [("chair", "นางกมล ใจงาม", KAMON, "7"),
                                                ("member", "นางสาวสมใจ ดีเลิศ", None, "")]}


def test_namesakes_are_told_apart_by_the_house_and_which_one(office, tmp_path):
    path = register(tmp_path / "groups.xlsx", households=HEADS, groups=[
        {"name": "กลุ่มจักสาน", "moo": 3, "chair": PRANEE,
         "members": "นางปราณี บุตรดี (บ้านเลขที่ 1 คนที่ 2), นางสาวอรุณี คำภา (บ้านเลขที่ 4), "
                    "นางอรุณี คำภา (บ้านเลขที่ 43)"},
        # the same women in a second group: the same people, not new ones
        {"name": "กลุ่มไก่ไข่", "moo": 3, "chair": "นางปราณี บุตรดี (บ้านเลขที่ ๑ คนที่ ๒)",
         "members": "นางอรุณี คำภา (บ้านเลขที่ 43), นางปราณี บุตรดี (บ้านเลขที่ 1)"},
    ])
    plan, result = import_file(office, path)
    assert plan.refused == [] and result.created == {"households": 2, "groups": 2, "loans": 0, "payments": 0}
    assert members_of(office) == {
        "กลุ่มจักสาน": [("chair", "นางปราณี บุตรดี", PRANEE, "1"), ("member", "นางปราณี บุตรดี", None, "1"),
                        ("member", "นางสาวอรุณี คำภา", None, "4"), ("member", "นางอรุณี คำภา", None, "43")],
        "กลุ่มไก่ไข่": [("chair", "นางปราณี บุตรดี", None, "1"), ("member", "นางปราณี บุตรดี", PRANEE, "1"),
                        ("member", "นางอรุณี คำภา", None, "43")],
    }
    with office.session() as s:
        people = {(role, pid) for g in groups.group_views(s) for role, _, pid in g.members}
    assert len({pid for _, pid in people}) == 4, "four women in two groups, each one person"


def test_a_name_several_people_of_the_village_share_is_refused_unless_the_house_says_which(office, tmp_path):
    with office.session() as s:
        moo3 = s.scalars(select(Village.id).where(Village.moo == 3)).one()
        for house in ("12", "40"):
            households.add_household(s, HouseholdInput(moo3, PersonInput("สมศรี", "ใจดี", "นาง"), house), force=True)
    path = register(tmp_path / "groups.xlsx", groups=[
        {"name": "กลุ่มทอผ้า", "moo": 3, "members": "นางสมศรี ใจดี"},
        {"name": "กลุ่มขนม", "moo": 3, "members": "นางสมศรี ใจดี (บ้านเลขที่ 40)"},
        {"name": "กลุ่มปลาร้า", "moo": 3, "members": "นางสมศรี ใจดี (ห้องแถว)"},
    ])
    plan = plan_file(office, path)
    first, second, third = (r for s in plan.sheets if s.kind == "groups" for r in s.rows)
    assert first.action == RowAction.REFUSED and first.text.th == (
        "หมู่ที่ 3 มีผู้ชื่อ นางสมศรี ใจดี 2 คน ให้ระบุเลขประจำตัวประชาชน หรือบ้านเลขที่ในวงเล็บหลังชื่อ "
        "เช่น นางสมศรี ใจดี (บ้านเลขที่ 12)")
    assert second.action == RowAction.CREATE
    # a note that is not a house: the name as written, as before (nobody of that name: a new person)
    assert third.action == RowAction.CREATE
    with office.session() as s:
        apply_import(s, plan)
    found = members_of(office)
    assert found["กลุ่มขนม"] == [("member", "นางสมศรี ใจดี", None, "40")]
    assert found["กลุ่มปลาร้า"] == [("member", "นางสมศรี ใจดี (ห้องแถว)", None, "")]


def test_a_member_named_by_the_id_of_a_household_the_book_has_under_her_name_is_that_head(office, tmp_path):
    """The households sheet matches her household by name (the book has no ID for her); her ID in a group's
    member list names her, where the import once stopped at the end saying nobody had that ID."""
    with office.session() as s:
        moo3 = s.scalars(select(Village.id).where(Village.moo == 3)).one()
        households.add_household(s, HouseholdInput(moo3, PersonInput("ปราณี", "บุตรดี", "นาง"), "1"))
    path = register(tmp_path / "groups.xlsx", households=HEADS[:1],
                    groups=[{"name": "กลุ่มจักสาน", "moo": 3, "members": PRANEE}])
    plan, result = import_file(office, path)
    assert plan.refused == [] and result.created["groups"] == 1 and result.created["households"] == 0
    assert members_of(office) == {"กลุ่มจักสาน": [("member", "นางปราณี บุตรดี", None, "1")]}
