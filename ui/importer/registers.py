"""แม่แบบนำเข้า (Excel)… and ส่งออกทะเบียน (Excel)… from the File menu: the same workbooks as the command
line's `import-template` and `export-registers`, written in the background to a path the officer chooses.

The status bar names the file written (or says in one sentence why it could not be); the file appears only
when it is complete (`exports.registers_xlsx` writes beside it and moves it into place).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from db import Database
from fieldtool.places import current_place
from fieldtool.thai import InputError, today_in_thailand
from ui import worker
from ui.i18n import error_text, tr
from ui.importer.model import KINDS
from ui.qt import QFileDialog

if TYPE_CHECKING:
    from exports.registers_xlsx import Written

MESSAGE_MS = 20_000


class ChooseSavePath:
    """Where to write a workbook ("" when cancelled). Tests replace `ask`."""

    @classmethod
    def ask(cls, parent, title: str, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, tr("importer.xlsx_filter"))
        return path


def as_xlsx(path: str | Path) -> Path:
    """The chosen path, with .xlsx added when the officer typed a name without it."""
    out = Path(path).expanduser()
    return out if out.suffix.lower() == ".xlsx" else out.with_name(out.name + ".xlsx")


def template_file(db: Database, out: Path) -> tuple[Written, bool]:
    """Write the empty template with this laptop's villages and funds as choices; (written, lists filled)."""
    from exports.registers_xlsx import write_template  # openpyxl loads when a workbook is written
    from fieldtool.registers_book import template_choices

    with db.session() as s:
        choices = template_choices(s)
    return write_template(choices, out), bool(choices.villages and choices.funds)


def registers_file(db: Database, out: Path, today: date) -> Written:
    from exports.registers_xlsx import write_registers
    from fieldtool.registers_book import register_book

    with db.session() as s:
        book = register_book(s)
    return write_registers(book, today, out)


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{tr(f'importer.kind.{k}')} {counts.get(k, 0):,}" for k in KINDS)


def save_template(window) -> bool:
    """Ask where, then write the template in the background; False when the officer cancelled."""
    path = ChooseSavePath.ask(window, tr("importer.template.title"), str(Path.home() / tr("importer.template.name")))
    if not path:
        return False
    out, db = as_xlsx(path), window.db
    _run(window, tr("importer.template.writing", path=str(out)), lambda: template_file(db, out),
         lambda answer: tr("importer.template.saved" if answer[1] else "importer.template.saved_empty",
                           path=str(answer[0].path)))
    return True


def export_registers(window, today: date | None = None) -> bool:
    """Ask where, then write the laptop's registers in the background; False when the officer cancelled."""
    today = today or today_in_thailand()
    with window.db.session() as s:
        place = current_place(s)
    name = tr("importer.export.name", place=place.subdistrict if place else "fieldtool", day=today.isoformat())
    path = ChooseSavePath.ask(window, tr("importer.export.title"), str(Path.home() / name))
    if not path:
        return False
    out, db = as_xlsx(path), window.db
    _run(window, tr("importer.export.writing", path=str(out)), lambda: registers_file(db, out, today),
         lambda written: tr("importer.export.saved", path=str(written.path), counts=counts_text(written.counts)))
    return True


def _run(window, writing: str, task, saved) -> None:
    status = window.statusBar()
    status.showMessage(writing)

    def failed(exc: BaseException) -> None:
        text = error_text(exc) if isinstance(exc, InputError) else tr("importer.write_failed", detail=str(exc))
        status.showMessage(text, MESSAGE_MS)

    worker.run_in_background(task, lambda answer: status.showMessage(saved(answer), MESSAGE_MS), failed, window)
