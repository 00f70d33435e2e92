"""Setting up a laptop's own subdistrict from nothing: the place, villages, funds and their rules, groups."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from fieldtool import funds, letterhead, letters, loanbook, places, reminders
from fieldtool.models import ChangeLog, Person, Village
from tests.test_cli import snapshot
from ui.cli import main


def cli(db, capsys, *args, expect=0):
    code = main(["--db", str(db.path), *args])
    out = capsys.readouterr()
    assert code == expect, out.err
    return out


def cli_json(db, capsys, *args):
    return json.loads(cli(db, capsys, "--json", *args).out)


def refusal(db, capsys, *args) -> str:
    """The one sentence a refused command prints; the database must be exactly as before."""
    before = snapshot(db)
    out = cli(db, capsys, *args, expect=2)
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert len(lines) == 1, out.err
    assert snapshot(db) == before
    return lines[0]


PLACE = ["setup", "place", "--province", "34", "จังหวัดอุบลราชธานี", "--district", "3419", "อำเภอพิบูลมังสาหาร",
         "--subdistrict", "341905", "ตำบลโนนกลาง"]


def set_up(db, capsys) -> None:
    cli(db, capsys, *PLACE)
    cli(db, capsys, "village", "add", "--moo", "1", "--name", "บ้านโนนสูง")
    cli(db, capsys, "village", "add", "--moo", "๒", "--name", "บ้านหนองบัว", "--code", "34190502")
    cli(db, capsys, "fund", "add", "--name", "กองทุนพัฒนาบทบาทสตรี", "--kind", "women", "--rate", "2",
        "--instalments", "12", "--frequency", "monthly")


def test_a_fresh_database_says_what_is_missing_before_a_loan_can_be_entered(db, capsys):
    shown = cli_json(db, capsys, "setup", "show")
    assert shown["place"] is None and shown["ready"] is False
    assert any("ตำบล" in m for m in shown["missing"]) and any("กองทุน" in m for m in shown["missing"])
    text = cli(db, capsys, "setup", "show").out
    assert "ยังไม่ได้ตั้งค่าตำบล" in text


def test_an_officer_sets_up_place_villages_a_fund_and_a_group_and_can_then_lend(db, capsys):
    set_up(db, capsys)
    group = cli_json(db, capsys, "group", "add", "--village", "1", "--name", "กลุ่มทอผ้าไหม",
                     "--chair", "นาง,สมศรี,ใจดี,,0812345678", "--treasurer", "นางบุญมี ศรีสุข",
                     "--member", "น.ส. มาลัย ทองคำ")
    shown = cli_json(db, capsys, "setup", "show")
    assert shown["ready"] is True and shown["missing"] == []
    place = shown["place"]
    # the words จังหวัด/อำเภอ/ตำบล typed in front of a name are not part of it
    assert (place["province"]["name"], place["district"]["name"], place["subdistrict"]["name"]) == (
        "อุบลราชธานี", "พิบูลมังสาหาร", "โนนกลาง")
    assert [(v["moo"], v["name"], v["code"]) for v in shown["villages"]] == [
        (1, "บ้านโนนสูง", "34190501"), (2, "บ้านหนองบัว", "34190502")]
    fund = shown["funds"][0]
    assert (fund["kind"], fund["rate_percent"], fund["default_instalments"]) == ("women", "2.00", 12)
    assert group["chair"] == "นางสมศรี ใจดี"
    assert {(m["role"], m["name"]) for m in group["members"]} == {
        ("chair", "นางสมศรี ใจดี"), ("treasurer", "นางบุญมี ศรีสุข"), ("member", "นางสาวมาลัย ทองคำ")}

    loan_id = cli(db, capsys, "loan", "add", "--fund", "กองทุนพัฒนาบทบาทสตรี", "--group", group["id"],
                  "--principal", "12,000", "--first-due", "31/01/2570", "--applied", "2026-12-01").out.strip()
    shown_loan = cli_json(db, capsys, "loan", "show", loan_id, "--on", "2026-12-02")
    assert shown_loan["rate_percent"] == "2.00" and len(shown_loan["schedule"]) == 12
    assert shown_loan["borrower"] == "กลุ่มทอผ้าไหม" and shown_loan["village"] == "หมู่ที่ 1 บ้านโนนสูง"


def test_codes_that_do_not_fit_their_parent_are_refused_with_one_sentence_and_nothing_written(db, capsys):
    assert "3520" in refusal(db, capsys, "setup", "place", "--province", "34", "อุบลราชธานี",
                             "--district", "3520", "อุบล", "--subdistrict", "352001", "ในเมือง")
    assert "6" in refusal(db, capsys, "setup", "place", "--province", "34", "อุบลราชธานี",
                          "--district", "3419", "พิบูลมังสาหาร", "--subdistrict", "34190", "โนนกลาง")
    cli(db, capsys, *PLACE)
    sentence = refusal(db, capsys, "village", "add", "--moo", "3", "--name", "บ้านดอนจิก", "--code", "34190504")
    assert "34190503" in sentence  # says what the code should be


def test_a_duplicate_village_number_and_a_second_subdistrict_are_refused(db, capsys):
    set_up(db, capsys)
    assert "หมู่ที่ 1" in refusal(db, capsys, "village", "add", "--moo", "1", "--name", "บ้านอื่น")
    sentence = refusal(db, capsys, "setup", "place", "--province", "34", "อุบลราชธานี", "--district", "3419",
                       "พิบูลมังสาหาร", "--subdistrict", "341906", "ทรายมูล")
    assert "ตำบลเดียว" in sentence and "one subdistrict" in sentence
    # a name may still be corrected
    cli(db, capsys, "setup", "place", "--province", "34", "อุบลราชธานี", "--district", "3419", "พิบูลมังสาหาร",
        "--subdistrict", "341905", "โนนกลางใหม่")
    assert cli_json(db, capsys, "setup", "show")["place"]["subdistrict"]["name"] == "โนนกลางใหม่"


def test_the_district_must_be_the_one_of_the_office_key_the_laptop_trusts(db, capsys):
    from exports import keyfile, sync_keys

    office_keys = keyfile.new_keys("office", "office-device")
    with db.session() as s:
        sync_keys.enrol(s, sync_keys.public_card(office_keys, "สพอ.เมืองอุบลราชธานี", "3401"))
    sentence = refusal(db, capsys, *PLACE)
    assert "3401" in sentence and "3419" in sentence
    cli(db, capsys, "setup", "place", "--province", "34", "อุบลราชธานี", "--district", "3401", "เมืองอุบลราชธานี",
        "--subdistrict", "340101", "ในเมือง")


def test_renaming_a_village_is_a_recorded_change(db, capsys):
    set_up(db, capsys)
    cli(db, capsys, "village", "rename", "2", "--name", "บ้านหนองบัวทอง")
    with db.session() as s:
        village = s.scalars(select(Village).where(Village.moo == 2)).one()
        log = s.scalars(select(ChangeLog).where(ChangeLog.record_id == village.id, ChangeLog.action == "update")).all()
    assert village.name == "บ้านหนองบัวทอง" and village.code == "34190502"
    assert json.loads(log[-1].data)["name"] == "บ้านหนองบัวทอง"


def test_fund_kinds_rates_and_rules_are_checked(db, capsys):
    cli(db, capsys, *PLACE)
    assert "women" in refusal(db, capsys, "fund", "add", "--name", "ก", "--kind", "bank")
    assert "100" in refusal(db, capsys, "fund", "add", "--name", "ก", "--kind", "other", "--rate", "120")
    assert "360" in refusal(db, capsys, "fund", "add", "--name", "ก", "--kind", "other", "--instalments", "0")
    refusal(db, capsys, "fund", "add", "--name", "ก", "--kind", "other", "--ask-ladder", "30:visit,1:meeting")
    refusal(db, capsys, "fund", "add", "--name", "ก", "--kind", "other", "--demand-days", "30,1,60")
    made = cli_json(db, capsys, "fund", "add", "--name", "สัจจะออมทรัพย์บ้านโนนสูง", "--kind", "สัจจะออมทรัพย์",
                    "--rate", "๑.๕", "--instalments", "4", "--frequency", "quarterly")
    assert (made["kind"], made["rate_percent"], made["default_frequency"]) == ("savings", "1.50", "quarterly")
    assert "แล้ว" in refusal(db, capsys, "fund", "add", "--name", "สัจจะออมทรัพย์บ้านโนนสูง", "--kind", "savings")


def test_editing_a_funds_rules_leaves_loans_already_made_under_the_old_ones(book):
    db = book.db
    old_loan = book.loan(principal_baht=3000, instalments=3, fund=book.women_fund, rate_bp=None,
                         first_due=date(2026, 1, 31))
    with db.session() as s:
        funds.edit_fund(s, book.women_fund, rate_bp=500, ask_ladder=[(1, "meeting"), (20, "partners")],
                        demand_days=(10, 40, 70), demand_gap=20)
    new_loan = book.loan(principal_baht=3000, instalments=3, fund=book.women_fund, rate_bp=None,
                         first_due=date(2026, 1, 31))
    with db.session() as s:
        old, new = s.get(loanbook.Loan, old_loan), s.get(loanbook.Loan, new_loan)
        assert (old.rate_bp, new.rate_bp) == (200, 500)
        # five days after the first unpaid due date
        on = date(2026, 2, 5)
        steps = {r.loan_id: r.step for r in reminders.reminders_on(s, on) if r.kind == "ask"}
        assert steps == {old_loan: "visit", new_loan: "meeting"}
        demands = {r.loan_id: r.kind for r in letters.letters_due(s, on) if r.kind.startswith("demand")}
        assert demands == {old_loan: "demand-1"}  # the new loan's first demand waits for day 10
        later = {r.loan_id: r.kind for r in letters.letters_due(s, date(2026, 2, 10)) if r.kind.startswith("demand")}
        assert later == {old_loan: "demand-1", new_loan: "demand-1"}


def test_a_group_letter_is_addressed_to_its_chair(db, capsys, tmp_path):
    set_up(db, capsys)
    with db.session() as s:
        letterhead.demo_office_settings(s)
    group = cli_json(db, capsys, "group", "add", "--village", "บ้านโนนสูง", "--name", "กลุ่มเลี้ยงไก่ไข่",
                     "--member", "นาง,ทองใบ,แก้วมณี", "--chair", "นาง,ประนอม,พันธ์ดี")
    loan_id = cli(db, capsys, "loan", "add", "--fund", "กองทุนพัฒนาบทบาทสตรี", "--group", group["id"],
                  "--principal", "6,000", "--first-due", "31/01/2570", "--applied", "2026-12-01",
                  "--disbursed", "2026-12-01", "--reason", "ทดสอบ").out.strip()
    printed = cli_json(db, capsys, "letter", loan_id, "--kind", "notice-30", "--on", "2026-12-02",
                       "--out", str(tmp_path / "letter.pdf"))
    letter = printed["letters"][0] if "letters" in printed else printed
    assert "นางประนอม พันธ์ดี" in letter["recipient"] and "กลุ่มเลี้ยงไก่ไข่" in letter["recipient"]


def test_a_group_refuses_two_chairs_and_a_person_named_twice(db, capsys):
    set_up(db, capsys)
    assert "ประธาน" in refusal(db, capsys, "group", "add", "--village", "1", "--name", "ก",
                               "--chair", "นางสมศรี ใจดี", "--chair", "นางมาลัย ทองคำ")
    assert "ซ้ำ" in refusal(db, capsys, "group", "add", "--village", "1", "--name", "ก",
                            "--chair", "นางสมศรี ใจดี", "--member", "นาง,สมศรี,ใจดี")
    assert "หมู่บ้าน" in refusal(db, capsys, "group", "add", "--village", "9", "--name", "ก")


def test_village_numbers_are_read_as_officers_write_them():
    assert [places.parse_moo(x) for x in ("3", "๓", "ม.3", "หมู่ 3", "หมู่ที่ ๓", 3.0, 3)] == [3] * 7


def test_a_new_chair_takes_over_and_a_member_leaves_the_group(db, capsys):
    set_up(db, capsys)
    group = cli_json(db, capsys, "group", "add", "--village", "1", "--name", "กลุ่มทอผ้าไหม",
                     "--chair", "นาง,สมศรี,ใจดี", "--member", "นาง,มาลัย,ทองคำ", "--member", "นาง,บุญมี,ศรีสุข")
    edited = cli_json(db, capsys, "group", "edit", "กลุ่มทอผ้าไหม", "--name", "กลุ่มทอผ้าไหมบ้านโนนสูง",
                      "--chair", "นางมาลัย ทองคำ", "--secretary", "นาง,ประนอม,พันธ์ดี", "--remove", "นางบุญมี ศรีสุข")
    assert edited["id"] == group["id"] and edited["name"] == "กลุ่มทอผ้าไหมบ้านโนนสูง"
    assert edited["chair"] == "นางมาลัย ทองคำ"
    assert {(m["role"], m["name"]) for m in edited["members"]} == {
        ("chair", "นางมาลัย ทองคำ"), ("member", "นางสมศรี ใจดี"), ("secretary", "นางประนอม พันธ์ดี")}
    assert "ไม่ได้เป็นสมาชิก" in refusal(db, capsys, "group", "edit", group["id"], "--remove", "นางบุญมี ศรีสุข")


def test_a_member_is_found_by_who_she_is_not_by_how_her_name_reads(db, capsys):
    """A given name that begins like a title (นางนวล, saved without a title) is still the same person."""
    from fieldtool import groups

    set_up(db, capsys)
    cli(db, capsys, "group", "add", "--village", "1", "--name", "กลุ่มเพาะเห็ด", "--chair", ",นางนวล,ศรีสุข",
        "--member", "นาง,มาลัย,ทองคำ")
    with db.session() as s:
        view = next(g for g in groups.group_views(s) if g.name == "กลุ่มเพาะเห็ด")
        nuan = next(pid for role, name, pid in view.members if role == "chair")
        groups.edit_group(s, view.id, roles=[("treasurer", groups.PersonSpec("", person_id=nuan))])
    edited = cli_json(db, capsys, "group", "list")["items"][0]
    assert {(m["role"], m["name"]) for m in edited["members"]} == {("treasurer", "นางนวล ศรีสุข"),
                                                                   ("member", "นางมาลัย ทองคำ")}
    with db.session() as s:
        assert s.get(Person, nuan).first_name == "นางนวล"  # the comma form takes the given name as written
