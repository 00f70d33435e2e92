"""The district report page: the choices (fiscal year, quarter, rows by), the check's banner, the overview and
one page per section, and the exports.

The report is loaded off the UI thread from the domain's read model (`fieldtool.district.office_report`); the
page shows what the domain computed and says in the screen's language what the domain said in both.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db import Database
from exports import palette
from exports.report_pdf import write_report_pdf
from exports.report_xlsx import write_report_xlsx
from fieldtool.district import (
    DistrictReport,
    Section,
    SeveralDistricts,
    fiscal_quarters,
    office_report,
)
from fieldtool.district_areas import ProblemCode
from fieldtool.thai import BE_OFFSET, InputError, fiscal_year
from fieldtool.whole_file import check_writable
from ui import worker
from ui.i18n import language, local_time_text, long_day_text, text_of, tr
from ui.office.report.header import fit_report_columns, report_table_view
from ui.office.report.model import (
    RED,
    ReportTableModel,
    months_text,
    section_about,
    section_title_text,
)
from ui.office.report.overview import Overview
from ui.qt import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    emit,
)
from ui.widgets import MessageBar, section_title

BREAKDOWNS = ("subdistrict", "village", "fund")
EXPORT_FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}
MUTED = f"QLabel {{ color: {palette.MUTED_TEXT}; }}"


def load_report(db: Database, fy: int, on: date, quarter: int | None) -> DistrictReport | None:
    """The report, or None while nothing has been imported into the office database (runs off the UI thread)."""
    with db.session() as s:
        return office_report(s, fy, on, quarter)


class SectionPage(QWidget):
    """One section: its title, how its figures are taken, the table, and its totals that do not match."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = section_title("")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setStyleSheet(MUTED)
        self.note = QLabel()
        self.note.setStyleSheet(f"QLabel {{ color: {palette.LEVEL_TEXT['warning']}; }}")
        self.note.hide()
        self.model = ReportTableModel(self)
        self.view = report_table_view(self.model)
        self.failures = QLabel()
        self.failures.setWordWrap(True)
        self.failures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        background, text = palette.FAILURE_NOTE
        self.failures.setStyleSheet(
            f"QLabel {{ background: {background}; color: {text}; padding: 6px 10px; border-radius: 4px; }}")
        self.failures.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.about, self.note):
            layout.addWidget(widget)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.failures)

    def show_section(self, report: DistrictReport, sec: Section, by: str) -> None:
        kinds = {t.by for t in sec.tables}
        shown = by if by in kinds else "subdistrict"
        table = sec.table(shown)
        self.title.setText(section_title_text(sec))
        self.about.setText(section_about(sec))
        self.note.setText(tr("office_report.no_fund_table"))
        self.note.setVisible(shown != by)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_table(report, sec, table)
        fit_report_columns(self.view)
        failed = [c for c in table.checks if not c.ok]
        if failed:
            lines = [text_of(c.reason) for c in failed[:6] if c.reason]
            if len(failed) > 6:
                lines.append(tr("office_report.more", n=len(failed) - 6))
            self.failures.setText(tr("office_report.failed_here", n=len(failed)) + "\n• " + "\n• ".join(lines))
            self.failures.setToolTip("\n".join(c.explanation for c in failed))  # both languages
        self.failures.setVisible(bool(failed))


