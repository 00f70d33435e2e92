"""Screenshots of every window of the program, in Thai and English, as a 1366×768 and a 1280×720 laptop show
them: `.venv/bin/python scripts/screenshots.py OUTDIR [--only NAME ...] [--size 1366x768] [--lang th]`.

Why: a window that is fine on a developer's large screen can cut Thai text, scroll sideways or hide its Save
button on an officer's laptop. The tests check what they know to check (tests/ui/test_fit.py); a person
looking at every screen finds the rest. Each size runs in a process of its own, on Qt's offscreen platform
given a screen of that size, so every window sizes itself as it would on that laptop. The pictures go to
OUTDIR/<size>/<lang>/<name>.png; a line on stderr names each window that scrolls sideways or has a button
out of sight, to look at first.

Everything is made in a temporary folder: a demo subdistrict (fieldtool.demo) for each language, an empty
database (the set-up wizard, empty pages, the import of a workbook) and the demo district office
(exports.office_demo). The district report page is left out (its screenshots come with its own work).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("1366x768", "1280x720")
LANGS = ("th", "en")
DAY = "2026-11-22"  # the demo's working day: the same pictures on any day they are taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", action="append", choices=SIZES, help="only this screen size (repeatable)")
    parser.add_argument("--lang", action="append", choices=LANGS, help="only this language (repeatable)")
    parser.add_argument("--only", nargs="*", default=[], help="only the pictures whose names start so")
    parser.add_argument("--day", default=DAY, help=f"the working day, ISO (default {DAY})")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _take(args.outdir, args.size[0], args.lang or list(LANGS), args.only, date.fromisoformat(args.day))
    code = 0
    for size in args.size or SIZES:
        width, height = (int(n) for n in size.split("x"))
        with tempfile.TemporaryDirectory(prefix="fieldtool-shots-") as tmp:
            config = Path(tmp) / "screen.json"
            config.write_text(json.dumps({"screens": [
                {"name": size, "x": 0, "y": 0, "width": width, "height": height,
                 "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
            env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
            command = [sys.executable, __file__, str(args.outdir), "--child", "--size", size, "--day", args.day]
            for lang in args.lang or ():
                command += ["--lang", lang]
            if args.only:
                command += ["--only", *args.only]
            code |= subprocess.run(command, env=env, cwd=ROOT).returncode
    return code


# --- one size: every window, in each language ---------------------------------------------------------------


class Camera:
    """Shows a window, lets its background loads finish, and saves what it draws."""

    def __init__(self, folder: Path, only: list[str]):
        self.folder = folder
        self.only = only
        self.count = 0

    def wanted(self, name: str) -> bool:
        return not self.only or any(name.startswith(prefix) for prefix in self.only)

    def shot(self, widget, name: str) -> None:
        if not self.wanted(name):
            return
        widget.show()
        _settle()
        self.folder.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(self.folder / f"{name}.png"), "PNG")
        self.count += 1
        for problem in _problems(widget):
            print(f"{self.folder.parent.name}/{self.folder.name}/{name}: {problem}", file=sys.stderr)


def _problems(window) -> list[str]:
    """What a person should look at first: lists that scroll sideways, buttons cut by the window's edge."""
    from ui.qt import QAbstractButton, QRect, QScrollArea, QTableView

    found = []
    for view in window.findChildren(QTableView):
        if view.isVisibleTo(window) and view.horizontalHeader().length() > view.viewport().width() + 1:
            found.append(f"list scrolls sideways ({view.horizontalHeader().length()} px in {view.viewport().width()})")
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or button.width() == 0 or not button.text():
            continue
        parent, scrolled = button.parentWidget(), False
        while parent is not None and parent is not window:
            scrolled |= isinstance(parent, QScrollArea)
            parent = parent.parentWidget()
        inside = window.rect().contains(QRect(button.mapTo(window, button.rect().topLeft()), button.size()))
        if not scrolled and not inside:
            found.append(f"button {button.text()!r} is cut by the window's edge")
    return found


