"""Site visits and meetings: links, money taken as payments, ticked work, verified facts, photos, tasks."""

import hashlib
from datetime import date

import pytest
from PIL import Image
from sqlmodel import select

from fieldtool import households, lending, reminders, visits
from fieldtool.models import Payment, PreventCheck, WorkItem
from fieldtool.thai import InputError
from fieldtool.visits import MeetingInput, VisitInput


@pytest.fixture
def photo(tmp_path):
    """A 12-megapixel camera photo with the GPS position of a village near Phibun Mangsahan."""
    path = tmp_path / "IMG_0042.JPG"
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (15.0, 14.0, 24.0), 3: "E", 4: (105.0, 13.0, 48.0)})
    exif[0x0132] = "2026:11:20 10:15:00"
    Image.new("RGB", (4000, 3000), (200, 120, 40)).save(path, exif=exif)
    return path


def visit(book, tmp_path, **kw):
    data = VisitInput(visited_on=kw.pop("on", date(2026, 2, 10)), village_id=book.village_id, visited_at="10:30",
                      place="ศาลาประชาคมบ้านหนองบัว", people_met="ประธานกลุ่มและสมาชิก ๘ คน", **kw)
    with book.db.session() as s:
        return visits.add_visit(s, data, tmp_path / "photos")


def test_money_collected_on_a_visit_is_a_payment_in_the_loan_book(book, tmp_path):
    loan = book.loan()
    result = visit(book, tmp_path, loans=[loan], collected=[(loan, 333_333)], purposes=["ask:field"])
    assert len(result.payments) == 1
    with book.db.session() as s:
        (pay,) = s.exec(select(Payment).where(Payment.loan_id == loan)).all()
        assert (pay.amount_satang, pay.paid_on) == (333_333, date(2026, 2, 10))
        links = visits.visit_links(s, result.visit.id)
        assert links["payment"] == [pay.id] and links["loan"] == [loan]
    assert book.state(loan, date(2026, 2, 10)).instalments[0].is_paid


def test_a_visit_ticks_work_items_and_stands_as_their_evidence(book, tmp_path):
    pending = book.loan(disbursed=None)
    late = book.loan()
    result = visit(book, tmp_path, loans=[pending], purposes=["prevent:feasibility", "prevent:leaders"])
    with book.db.session() as s:
        checks = {c.item: c for c in lending.prevent_checklist(s, pending)}
        assert checks["feasibility"].done and checks["feasibility"].evidence_id == result.visit.id
        assert checks["leaders"].evidence_kind == "visit" and not checks["risk"].done
    # asking on the spot answers the loan's open ask tasks
    assert [r.kind for r in reminders_on(book, date(2026, 3, 1), late)] == ["ask", "ask", "notice-30"]
    visit(book, tmp_path, on=date(2026, 3, 1), loans=[late], purposes=["ask:field", "follow:explain"])
    with book.db.session() as s:
        assert [r.kind for r in reminders.reminders_on(s, date(2026, 3, 1), [late]) if r.kind == "ask"] == []
        items = {(w.stage, w.item) for w in s.exec(select(WorkItem).where(WorkItem.loan_id == late)).all()}
        assert items == {("ask", "field"), ("follow", "explain")}


def reminders_on(book, day, loan):
    with book.db.session() as s:
        return reminders.reminders_on(s, day, [loan])


def test_a_guarantee_meeting_ticks_the_prevent_item_of_every_linked_loan(book):
    a, b = book.loan(disbursed=None), book.loan(disbursed=None, household=True)
    with book.db.session() as s:
        meeting = visits.add_meeting(s, MeetingInput("guarantee", date(2025, 11, 20), "ศาลากลางบ้าน",
                                                     attendees="สมาชิกกลุ่ม ๑๒ คน", outcomes="สมาชิกลงนามค้ำประกันร่วมกัน",
                                                     loans=[a, b]))
        rows = s.exec(select(PreventCheck).where(PreventCheck.item == "guarantee")).all()
        assert {(r.loan_id, r.done, r.evidence_id) for r in rows} == {(a, True, meeting.id), (b, True, meeting.id)}


