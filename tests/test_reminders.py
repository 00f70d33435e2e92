"""Notices 30, 15 and 7 days before each due date, and the ask ladder after it."""

from datetime import date, timedelta

import pytest

from fieldtool import notices, reminders
from fieldtool.thai import InputError

DUE = date(2026, 3, 31)  # second instalment of the standard test loan is 28 Feb; the third is 31 Mar


def open_on(book, day, loan_id=None):
    with book.db.session() as s:
        return reminders.reminders_on(s, day, [loan_id] if loan_id else None)


def kinds(items):
    return sorted((r.instalment_no, r.kind if r.kind != "ask" else r.id.partition(":")[0]) for r in items)


def outcomes(book, day):
    with book.db.session() as s:
        return {(o.due_date, o.kind): o.state for o in notices.notice_outcomes(s, day)}


def test_notices_open_thirty_fifteen_and_seven_days_before_the_due_date(book):
    loan = book.loan(first_due=date(2026, 1, 31), disbursed=date(2025, 12, 1))
    assert kinds(open_on(book, date(2026, 1, 1))) == [(1, "notice-30")]
    assert kinds(open_on(book, date(2025, 12, 31))) == []
    assert kinds(open_on(book, date(2026, 1, 16))) == [(1, "notice-15")]
    assert kinds(open_on(book, date(2026, 1, 24))) == [(1, "notice-7")]
    # on the due date itself the 7-day notice is still open; the day after, the ask task opens
    assert kinds(open_on(book, date(2026, 1, 31))) == [(1, "notice-7"), (2, "notice-30")]
    after = open_on(book, date(2026, 2, 1), loan)
    assert kinds(after) == [(1, "ask-1"), (2, "notice-30")]
    ask = after[0]
    assert ask.days_overdue == 1 and ask.step == "visit" and ask.amount_due_satang == 333_333


def test_a_delivered_notice_closes_and_is_counted_delivered(book):
    loan = book.loan()
    (notice,) = open_on(book, date(2026, 1, 2))
    with book.db.session() as s:
        reminders.deliver(s, notice.id, "phone", date(2026, 1, 2), note="โทรแจ้งประธานกลุ่ม")
    assert open_on(book, date(2026, 1, 3)) == []
    assert outcomes(book, date(2026, 1, 20))[(date(2026, 1, 31), "notice-30")] == "delivered"
    with book.db.session() as s, pytest.raises(InputError):
        reminders.deliver(s, notice.id, "phone", date(2026, 1, 3))
    assert loan


def test_an_undelivered_notice_closes_as_missed_when_the_next_one_opens(book):
    book.loan()
    result = outcomes(book, date(2026, 1, 16))
    assert result[(date(2026, 1, 31), "notice-30")] == "missed"
    assert result[(date(2026, 1, 31), "notice-15")] == "open"
    result = outcomes(book, date(2026, 2, 1))
    assert result[(date(2026, 1, 31), "notice-7")] == "missed"


def test_paying_closes_the_notice_without_counting_it_missed(book):
    loan = book.loan()
    book.pay(loan, "3333.33", date(2026, 1, 5))
    assert [r for r in open_on(book, date(2026, 1, 20)) if r.instalment_no == 1] == []
    result = outcomes(book, date(2026, 2, 5))
    assert result[(date(2026, 1, 31), "notice-30")] == "settled"
    assert (date(2026, 1, 31), "notice-15") not in result or result[(date(2026, 1, 31), "notice-15")] == "settled"


def test_a_notice_that_would_open_before_the_money_was_paid_out_does_not_apply(book):
    book.loan(first_due=date(2026, 1, 31), disbursed=date(2026, 1, 10))
    assert kinds(open_on(book, date(2026, 1, 10))) == []
    assert kinds(open_on(book, date(2026, 1, 16))) == [(1, "notice-15")]
    assert (date(2026, 1, 31), "notice-30") not in outcomes(book, date(2026, 2, 5))


def test_prevent_stage_loans_have_no_reminders(book):
    book.loan(disbursed=None)
    assert open_on(book, date(2026, 1, 24)) == []


@pytest.mark.parametrize(
    "days, rung, step",
    [(1, "ask-1", "visit"), (29, "ask-1", "visit"), (30, "ask-30", "meeting"), (60, "ask-60", "relief"),
     (90, "ask-90", "partners"), (400, "ask-90", "partners")],
)
def test_the_ask_ladder_climbs_with_the_days_overdue(book, days, rung, step):
    loan = book.loan(instalments=1)
    (task,) = open_on(book, date(2026, 1, 31) + timedelta(days=days), loan)
    assert task.id.startswith(rung + ":") and task.step == step and task.days_overdue == days