def _take(outdir: Path, size: str, langs: list[str], only: list[str], day: date) -> int:
    import fieldtool.changelog  # noqa: F401  (the change log's hook, as the app registers it)
    from ui import i18n
    from ui.app import load_fonts
    from ui.pagedwindow import apply_qt_locale
    from ui.qt import QApplication, qInstallMessageHandler

    qInstallMessageHandler(lambda *_: None)  # the offscreen platform's notes on every window
    app = QApplication.instance() or QApplication(["fieldtool-screenshots"])
    load_fonts(app)
    total = 0
    with tempfile.TemporaryDirectory(prefix="fieldtool-shots-") as tmp:
        for lang in langs:
            i18n.set_language(lang)
            apply_qt_locale(lang)
            camera = Camera(outdir / size / lang, only)
            work = Path(tmp) / lang
            work.mkdir()
            for scene in SCENES:
                scene(camera, work, day)
            total += camera.count
    i18n.set_language("th")
    print(f"{size}: {total} pictures in {outdir / size}")
    return 0


# --- the scenes -------------------------------------------------------------------------------------------


def _demo(folder: Path, day: date):
    """The demo subdistrict of this language's run (built once; the scenes write to it as an officer would)."""
    from db import open_database
    from fieldtool.demo import build_demo

    path = folder / "demo.sqlite"
    if not path.exists():
        db = open_database(path)
        with db.session() as s:
            build_demo(s, seed=1, today=day)
        return db
    return open_database(path, create=False)


def _settle() -> None:
    """Background loads answered and their answers shown."""
    from ui import worker
    from ui.qt import QApplication

    for _ in range(2):  # a load answered may start another (a page's counts, then its list)
        QApplication.processEvents()
        worker.wait_until_idle(240_000)
    QApplication.processEvents()


def _done(*widgets) -> None:
    from ui.qt import QApplication

    _settle()
    for widget in widgets:
        widget.close()
        widget.deleteLater()
    QApplication.processEvents()


def _tabs(camera: Camera, window, tabs, name: str) -> None:
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        camera.shot(window, f"{name}-tab{i + 1}")


def _first(db, query):
    with db.session() as s:
        return s.execute(query).scalars().first()


def main_window(camera: Camera, work: Path, day: date) -> None:
    """Every page of the main window, the tabs inside them, and the About box."""
    from ui.mainwindow import PAGES, MainWindow

    db = _demo(work, day)
    win = MainWindow(db, day)
    for page in PAGES:
        win.show_page(page)
        camera.shot(win, f"main-{page}")
    win.show_page("today")
    _tabs(camera, win, win.today.tabs, "main-today")
    win.show_page("arrears")
    _tabs(camera, win, win.arrears.lower, "main-arrears")
    win.show_page("visits")
    _tabs(camera, win, win.visits.tabs, "main-visits")
    win.show_page("plans")
    _tabs(camera, win, win.plans.tabs, "main-plans")
    about = win.show_about()
    camera.shot(about, "dialog-about")
    _done(about, win)
    db.dispose()


def loan_windows(camera: Camera, work: Path, day: date) -> None:
    """The page of the most overdue loan, tab by tab, a loan still in its prevent stage, and their dialogs."""
    from sqlalchemy import select

    from fieldtool import loanbook
    from fieldtool.models import Payment
    from ui.loans.dialogs import CheckDialog, DisburseDialog, PaymentDialog, RestructureDialog, ReverseDialog
    from ui.loans.loanpage import PREVENT_TAB, LoanPage
    from ui.loans.newloan import NewLoanDialog

    db = _demo(work, day)
    with db.session() as s:
        states = loanbook.load_states(s, day)
    overdue = max((st for st in states.values() if st.stage == "ask"), key=lambda st: st.days_overdue).loan_id
    prevent = next(st.loan_id for st in states.values() if st.stage == "prevent")
    page = LoanPage(db, overdue, day)
    _tabs(camera, page, page.tabs, "loan")
    page.tabs.setCurrentIndex(0)
    left = sum(1 for i in page.data.state.instalments if not i.is_paid)
    payment = _first(db, select(Payment).where(Payment.loan_id == overdue, Payment.reverses_id.is_(None)))
    dialogs = [
        (PaymentDialog(db, overdue, day, "<b>" + page.data.info.borrower + "</b>", parent=page), "dialog-payment"),
        (RestructureDialog(db, overdue, day, left, page.data.loan.frequency, parent=page), "dialog-restructure"),
        (NewLoanDialog(db, day), "dialog-newloan"),
    ]
    if payment is not None:
        dialogs.append((ReverseDialog(db, payment.id, payment.paid_on, payment.amount_satang, day, parent=page),
                        "dialog-reverse"))
    for dialog, name in dialogs:
        camera.shot(dialog, name)
        _done(dialog)
    refused = PaymentDialog(db, overdue, day, parent=page)
    refused.amount.setText("สองพัน")
    refused.accept()  # refused: not a number; the sentence shows in the dialog
    camera.shot(refused, "dialog-payment-refused")
    _done(refused, page)

    page = LoanPage(db, prevent, day)
    page.tabs.setCurrentIndex(PREVENT_TAB)
    camera.shot(page, "loan-prevent")
    check = CheckDialog(db, prevent, page.data.open_items[0] if page.data.open_items else "explain", day,
                        parent=page)
    camera.shot(check, "dialog-check")
    disburse = DisburseDialog(db, prevent, day, page.data.open_items, parent=page)
    disburse.accept()  # refused without a reason while items are open
    camera.shot(disburse, "dialog-disburse-refused")
    _done(check, disburse, page)
    db.dispose()