def test_photos_are_shrunk_kept_by_hash_and_give_the_position(book, tmp_path, photo):
    result = visit(book, tmp_path, households=[book.household_id], photos=[photo])
    (kept,) = result.photos
    assert (kept.width, kept.height) == (1600, 1200)
    path = tmp_path / "photos" / kept.file_name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == kept.sha256
    assert (result.visit.latitude, result.visit.longitude) == (15.24, 105.23)
    assert visits.check_photo(tmp_path / "photos", kept)
    path.write_bytes(path.read_bytes()[:-10])  # damaged on a USB stick
    assert not visits.check_photo(tmp_path / "photos", kept)


def test_an_unreadable_photo_is_refused_and_nothing_is_written(book, tmp_path):
    from tests.test_cli import snapshot

    loan = book.loan()
    bad = tmp_path / "scan.jpg"
    bad.write_text("not a picture")
    before = snapshot(book.db)
    with pytest.raises(InputError, match="cannot read the photo"):
        visit(book, tmp_path, loans=[loan], collected=[(loan, 10_000)], photos=[bad])
    assert snapshot(book.db) == before
    assert not (tmp_path / "photos").exists()


def test_facts_changed_on_site_are_verified_and_old_facts_go_stale(book, tmp_path):
    with book.db.session() as s:
        assert households.household_view(s, book.household_id, date(2026, 2, 10)).stale  # never checked on site
    visit(book, tmp_path, household_updates={book.household_id: {"status": "in_progress", "phone": "0891234567"}})
    with book.db.session() as s:
        view = households.household_view(s, book.household_id, date(2026, 2, 11))
        assert view.last_verified == date(2026, 2, 10) and not view.stale and view.phone == "0891234567"
        assert households.household_view(s, book.household_id, date(2027, 3, 1)).stale
        assert book.household_id in households.stale_records(s, "household", date(2027, 3, 1))


def test_the_next_visit_date_becomes_a_task_until_the_visit_is_made(book, tmp_path):
    first = visit(book, tmp_path, households=[book.household_id], next_visit_on=date(2026, 3, 1),
                  next_steps="ติดตามการเลี้ยงไก่ไข่")
    with book.db.session() as s:
        assert visits.next_visit_tasks(s, date(2026, 2, 28)) == []
        (task,) = visits.next_visit_tasks(s, date(2026, 3, 1))
        assert task.visit_id == first.visit.id and task.next_steps == "ติดตามการเลี้ยงไก่ไข่"
    visit(book, tmp_path, on=date(2026, 3, 2), households=[book.household_id], purposes=["plan"])
    with book.db.session() as s:
        assert visits.next_visit_tasks(s, date(2026, 3, 5)) == []


def test_bad_visits_are_refused(book, tmp_path):
    with pytest.raises(InputError, match="unknown purpose"):
        visit(book, tmp_path, purposes=["sightseeing"])
    with pytest.raises(InputError):
        visit(book, tmp_path, loans=["no-such-loan"])
    with pytest.raises(InputError):
        visit(book, tmp_path, latitude=95.0, longitude=100.0)
    with pytest.raises(InputError):
        visit(book, tmp_path, next_visit_on=date(2026, 1, 1))


def test_loans_not_checked_on_site_show_as_stale_in_the_register(book, tmp_path):
    from fieldtool.register import loan_register

    loan = book.loan()
    with book.db.session() as s:
        assert next(r for r in loan_register(s, date(2026, 2, 1)) if r.id == loan).stale
    visit(book, tmp_path, loans=[loan], verified=[("loan", loan)], purposes=["follow:progress"])
    with book.db.session() as s:
        row = next(r for r in loan_register(s, date(2026, 2, 11)) if r.id == loan)
        assert (row.stale, row.last_verified) == (False, date(2026, 2, 10))
        assert next(r for r in loan_register(s, date(2027, 3, 1)) if r.id == loan).stale