def test_a_fund_can_have_its_own_ladder(book):
    from fieldtool import funds

    with book.db.session() as s:
        fund = funds.add_fund(s, "กองทุนสวัสดิการ", "other", ask_ladder=[(7, "visit"), (14, "partners")])
        fund_id = fund.id
    loan = book.loan(instalments=1, fund=fund_id)
    assert open_on(book, date(2026, 2, 3), loan) == []
    assert open_on(book, date(2026, 2, 7), loan)[0].step == "visit"
    assert open_on(book, date(2026, 2, 14), loan)[0].step == "partners"


def test_one_visit_answers_every_open_ask_task_of_the_loan_until_the_next_rung(book):
    loan = book.loan()
    day = date(2026, 3, 1)  # instalment 1 is 29 days overdue, instalment 2 one day
    tasks = [t for t in open_on(book, day, loan) if t.kind == "ask"]
    assert [(t.instalment_no, t.days_overdue, t.step) for t in tasks] == [(1, 29, "visit"), (2, 1, "visit")]
    with book.db.session() as s:
        reminders.deliver(s, tasks[0].id, "visit", day, note="พบประธานกลุ่ม ตกลงชำระสิ้นเดือน")
    assert [t for t in open_on(book, day, loan) if t.kind == "ask"] == []
    # the next day the first instalment is 30 days overdue: a repayment meeting is due
    later = [t for t in open_on(book, date(2026, 3, 2), loan) if t.kind == "ask"]
    assert [(t.instalment_no, t.step) for t in later] == [(1, "meeting")]


def test_deliver_refuses_what_is_not_open(book):
    book.loan()
    (notice,) = open_on(book, date(2026, 1, 2))
    with book.db.session() as s:
        with pytest.raises(InputError):
            reminders.deliver(s, notice.id, "phone", date(2025, 12, 20))  # not open yet
        with pytest.raises(InputError):
            reminders.deliver(s, notice.id, "pigeon", date(2026, 1, 2))
        with pytest.raises(InputError):
            reminders.deliver(s, "notice-30:nonsense", "phone", date(2026, 1, 2))


def test_restructured_loans_are_reminded_on_the_new_schedule_only(book):
    from fieldtool import lending

    loan = book.loan(principal_baht=12_000)
    with book.db.session() as s:
        lending.restructure(s, loan, date(2026, 5, 1), 4, date(2026, 6, 1), "monthly", "ปรับโครงสร้างหนี้")
    items = open_on(book, date(2026, 5, 2), loan)
    assert [(r.kind, r.due_date) for r in items] == [("notice-30", date(2026, 6, 1))]


def test_ask_tasks_combine_into_one_per_loan_for_the_days_list(book):
    loan = book.loan()
    book.pay(loan, "1000", date(2026, 1, 31))
    combined = reminders.ask_tasks_by_loan(open_on(book, date(2026, 3, 5), loan))
    (task,) = combined
    assert task.covers == (1, 2) and task.instalment_no == 1 and task.step == "meeting"
    assert task.amount_due_satang == 233_333 + 333_333 and task.days_overdue == 33


def test_the_today_ask_row_owes_what_the_loan_page_and_arrears_say_when_some_tasks_were_answered(book):
    from fieldtool.arrears import arrears_on

    loan_id = book.loan(principal_baht=3000, instalments=3, first_due=date(2026, 1, 31))
    with book.db.session() as s:
        visit = next(r for r in reminders.reminders_on(s, date(2026, 2, 5), [loan_id]) if r.kind == "ask")
        reminders.deliver(s, visit.id, "visit", date(2026, 2, 5))
    on = date(2026, 3, 1)  # instalment 1 was asked for on 5 Feb; instalment 2 fell due yesterday
    with book.db.session() as s:
        open_tasks = [r for r in reminders.reminders_on(s, on, [loan_id]) if r.kind == "ask"]
        row = reminders.ask_tasks_by_loan(open_tasks)[0]
        overdue = next(o for o in arrears_on(s, on).overdue if o.info.id == loan_id)
    state = book.state(loan_id, on)
    assert [t.instalment_no for t in open_tasks] == [2]  # only the new instalment's task is open
    assert (row.amount_due_satang, row.days_overdue) == (state.arrears_satang, state.days_overdue) == (200_000, 29)
    assert (overdue.arrears_satang, overdue.days_overdue) == (200_000, 29)