def today_windows(camera: Camera, work: Path, day: date) -> None:
    """Recording a delivery, and the letters of the day: the question, the progress, the preview."""
    from fieldtool import letter_issue, letters
    from ui.letters.dialogs import BatchConfirmDialog
    from ui.letters.issue import LetterJob
    from ui.qt import QWidget
    from ui.today.delivery import DeliveryDialog
    from ui.today.view import TodayView

    db = _demo(work, day)
    today = TodayView(db, day, db.setting("officer"))
    today.refresh()
    _settle()
    camera.shot(today, "today-view")
    for rows, name in ((today.notice_list.model.rows, "dialog-delivery"), (today.ask_list.model.rows, "dialog-delivery-ask")):
        if not rows:
            continue
        reminder = rows[0]
        dialog = DeliveryDialog(db, reminder, day, db.setting("officer"))
        camera.shot(dialog, name)
        _done(dialog)
    with db.session() as s:
        due = letters.letters_due(s, day)
        outline = letter_issue.outline(s, due)
    confirm = BatchConfirmDialog(outline)
    camera.shot(confirm, "dialog-letters-batch")
    _done(confirm, today)
    if camera.wanted("letters-"):
        holder = QWidget()
        job = LetterJob(holder, db, "หนังสือประจำวัน", lambda s: letters.letters_due(s, day)[:3], day,
                        f"shots-{day.isoformat()}", with_dispatch=True)
        job._progressed(1, 3)  # what the bar looks like on the way
        camera.shot(job.dialog, "letters-progress")
        job.start()
        _done()
        if job.preview is not None:
            camera.shot(job.preview, "letters-preview")
            _done(job.preview)
        _done(job.dialog, holder)
    db.dispose()


def household_windows(camera: Camera, work: Path, day: date) -> None:
    """A household with a revised plan: its page tab by tab, the plan's parts, a draft, its dialogs."""
    from sqlalchemy import select

    from fieldtool import plans
    from fieldtool.models import HouseholdPlan
    from ui.households.dialogs import AddHouseholdDialog, NeedsDialog
    from ui.households.page import HouseholdPage
    from ui.plans.progress import ActionProgressDialog

    db = _demo(work, day)
    household = _first(db, select(HouseholdPlan.household_id).where(HouseholdPlan.revision >= 2))
    page = HouseholdPage(db, household, day)
    _tabs(camera, page, page.tabs, "household")
    page.tabs.setCurrentIndex(page.PLAN_TAB)
    _tabs(camera, page, page.plan.tabs, "household-plan")
    page.plan.start_draft()
    camera.shot(page, "household-plan-draft")
    page.plan.discard_draft()
    if camera.wanted("plan-preview"):
        page.plan.print_plan()
        _done()
        if page.plan.preview is not None:
            camera.shot(page.plan.preview, "plan-preview")
            _done(page.plan.preview)
    with db.session() as s:
        view = plans.plan_view(s, household, day)
    action = view.actions[0] if view and view.actions else None
    dialogs = [(NeedsDialog(db, household, dict(page.data.view.needs), parent=page), "dialog-needs"),
               (AddHouseholdDialog(db), "dialog-household-add")]
    if action is not None:
        dialogs.append((ActionProgressDialog(db, action.id, action.what, action.status, day, parent=page),
                        "dialog-plan-progress"))
    for dialog, name in dialogs:
        camera.shot(dialog, name)
        _done(dialog)
    _done(page)
    db.dispose()


