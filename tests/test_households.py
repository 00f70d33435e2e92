"""The household register: duplicates caught across Thai spelling variants, needs, status, staleness."""

from datetime import date

import pytest

from fieldtool import households
from fieldtool.households import DuplicateWarning, HouseholdInput, PersonInput
from fieldtool.thai import InputError, national_id_check_digit


def valid_id(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


def add(book, first, last, title="นาง", national_id=None, force=False, village=None, **kw):
    with book.db.session() as s:
        return households.add_household(
            s,
            HouseholdInput(village_id=village or book.village_id, head=PersonInput(first, last, title, national_id), **kw),
            force=force,
        ).id


@pytest.mark.parametrize(
    "first, last",
    [
        ("มาลัย", "ทองคำ"),  # the same spelling
        ("มาลัย", "ทองคํา"),  # sara am typed as nikhahit + aa
        ("มาลัย", "ทองขำ"),  # ค/ข confusion is not merged, but the names are still alike
        ("มาไล", "ทองคำ"),
        ("มาลัย", "ทองคำ์"),
    ],
)
def test_a_similar_name_in_the_same_village_is_caught(book, first, last):
    existing = add(book, "มาลัย", "ทองคำ", needs={"income": "รายได้ไม่พอเลี้ยงครอบครัว"})
    with pytest.raises(DuplicateWarning) as caught:
        add(book, first, last)
    assert caught.value.matches[0].household_id == existing
    assert "นางมาลัย ทองคำ" in str(caught.value)


def test_spelling_variants_of_real_names_are_alike_and_different_people_are_not():
    alike = [("สมศรี", "ใจดี", "สมสรี", "ใจดี"), ("บุญมี", "ศรีสุข", "บุญมี", "ศรีสุก"),
             ("สุดารัตน์", "แก้วมณี", "สุดารัต", "แก้วมณี"), ("อำไพ", "พันธ์ดี", "อําไพ", "พันธุ์ดี"),
             ("ทองใบ", "คำภา", "ทองใบ", "คำพา")]
    different = [("สมศรี", "ใจดี", "สมชาย", "ใจดี"), ("สมพร", "ใจดี", "สมพงษ์", "ใจดี"),
                 ("มาลัย", "ทองคำ", "บุญมี", "ศรีสุข")]
    assert all(households.names_alike(*n) >= households.SIMILAR for n in alike)
    assert all(households.names_alike(*n) < households.SIMILAR for n in different)


def test_the_same_national_id_is_caught_anywhere(book):
    nid = valid_id("310050012345")
    add(book, "ประนอม", "แสนทวี", national_id=nid)
    with book.db.session() as s:
        from fieldtool import registry
        other_village = registry.add_village(s, registry.setting(s, "subdistrict_id"), 7, "บ้านโพนงาม").id
    with pytest.raises(DuplicateWarning, match="national ID"):
        add(book, "ประนอมศรี", "ไชยสุข", national_id=nid, village=other_village)


def test_a_family_member_with_the_same_family_name_is_not_a_duplicate(book):
    add(book, "สมพร", "ใจดี", title="นาย")
    add(book, "สมพงษ์", "ใจดี", title="นาย")  # a brother's household next door


def test_the_officer_can_confirm_it_is_someone_else(book):
    add(book, "ทองใบ", "คำภา")
    second = add(book, "ทองใบ", "คำภา", force=True)
    assert second


def test_needs_status_and_members_are_kept(book):
    hid = add(book, "บัวผัน", "ดวงแก้ว", source="tpmap", house_no="45",
              members=[PersonInput("ดวงใจ", "ดวงแก้ว", "นางสาว", relation="บุตร")],
              needs={"income": "ว่างงาน", "health": "ผู้สูงอายุติดเตียง"})
    with book.db.session() as s:
        view = households.household_view(s, hid, date(2026, 11, 22))
        assert view.source == "tpmap" and view.status == "target" and view.house_no == "45"
        assert view.needs == {"income": "ว่างงาน", "health": "ผู้สูงอายุติดเตียง"}
        assert ("นางสาวดวงใจ ดวงแก้ว", "บุตร") in view.members
        households.set_status(s, hid, "out_of_poverty")
        with pytest.raises(InputError):
            households.set_status(s, hid, "rich")
        with pytest.raises(InputError):
            households.set_needs(s, hid, {"happiness": "x"})


def test_bad_household_input_changes_nothing(book):
    from tests.test_cli import snapshot

    before = snapshot(book.db)
    with pytest.raises(InputError):
        add(book, "มาลี", "ศรีสุข", national_id="1234567890123")
    with pytest.raises(InputError):
        add(book, "มาลี", "ศรีสุข", needs={"wealth": "x"})
    with pytest.raises(InputError):
        add(book, "มาลี", "ศรีสุข", village="no-such-village")
    assert snapshot(book.db) == before