def test_a_delivery_recorded_by_mistake_is_undone_and_the_notice_opens_again(book):
    book.loan()
    day = date(2026, 1, 2)
    (notice,) = open_on(book, day)
    with book.db.session() as s:
        reminders.deliver(s, notice.id, "phone", day)
    assert open_on(book, day) == []
    with book.db.session() as s:
        (undo,) = reminders.undo_delivery(s, notice.id, day, note="กดผิดแถว")
    assert [r.id for r in open_on(book, day)] == [notice.id]
    # the log only grows: the delivery stays, a reversing row stands beside it
    with book.db.session() as s:
        (record,) = reminders.delivery_records(s, notice.loan_id)
        assert reminders.deliveries_of(s, notice.loan_id) == []  # none stands
    assert record.delivery.reminder_id == notice.id and record.undone_by.note == "กดผิดแถว"
    assert undo.kind == reminders.UNDO
    # never delivered after all: when its window closes it counts as missed
    assert outcomes(book, date(2026, 1, 16))[(date(2026, 1, 31), "notice-30")] == "missed"


def test_a_notice_undone_can_be_delivered_again_and_undone_again(book):
    book.loan()
    day = date(2026, 1, 2)
    (notice,) = open_on(book, day)
    with book.db.session() as s:
        reminders.deliver(s, notice.id, "phone", day)
        reminders.undo_delivery(s, notice.id, day)
        reminders.deliver(s, notice.id, "line", date(2026, 1, 3))
    assert outcomes(book, date(2026, 1, 20))[(date(2026, 1, 31), "notice-30")] == "delivered"
    with book.db.session() as s:
        assert reminders.standing_delivery(s, notice.id).how == "line"
        reminders.undo_delivery(s, notice.id, date(2026, 1, 3))
        assert reminders.standing_delivery(s, notice.id) is None
    assert [r.id for r in open_on(book, date(2026, 1, 3))] == [notice.id]


def test_undoing_a_visit_reopens_every_ask_task_it_answered(book):
    loan = book.loan()
    day = date(2026, 3, 1)
    tasks = [t for t in open_on(book, day, loan) if t.kind == "ask"]
    assert len(tasks) == 2
    with book.db.session() as s:
        reminders.deliver(s, tasks[0].id, "visit", day)
        reminders.undo_delivery(s, tasks[0].id, day)
    assert [t.id for t in open_on(book, day, loan) if t.kind == "ask"] == [t.id for t in tasks]


def test_undo_refuses_what_was_not_delivered_or_a_day_before_the_delivery(book):
    book.loan()
    (notice,) = open_on(book, date(2026, 1, 2))
    with book.db.session() as s:
        with pytest.raises(InputError, match="nothing to undo"):
            reminders.undo_delivery(s, notice.id, date(2026, 1, 2))
        reminders.deliver(s, notice.id, "phone", date(2026, 1, 5))
        with pytest.raises(InputError, match="cannot be undone before"):
            reminders.undo_delivery(s, notice.id, date(2026, 1, 4))
        reminders.undo_delivery(s, notice.id, date(2026, 1, 5))
        with pytest.raises(InputError, match="nothing to undo"):
            reminders.undo_delivery(s, notice.id, date(2026, 1, 5))


def test_the_change_log_says_in_words_which_delivery_was_undone(book):
    from fieldtool import history

    book.loan()
    (notice,) = open_on(book, date(2026, 1, 2))
    with book.db.session() as s:
        reminders.deliver(s, notice.id, "phone", date(2026, 1, 2))
        reminders.undo_delivery(s, notice.id, date(2026, 1, 3), by_whom="นางสาวพัชรินทร์", note="กดผิดแถว")
    with book.db.session() as s:
        (entry,) = history.history_page(s, limit=1)
    assert entry.record.startswith("ยกเลิกการบันทึกแจ้งล่วงหน้า 1 เดือน วันที่ 2 ม.ค. 2569 ที่บันทึกผิด")
    changes = entry.changes_text("th")
    assert "ผู้ยกเลิก: นางสาวพัชรินทร์" in changes and "วันที่ยกเลิก: 3 ม.ค. 2569" in changes
    assert "หมายเหตุ: กดผิดแถว" in changes


def test_the_command_line_undoes_a_delivery_with_deliver_undo(book, capsys):
    import json

    from ui.cli import main

    book.loan()
    (notice,) = open_on(book, date(2026, 1, 2))
    db = ["--db", str(book.db.path)]
    assert main([*db, "deliver", notice.id, "--how", "phone", "--on", "2026-01-02"]) == 0
    assert open_on(book, date(2026, 1, 2)) == []
    capsys.readouterr()
    assert main([*db, "--json", "deliver", notice.id, "--undo", "--on", "2026-01-02", "--note", "กดผิด"]) == 0
    assert json.loads(capsys.readouterr().out)["reopened"] == 1
    assert [r.id for r in open_on(book, date(2026, 1, 2))] == [notice.id]
    # nothing left to undo, and a delivery needs its way: one sentence, status 2
    assert main([*db, "deliver", notice.id, "--undo", "--on", "2026-01-02"]) == 2
    assert "nothing to undo" in capsys.readouterr().err
    assert main([*db, "deliver", notice.id, "--on", "2026-01-02"]) == 2
    assert "--how" in capsys.readouterr().err
