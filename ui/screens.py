"""Render every screen to PNG files, to look at what an officer sees: `python -m ui.screens OUTDIR [--db PATH]`.

Without --db a demo subdistrict is built in a temporary file (fieldtool.demo). Nothing is written to
the database: the dialogs are shown with refused input only.
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
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import fieldtool.changelog  # noqa: F401
    from db import open_database
    from ui import i18n, worker
    from ui.app import load_fonts
    from ui.qt import QApplication

    app = QApplication.instance() or QApplication(["fieldtool-screens"])
    load_fonts(app)
    day = date.fromisoformat(args.day) if args.day else date.today()
    tmp = Path(tempfile.mkdtemp(prefix="fieldtool-screens-"))
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

    empty = open_database(tmp / "empty.sqlite")
    today_view = TodayView(empty, day)
    today_view.resize(1000, 500)
    today_view.refresh()
    save(today_view, "today-empty")
    today_view.close()

    worker.wait_until_idle()
    empty.dispose()
    db.dispose()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
