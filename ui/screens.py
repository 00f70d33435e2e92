"""Render every screen to PNG files, to look at what an officer sees: `python -m ui.screens OUTDIR [--db PATH]`.

Without --db a demo subdistrict is built in a temporary file (fieldtool.demo). Nothing is written to
the database given: the screens that write (a batch of letters, a plan revision) run on a copy of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screens", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--db", type=Path, help="database to show (default: a fresh demo database)")
    parser.add_argument("--day", help="working date, ISO (default today)")
    parser.add_argument("--office", action="store_true",
                        help="the district office window instead, on a demo office built in a temporary folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import fieldtool.changelog  # noqa: F401
    from db import open_database
    from fieldtool.thai import today_in_thailand
    from ui import i18n, worker
    from ui.app import load_fonts
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication(["fieldtool-screens"])
    load_fonts(app)
    day = date.fromisoformat(args.day) if args.day else today_in_thailand()
    tmp = Path(tempfile.mkdtemp(prefix="fieldtool-screens-"))
    if args.office:
        return _office_screens(args.outdir, day, tmp)
    db_path = args.db
    if db_path is None:
        from fieldtool.demo import build_demo

        db_path = tmp / "demo.sqlite"
        demo = open_database(db_path)
        with demo.session() as s:
            build_demo(s, seed=1, today=day)
        demo.dispose()
    db = open_database(db_path, create=False)
    out = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(widget, name: str) -> None:
        widget.show()
        QApplication.processEvents()
        worker.wait_until_idle()
        QApplication.processEvents()
        path = out / f"{name}.png"
        widget.grab().save(str(path), "PNG")
        written.append(path)

    from ui.loans.dialogs import DisburseDialog, PaymentDialog, RestructureDialog
    from ui.mainwindow import PAGES, MainWindow
    from ui.today.delivery import DeliveryDialog
    from ui.today.view import TodayView

    i18n.set_language("th")
    win = MainWindow(db, day)
    for page in PAGES:
        win.show_page(page)
        save(win, f"main-{page}")

    rows = win.register.model.rows
    busy = [r for r in rows if r.stage == "ask"] or rows
    loan_id = max(busy, key=lambda r: r.days_overdue).id if busy else None
    if loan_id:
        page = win.open_loan(loan_id)
        for i in range(page.tabs.count()):
            page.tabs.setCurrentIndex(i)
            save(page, f"loan-tab{i + 1}")
        page.close()
        restructured = [r for r in rows if r.stage in ("follow", "ask")]
        pay = PaymentDialog(db, loan_id, day, parent=win)
        pay.amount.setText("สองพัน")
        pay.accept()  # refused: not a number; the sentence shows in the dialog
        save(pay, "dialog-payment-error")
        pay.close()
        if restructured:
            dlg = RestructureDialog(db, restructured[0].id, day, 6, "monthly", parent=win)
            save(dlg, "dialog-restructure")
            dlg.close()
    prevent = [r for r in rows if r.stage == "prevent"]
    if prevent:
        page = win.open_loan(prevent[0].id)
        page.tabs.setCurrentIndex(3)
        save(page, "loan-prevent-stage")
        dlg = DisburseDialog(db, prevent[0].id, day, page.data.open_items, parent=win)
        dlg.accept()  # refused without a reason while items are open
        save(dlg, "dialog-disburse-refused")
        dlg.close()
        page.close()
    from ui.syncdialog import FieldSyncDialog

    sync_dialog = FieldSyncDialog(db, parent=win)  # shows the state; writes nothing until a button is used
    save(sync_dialog, "dialog-sync")
    sync_dialog.close()
    reminders = win.today.notices.rows + win.today.asks.rows
    if reminders:
        dlg = DeliveryDialog(db, reminders[0], day, db.setting("officer"), parent=win)
        save(dlg, "dialog-delivery")
        dlg.close()

    i18n.set_language("en")  # not win.set_language: that would store the choice in the database
    win.retranslate()
    for page in PAGES:
        win.show_page(page)
        save(win, f"main-{page}-en")
    if loan_id:
        page = win.open_loan(loan_id)
        save(page, "loan-tab1-en")
        page.close()
    i18n.set_language("th")
    win.close()

    work_path = tmp / "work.sqlite"
    _copy_database(db_path, work_path)
    work = open_database(work_path, create=False)
    _field_screens(work, day, save, tmp)
    i18n.set_language("en")
    _field_screens(work, day, save, tmp, suffix="-en", only=("household-plan", "visit-new", "letter-preview"))
    i18n.set_language("th")

    empty = open_database(tmp / "empty.sqlite")
    today_view = TodayView(empty, day)
    today_view.resize(1000, 500)
    today_view.refresh()
    save(today_view, "today-empty")
    today_view.close()
    from ui.households.register import HouseholdsView
    from ui.plans.summary import PlansSummaryView
    from ui.visits.log import VisitsView

    for name, view in (
        ("households-empty", HouseholdsView(empty, day)),
        ("visits-empty", VisitsView(empty, day)),
        ("plans-empty", PlansSummaryView(empty, day)),
    ):
        view.resize(1100, 600)
        view.refresh()
        save(view, name)
        view.close()
    work.dispose()

    worker.wait_until_idle()
    empty.dispose()
    db.dispose()
    for path in written:
        print(path)
    return 0


def _office_screens(out: Path, day: date, tmp: Path) -> int:
    """Every page of the office window on the demo office, after importing its USB stick; a new office."""
    from db.office import open_office
    from exports.office_demo import build_office_demo
    from ui import i18n, worker
    from ui.office.window import OFFICE_PAGES, OfficeWindow
    from ui.qt import QApplication

    out.mkdir(parents=True, exist_ok=True)
    made = build_office_demo(tmp / "district", day)
    db = open_office(made["office"])
    written = []

    def save(widget, name: str) -> None:
        widget.show()
        QApplication.processEvents()
        worker.wait_until_idle(120_000)
        QApplication.processEvents()
        path = out / f"{name}.png"
        widget.grab().save(str(path), "PNG")
        written.append(path)

    for lang in ("th", "en"):
        i18n.set_language(lang)
        win = OfficeWindow(db, day)
        suffix = "" if lang == "th" else "-en"
        if lang == "th":
            save(win, "office-import-before")
            win.imports.start([Path(made["usb"])])
            worker.wait_until_idle(120_000)
        for page in OFFICE_PAGES:
            win.show_page(page)
            save(win, f"office-{page}{suffix}")
        win.show_page("conflicts")
        win.conflicts.tabs.setCurrentIndex(1)
        win.conflicts.restructure_view.selectRow(0)
        save(win, f"office-restructures{suffix}")
        win.close()
    i18n.set_language("th")
    new = open_office(tmp / "new-office.sqlite")
    win = OfficeWindow(new, day)
    save(win, "office-new-devices")
    win.show_page("report")
    save(win, "office-new-report")
    win.close()
    worker.wait_until_idle()
    new.dispose()
    db.dispose()
    for path in written:
        print(path)
    return 0


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (WAL included), for the screens that write."""
    import sqlite3

    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def _demo_photos(folder: Path) -> list[Path]:
    """Two small photos to show thumbnails: a field (green) and a document (white), one with a GPS tag."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, colour in (("photo-field.jpg", (86, 140, 60)), ("photo-book.jpg", (236, 232, 220))):
        img = Image.new("RGB", (640, 480), colour)
        draw = ImageDraw.Draw(img)
        for y in range(0, 480, 40):
            draw.line([(0, y), (640, y + 60)], fill=(colour[0] // 2, colour[1] // 2, colour[2] // 2), width=6)
        path = folder / name
        exif = Image.Exif()
        if name == "photo-field.jpg":
            gps = exif.get_ifd(0x8825)
            gps[1], gps[2] = "N", (15.0, 14.0, 24.36)
            gps[3], gps[4] = "E", (105.0, 13.0, 48.72)
        img.save(path, "JPEG", exif=exif)
        paths.append(path)
    return paths


def _field_screens(db, day, save, tmp: Path, suffix: str = "", only: tuple[str, ...] = ()) -> None:
    """Households, plans, visits, letters: the screens of issues 3 and 4, on a copy of the database."""
    from sqlalchemy import select

    from fieldtool.models import HouseholdPlan
    from ui import worker
    from ui.households.dialogs import AddHouseholdDialog
    from ui.households.page import HouseholdPage
    from ui.letters.dialogs import LetterDialog, OfficeSettingsDialog, TemplateDialog
    from ui.letters.issue import LetterJob
    from ui.qt import QApplication, QWidget
    from ui.visits.data import prefill_from_loan
    from ui.visits.log import VisitDetailsDialog
    from ui.visits.meeting import MeetingDialog
    from ui.visits.newvisit import NewVisitWindow

    def wanted(name: str) -> bool:
        return not only or name in only

    def shot(widget, name: str) -> None:
        save(widget, name + suffix)

    with db.session() as s:
        revised = (
            s.execute(
                select(HouseholdPlan.household_id)
                .where(HouseholdPlan.revision >= 2)
                .order_by(HouseholdPlan.made_on)
            )
            .scalars()
            .first()
        )
        planned = revised or s.scalars(select(HouseholdPlan.household_id)).first()
        from fieldtool import loanbook

        states = loanbook.load_states(s, day)
        overdue = sorted((st for st in states.values() if st.stage == "ask"), key=lambda st: -st.days_overdue)
        loan_id = overdue[0].loan_id if overdue else next(iter(states), None)
    photos = _demo_photos(tmp / "photos")

    if planned and wanted("household-plan"):
        page = HouseholdPage(db, planned, day)
        page.resize(1180, 800)
        if not suffix:
            for i in range(page.tabs.count()):
                page.tabs.setCurrentIndex(i)
                shot(page, f"household-tab{i + 1}")
        page.tabs.setCurrentIndex(page.PLAN_TAB)
        plan = page.plan
        plan.tabs.setCurrentIndex(1)
        shot(page, "household-plan")
        if not suffix:
            if plan.latest and plan.latest.revision > 1:
                plan.revision.setCurrentIndex(0)
                shot(page, "household-plan-earlier")
            plan.start_draft()
            tab = plan.parts["skills"]
            plan.tabs.setCurrentIndex(1)
            row = tab.add_action()
            for col, value in enumerate(
                ("อบรมการทำปุ๋ยหมักชีวภาพ", "สำนักงานเกษตรอำเภอ", "15/01/2570", "วิทยากร", "1,500")
            ):
                tab.model.setData(tab.model.index(row, col), value)
            shot(page, "household-plan-draft")
            plan.discard_draft()
            plan.print_plan()
            worker.wait_until_idle()
            QApplication.processEvents()
            if plan.preview is not None:
                plan.preview.resize(900, 1000)
                shot(plan.preview, "plan-preview")
                plan.preview.close()
        page.close()

    if not suffix:
        dlg = AddHouseholdDialog(db)
        shot(dlg, "dialog-household-add")
        with db.session() as s:
            from fieldtool.models import Household, Person

            hh, head = s.execute(
                select(Household, Person).join(Person, Person.id == Household.head_id)
            ).first()
            village_id, first, last, title = hh.village_id, head.first_name, head.last_name, head.title
        dlg.village.setCurrentIndex(dlg.village.findData(village_id))
        dlg.title_box.setCurrentText(title)
        dlg.first_name.setText(first)
        dlg.last_name.setText(last)
        dlg.needs.set_need("income", "รายได้ไม่พอใช้จ่ายในครัวเรือน")
        dlg.accept()  # refused: looks like the household already registered
        shot(dlg, "dialog-household-duplicate")
        dlg.close()

    if loan_id and wanted("visit-new"):
        window = NewVisitWindow(db, day, prefill_from_loan(db, loan_id))
        window.check_purpose("ask:field")
        window.visited_at.setText("10:30")
        window.place.setText("ที่ทำการกลุ่ม")
        window.people_met.setText("ประธานกลุ่มและสมาชิก 4 คน")
        window.findings.setPlainText("ผลผลิตเสียหายจากฝนทิ้งช่วง สมาชิกขอผ่อนชำระเป็นรายเดือน")
        window.set_collected(loan_id, "1,500")
        window.add_photos([str(p) for p in photos])
        window.gps_from_photos()
        shot(window, "visit-new")
        if not suffix:
            window.accept()  # saved on the copy: the visit as recorded, with its photos
            if window.saved is not None:
                details = VisitDetailsDialog(db, window.saved.visit_id)
                shot(details, "dialog-visit-details")
                details.close()
        window.close()
        if not suffix:
            empty_window = NewVisitWindow(db, day)
            shot(empty_window, "visit-new-empty")
            empty_window.close()

    if not suffix and loan_id:
        dlg = MeetingDialog(db, day, None, [loan_id])
        shot(dlg, "dialog-meeting")
        dlg.close()
        dlg = LetterDialog(db, loan_id, day, "meeting", "<b>ตัวอย่าง</b>")
        dlg.meeting_place.setText("ศาลาประชาคมหมู่บ้าน")
        shot(dlg, "dialog-letter-meeting")
        dlg.close()
        dlg = OfficeSettingsDialog(db)
        shot(dlg, "dialog-office")
        dlg.close()
        dlg = TemplateDialog(db)
        dlg.body.setPlainText(dlg.body.toPlainText() + "\n\nโปรดติดต่อ {officer_phone}")
        dlg.accept()  # refused: an unknown placeholder
        shot(dlg, "dialog-template-error")
        dlg.close()
    if wanted("letter-preview"):
        from fieldtool import letters

        holder = QWidget()  # the window the job reports to
        holder.resize(400, 300)
        job = LetterJob(
            holder,
            db,
            "หนังสือประจำวัน",
            lambda s: letters.letters_due(s, day),
            day,
            f"screens-{day.isoformat()}",
            with_dispatch=True,
        )
        if not suffix:
            job._progressed(37, 77)  # what the bar looks like half way
            shot(job.dialog, "letters-progress")
        job.start()
        worker.wait_until_idle(120_000)
        QApplication.processEvents()
        if job.preview is not None:
            job.preview.resize(900, 1040)
            shot(job.preview, "letter-preview")
            job.preview.close()
        elif job.error:
            print(f"letters: {job.error}", file=sys.stderr)
        holder.close()


if __name__ == "__main__":
    sys.exit(main())