def visit_windows(camera: Camera, work: Path, day: date) -> None:
    """The new-visit window (about an overdue loan, and empty), a meeting, a visit recorded."""
    from sqlalchemy import select

    from fieldtool import loanbook
    from fieldtool.models import Visit
    from ui.visits.data import prefill_from_loan
    from ui.visits.log import VisitDetailsDialog
    from ui.visits.meeting import MeetingDialog
    from ui.visits.newvisit import NewVisitWindow

    db = _demo(work, day)
    with db.session() as s:
        states = loanbook.load_states(s, day)
    overdue = max(states.values(), key=lambda st: st.days_overdue).loan_id
    window = NewVisitWindow(db, day, prefill_from_loan(db, overdue))
    window.check_purpose("ask:field")
    window.findings.setPlainText("ผลผลิตเสียหายจากฝนทิ้งช่วง สมาชิกขอผ่อนชำระเป็นรายเดือน")
    window.about.set_collected(overdue, "1,500")
    camera.shot(window, "visit-new")
    _done(window)
    window = NewVisitWindow(db, day)
    camera.shot(window, "visit-new-empty")
    _done(window)
    meeting = MeetingDialog(db, day, None, [overdue])
    camera.shot(meeting, "dialog-meeting")
    _done(meeting)
    visit = _first(db, select(Visit.id).order_by(Visit.visited_on.desc()))
    details = VisitDetailsDialog(db, visit)
    camera.shot(details, "dialog-visit-details")
    _done(details)
    db.dispose()


def letter_windows(camera: Camera, work: Path, day: date) -> None:
    """One letter's choice, the office's letter settings and the template (with a refusal)."""
    from fieldtool import loanbook
    from ui.letters.dialogs import LetterDialog, OfficeSettingsDialog, TemplateDialog

    db = _demo(work, day)
    with db.session() as s:
        loan = next(st.loan_id for st in loanbook.load_states(s, day).values() if st.stage == "ask")
    letter = LetterDialog(db, loan, day, "meeting", "<b>ตัวอย่าง</b>")
    letter.meeting_place.setText("ศาลาประชาคมหมู่บ้าน")
    camera.shot(letter, "dialog-letter")
    office = OfficeSettingsDialog(db)
    camera.shot(office, "dialog-office-settings")
    template = TemplateDialog(db)
    camera.shot(template, "dialog-template")
    template.body.setPlainText(template.body.toPlainText() + "\n\nโปรดติดต่อ {officer_phone}")
    template.accept()  # refused: a placeholder the letters do not know
    camera.shot(template, "dialog-template-refused")
    _done(letter, office, template)
    db.dispose()


def keeping_windows(camera: Camera, work: Path, day: date) -> None:
    """Sync with the office, backup and restore (with a backup chosen), a passphrase, starting one's own."""
    from exports import backup
    from ui.backup.dialogs import BackupDialog, RestoreDialog
    from ui.passphrase import PassphraseDialog
    from ui.setup.own import StartOwnDialog
    from ui.syncdialog import FieldSyncDialog

    db = _demo(work, day)
    for dialog, name in ((FieldSyncDialog(db), "dialog-sync"), (BackupDialog(db), "dialog-backup"),
                         (RestoreDialog(db), "dialog-restore"), (PassphraseDialog(), "dialog-passphrase"),
                         (StartOwnDialog(db), "dialog-start-own")):
        camera.shot(dialog, name)
        _done(dialog)
    if camera.wanted("dialog-restore-chosen"):
        (work / "usb").mkdir()
        backup.write_backup(db, work / "usb")  # on the USB stick, under its own name
        restore = RestoreDialog(db)
        restore.load(next((work / "usb").iterdir()))
        camera.shot(restore, "dialog-restore-chosen")
        _done(restore)
    db.dispose()


def setup_windows(camera: Camera, work: Path, day: date) -> None:
    """The first-run wizard page by page on a new database, and the settings tab by tab on the demo."""
    from db import open_database
    from ui.setup.settings import SettingsDialog
    from ui.setup.villages import ManyVillagesDialog
    from ui.setup.wizard import SetupWizard

    empty = open_database(work / "new.sqlite")
    wizard = SetupWizard(empty)
    for n, page_id in enumerate(wizard.pageIds(), start=1):
        wizard.setStartId(page_id)
        wizard.restart()
        camera.shot(wizard, f"setup-wizard-page{n}")
    _done(wizard)
    empty.dispose()
    db = _demo(work, day)
    settings = SettingsDialog(db)
    _tabs(camera, settings, settings.tabs, "dialog-settings")
    villages = ManyVillagesDialog({1, 2, 3})
    camera.shot(villages, "dialog-villages")
    _done(settings, villages)
    db.dispose()