class DistrictReportView(QWidget):
    """The district report page: `refresh()` loads in the background, `loaded` follows each load shown."""

    loaded = Signal()
    exported = Signal(str)  # the path of a file just saved

    def __init__(self, db: Database, day: date, parent=None):
        super().__init__(parent)
        self.db = db
        self.day = day
        self.stale = True
        self.report: DistrictReport | None = None
        self.empty = False  # nothing imported into the office database yet
        self.loads = worker.Latest(self)
        self._fy_follows_day = True

        self.title = section_title(tr("office_report.page"))
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet(MUTED)
        self.fy_box = QComboBox()
        self.quarter_box = QComboBox()
        self.by_box = QComboBox()
        for by in BREAKDOWNS:
            self.by_box.addItem(tr(f"office_report.by.{by}"), by)
        self.xlsx_button = QPushButton(tr("office_report.export_xlsx"))
        self.pdf_button = QPushButton(tr("office_report.export_pdf"))
        self.xlsx_button.clicked.connect(lambda: self._ask_and_export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self._ask_and_export("pdf"))
        self._fill_years()
        self._fill_quarters()
        self.fy_box.activated.connect(self._fy_chosen)
        self.quarter_box.activated.connect(lambda _i: self.refresh())
        self.by_box.currentIndexChanged.connect(lambda _i: self._show_sections())
        controls = QHBoxLayout()
        for label, box in ((tr("office_report.fy"), self.fy_box), (tr("office_report.quarter"), self.quarter_box),
                           (tr("office_report.by"), self.by_box)):
            controls.addWidget(QLabel(label))
            controls.addWidget(box)
            controls.addSpacing(12)
        controls.addStretch(1)
        controls.addWidget(self.xlsx_button)
        controls.addWidget(self.pdf_button)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.message = MessageBar()

        # the overview (charts, the district's totals by quarter, sources, problems), then a page per section
        self.overview = Overview()
        self.arrears_chart, self.par30_chart = self.overview.arrears_chart, self.overview.par30_chart
        self.totals_view, self.sources, self.sources_view = (
            self.overview.totals_view, self.overview.sources, self.overview.sources_view)
        self.problems, self.problems_title = self.overview.problems, self.overview.problems_title
        self.pages = QStackedWidget()
        self.pages.addWidget(self.overview)
        self.section_pages: dict[str, SectionPage] = {}
        self.contents = QListWidget()
        self.contents.setStyleSheet("QListWidget::item { padding: 4px 6px; }")
        self.contents.addItem(QListWidgetItem(tr("office_report.overview")))
        self.contents.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.contents.setCurrentRow(0)
        self.report_area = QSplitter(Qt.Orientation.Horizontal)
        self.report_area.addWidget(self.contents)
        self.report_area.addWidget(self.pages)
        self.report_area.setStretchFactor(1, 1)
        self.report_area.setSizes([200, 1000])

        self.empty_page = self._empty_page()
        self.loading_page = QLabel(tr("office_report.loading"))
        self.loading_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_page.setStyleSheet(MUTED)
        self.body = QStackedWidget()
        for page in (self.loading_page, self.report_area, self.empty_page):
            self.body.addWidget(page)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(controls)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(self.body, 1)
        self.subtitle.hide()
        self._set_exports_enabled(False)

    @property
    def totals(self):
        """The overview's table of the district's totals (a new model for every report)."""
        return self.overview.totals

    def _empty_page(self) -> QWidget:
        """Nothing imported yet: say so, and what to do."""
        page, card = QWidget(), QWidget()
        card.setObjectName("emptyCard")
        card.setStyleSheet("QWidget#emptyCard { background: #ffffff; border: 1px solid #cfd8dc; border-radius: 6px; }")
        card.setFixedWidth(680)
        cl = QVBoxLayout(card)
        cl.setContentsMargins(28, 24, 28, 24)
        self.empty_title = section_title(tr("office_report.empty_title"))
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(tr("office_report.empty_body"))
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setStyleSheet(MUTED)
        # a wrapped label inside a centred box is not asked its height for its width: give it
        self.empty_text.setFixedWidth(680 - 56)
        self.empty_text.setMinimumHeight(self.empty_text.heightForWidth(680 - 56))
        cl.addWidget(self.empty_title)
        cl.addSpacing(8)
        cl.addWidget(self.empty_text)
        ep = QVBoxLayout(page)
        ep.addStretch(1)
        ep.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        ep.addStretch(2)
        return page

    # --- the choices -------------------------------------------------------------------------------------

    def _fill_years(self) -> None:
        current = fiscal_year(self.day)
        chosen = current if self._fy_follows_day else (self.fy_box.currentData() or current)
        self.fy_box.clear()
        for fy in range(current, current - 6, -1):
            ce_first = fy - BE_OFFSET - 1
            first, last = (fy - 1, fy) if language() == "th" else (ce_first, ce_first + 1)
            self.fy_box.addItem(tr("office_report.fy_item", fy=fy, first=first, last=last), fy)
        if self.fy_box.findData(chosen) < 0:
            self.fy_box.addItem(str(chosen), chosen)
        self.fy_box.setCurrentIndex(self.fy_box.findData(chosen))

    def _fill_quarters(self) -> None:
        chosen = self.quarter_box.currentData()
        self.quarter_box.clear()
        self.quarter_box.addItem(tr("office_report.quarter_all"), None)
        for q in fiscal_quarters(self.fiscal_year(), self.day):
            self.quarter_box.addItem(tr("office_report.quarter_item", n=q.no, months=months_text(q)), q.no)
        self.quarter_box.setCurrentIndex(max(0, self.quarter_box.findData(chosen)) if chosen else 0)

    def fiscal_year(self) -> int:
        return self.fy_box.currentData()

    def quarter(self) -> int | None:
        return self.quarter_box.currentData()

    def breakdown(self) -> str:
        return self.by_box.currentData()

    def set_fiscal_year(self, fy: int, quarter: int | None = None) -> None:
        """Choose the year (and one quarter, or None for the whole year) and load it."""
        index = self.fy_box.findData(fy)
        if index < 0:
            self.fy_box.addItem(str(fy), fy)
            index = self.fy_box.count() - 1
        self.fy_box.setCurrentIndex(index)
        self._fy_follows_day = fy == fiscal_year(self.day)
        self._fill_quarters()
        self.quarter_box.setCurrentIndex(max(0, self.quarter_box.findData(quarter)) if quarter else 0)
        self.refresh()

    def set_breakdown(self, by: str) -> None:
        self.by_box.setCurrentIndex(self.by_box.findData(by))

    def _fy_chosen(self, _index: int) -> None:
        self._fy_follows_day = self.fiscal_year() == fiscal_year(self.day)
        self._fill_quarters()
        self.refresh()

    # --- the page contract ----------------------------------------------------------------------------------

    def set_day(self, day: date) -> None:
        self.day = day
        self.stale = True
        self._fill_years()
        self._fill_quarters()

    def refresh(self) -> None:
        self.stale = False
        day, fy, quarter = self.day, self.fiscal_year(), self.quarter()
        self._set_exports_enabled(False)
        if self.report is None:  # nothing to keep showing meanwhile
            self.banner.hide()
            self.loading_page.setText(tr("office_report.loading"))
            self.body.setCurrentWidget(self.loading_page)
        else:
            self._show_banner("plain", tr("office_report.loading"))
        # only the answer to the latest choice of year and quarter is shown
        self.loads.run(lambda: load_report(self.db, fy, day, quarter), self._loaded, self._failed)

    def _loaded(self, rep: DistrictReport | None) -> None:
        self.message.clear_message()
        self.report = rep
        self.empty = rep is None
        if rep is None:
            self.title.setText(tr("office_report.page"))
            self.subtitle.hide()
            self.banner.hide()
            self.body.setCurrentWidget(self.empty_page)
            emit(self.loaded)
            return
        self.body.setCurrentWidget(self.report_area)
        self.subtitle.show()
        self.title.setText(tr("office_report.title", district=rep.district_name or rep.district_code, fy=rep.fy))
        office = rep.office_name or tr("office_report.district_code", code=rep.district_code)
        self.subtitle.setText(tr("office_report.subtitle", office=office, day=long_day_text(rep.on),
                                 made=local_time_text(rep.made_at, zone=True)))
        self._show_check(rep)
        self.overview.show_report(rep)
        self._show_sections()
        self._set_exports_enabled(True)
        emit(self.loaded)

    def _failed(self, exc: BaseException) -> None:
        self.report = None
        self.banner.hide()
        self.loading_page.setText("")  # no figures: the message above says why
        self.body.setCurrentWidget(self.loading_page)
        if isinstance(exc, SeveralDistricts):
            self.message.show_error(tr("office_report.which_district", codes=", ".join(exc.codes)))
        else:
            self.message.show_error(exc)
        emit(self.loaded)

    # --- showing a report -------------------------------------------------------------------------------------

    def _show_banner(self, kind: str, text: str, tooltip: str = "") -> None:
        bg, fg, edge = palette.BANNER[kind]
        self.banner.setStyleSheet(
            f"QLabel {{ background: {bg}; color: {fg}; border: 1px solid {edge}; padding: 8px 12px;"
            " border-radius: 4px; }")
        self.banner.setText(text)
        self.banner.setToolTip(tooltip)
        self.banner.show()

    def _show_check(self, rep: DistrictReport) -> None:
        checks, failed = rep.checks, rep.failed_checks
        errors = [p for p in rep.problems if p.level == "error"]
        others = [p for p in rep.problems if p.level != "error"]
        more = ("\n" + tr("office_report.see_notes", n=len(others))) if others else ""
        if not checks:
            self._show_banner("plain", tr("office_report.check_none", fy=rep.fy, day=long_day_text(rep.on)) + more)
        elif not failed and not errors:
            self._show_banner("ok", tr("office_report.check_ok", n=len(checks)) + more)
        else:
            # the banner's first line counts the failed totals: the domain's problem saying so is not repeated
            reasons = [p.text for p in errors if p.code != ProblemCode.CHECKS_FAILED]
            reasons = reasons or [c.reason for _s, _t, c in failed if c.reason]
            lines = [tr("office_report.check_bad", bad=len(failed), n=len(checks))]
            lines += [f"• {text_of(r)}" for r in reasons[:3]]
            if len(reasons) > 3:
                lines.append(tr("office_report.more", n=len(reasons) - 3))
            self._show_banner("bad", "\n".join(lines) + more, "\n\n".join(str(r) for r in reasons))

    def _show_sections(self) -> None:
        rep = self.report
        if rep is None:
            return
        by = self.breakdown()
        current = self.contents.currentRow()
        for sec in rep.sections:
            page = self.section_pages.get(sec.key)
            if page is None:
                page = self.section_pages[sec.key] = SectionPage()
                self.pages.addWidget(page)
                self.contents.addItem(QListWidgetItem())
            page.show_section(rep, sec, by)
        failing = {s.key for s, _t, _c in rep.failed_checks}
        for i, sec in enumerate(rep.sections, start=1):
            item = self.contents.item(i)
            item.setText(section_title_text(sec) + ("  ✗" if sec.key in failing else ""))
            item.setForeground(RED if sec.key in failing else self.palette().text().color())
            item.setToolTip(section_about(sec))
        self.contents.setCurrentRow(max(0, current))
        # the list as wide as its longest title, the rest for the tables
        wide = self.contents.sizeHintForColumn(0) + 2 * self.contents.frameWidth() + 12
        self.report_area.setSizes([wide, max(400, self.report_area.width() - wide)])

    def show_section(self, key: str) -> SectionPage:
        """Bring one section's page to the front (as a click in the list does) and return it."""
        self.contents.setCurrentRow(1 + [s.key for s in self.report.sections].index(key))
        return self.section_pages[key]

    # --- exports ----------------------------------------------------------------------------------------------

    def _set_exports_enabled(self, enabled: bool) -> None:
        self.xlsx_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)

    def suggested_path(self, kind: str) -> str:
        rep = self.report
        name = tr("office_report.file_name", code=rep.district_code if rep else "", fy=self.fiscal_year())
        if self.quarter():
            name += f"_Q{self.quarter()}"
        return str(Path.home() / f"{name}.{kind}")

    @classmethod
    def ask_export_path(cls, parent, kind: str, suggested: str) -> str:
        """Where to save the report ("" to cancel). Tests replace this."""
        path, _ = QFileDialog.getSaveFileName(parent, tr(f"office_report.save_title_{kind}"), suggested,
                                              EXPORT_FILTERS[kind])
        return path

    def _ask_and_export(self, kind: str) -> None:
        path = DistrictReportView.ask_export_path(self, kind, self.suggested_path(kind))
        if path:
            self.export(kind, path)

    def export_xlsx(self, path: str | Path) -> None:
        self.export("xlsx", path)

    def export_pdf(self, path: str | Path) -> None:
        self.export("pdf", path)

    def export(self, kind: str, path: str | Path) -> None:
        """Save the report shown as `kind` (xlsx or pdf) in the background; the message bar says how it went."""
        rep = self.report
        if rep is None:
            self.message.show_error(tr("office_report.nothing_to_export"))
            return
        out = Path(path)
        if out.suffix.lower() != f".{kind}":
            out = out.with_name(f"{out.name}.{kind}")

        def task():
            check_writable(out)  # one sentence at once for a path that cannot be written
            if kind == "xlsx":
                write_report_xlsx(rep, out)
                return None
            return write_report_pdf(rep, out)

        self._set_exports_enabled(False)
        self.message.show_info(tr("office_report.exporting", path=out))
        worker.run_in_background(task, lambda pages: self._exported(out, pages),
                                 lambda exc: self._export_failed(out, exc), context=self)

    def _exported(self, out: Path, pages: int | None) -> None:
        self._set_exports_enabled(self.report is not None)
        if pages is None:
            self.message.show_info(tr("office_report.saved", path=out))
        else:
            self.message.show_info(tr("office_report.saved_pdf", path=out, pages=pages))
        emit(self.exported, str(out))

    def _export_failed(self, out: Path, exc: BaseException) -> None:
        self._set_exports_enabled(self.report is not None)
        if isinstance(exc, InputError):
            self.message.show_error(exc)
        else:
            self.message.show_error(tr("office_report.export_failed", detail=getattr(exc, "strerror", None) or str(exc)))