def _same_place(source, target) -> None:
    """`target` set up for the subdistrict of `source`: its officer, place, villages and funds, no books."""
    from fieldtool import funds, registry, setup

    with source.session() as s:
        view = setup.setup_view(s)
    target.set_setting("officer", view.officer)
    with target.session() as s:
        p = view.place
        sub = registry.setup_subdistrict(s, (p.province_code, p.province), (p.district_code, p.district),
                                         (p.subdistrict_code, p.subdistrict))
        for village in view.villages:
            registry.add_village(s, sub.id, village.moo, village.name)
        for fund in view.funds:
            funds.add_fund(s, fund.name, fund.kind, rate_bp=fund.rate_bp)


def import_windows(camera: Camera, work: Path, day: date) -> None:
    """Excel import into a laptop set up for the same subdistrict with no books yet: the start, the preview
    of the demo's registers, what was imported."""
    from db import open_database
    from exports.registers_xlsx import write_registers
    from fieldtool.registers_book import register_book
    from ui.importer.window import ImportWindow

    db = _demo(work, day)
    with db.session() as s:
        book = register_book(s)
    path = work / "registers.xlsx"
    write_registers(book, day, path)
    empty = open_database(work / "import.sqlite")
    _same_place(db, empty)
    db.dispose()
    window = ImportWindow(empty, today=day)
    camera.shot(window, "import-start")
    window.load(path)
    _settle()
    camera.shot(window, "import-preview")
    if camera.wanted("import-done"):
        window.preview.skip_box.setChecked(True)  # the two rows the demo repeats are left out
        window.start_import()
        _settle()
        camera.shot(window, "import-done")
    _done(window)
    empty.dispose()


def empty_pages(camera: Camera, work: Path, day: date) -> None:
    """The main window on a database with nothing in it yet: every page says so in a sentence."""
    from db import open_database
    from ui.mainwindow import PAGES, MainWindow

    empty = open_database(work / "nothing.sqlite")
    win = MainWindow(empty, day)
    for page in PAGES:
        win.show_page(page)
        camera.shot(win, f"empty-{page}")
    _done(win)
    empty.dispose()


def office_windows(camera: Camera, work: Path, day: date) -> None:
    """The district office window on its demo: before and after the USB stick's bundles, each page but the
    report, the conflicts' second list, revoking a laptop's key, a seed for a laptop, the About box."""
    if not camera.wanted("office"):
        return
    from db.office import open_office
    from exports.office_demo import build_office_demo
    from ui.office.devices import RevokeDialog
    from ui.office.window import OFFICE_PAGES, OfficeWindow

    made = build_office_demo(work / "district", day)
    db = open_office(made["office"])
    win = OfficeWindow(db, day)
    camera.shot(win, "office-import-before")
    win.imports.start([Path(made["usb"])])
    _settle()
    for page in OFFICE_PAGES:
        if page != "report":
            win.show_page(page)
            camera.shot(win, f"office-{page}")
    win.show_page("conflicts")
    _tabs(camera, win, win.conflicts.tabs, "office-conflicts")
    laptops = win.devices.model.rows if hasattr(win.devices, "model") else []
    if laptops:
        revoke = RevokeDialog(laptops[0], win)
        camera.shot(revoke, "office-dialog-revoke")
        _done(revoke)
    try:
        from ui.office.seed import SeedDialog
    except ImportError:  # (the seed for a laptop is newer than this script's first version)
        SeedDialog = None  # noqa: N806
    if SeedDialog is not None:
        seed = SeedDialog(db, win)
        camera.shot(seed, "office-dialog-seed")
        _done(seed)
    about = win.show_about()
    camera.shot(about, "office-dialog-about")
    _done(about, win)
    db.dispose()


SCENES: tuple[Callable[[Camera, Path, date], None], ...] = (
    main_window, loan_windows, today_windows, household_windows, visit_windows, letter_windows,
    keeping_windows, setup_windows, import_windows, empty_pages, office_windows,
)

if __name__ == "__main__":
    sys.exit(main())
