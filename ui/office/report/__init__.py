"""รายงานระดับอำเภอ: the district report page of the office window, from `fieldtool.district.office_report`.

The clerk picks the fiscal year (and one quarter if wanted) and how rows are broken down; the page shows
whether every total adds up (a green or red banner, failing cells in red), charts of arrears and PAR30
by subdistrict, one table per section (rows × fiscal quarters, a bold totals row computed from the data),
the report's problems, and saves the same report as Excel or PDF. The page only shows what the domain
computed: no figure is added up here, no SQL is run, no sentence is taken apart.

    model.py     the screen's words for the domain's values, and a section's table model
    header.py    the two-tier header (quarters over their figures) and column widths
    overview.py  the first page: charts (ui.charts), the district's totals, sources, problems
    view.py      the page: choices, banner, section pages, loading and exports
"""

from ui.office.report.header import GroupedHeader, fit_report_columns, report_table_view
from ui.office.report.model import BAD_FILL, GROUP_ROLE, QUARTER_COLOURS, ReportTableModel
from ui.office.report.overview import Overview, TotalLine, chart_series, fill_chart
from ui.office.report.view import DistrictReportView, SectionPage, SeveralDistricts, load_report

__all__ = [
    "BAD_FILL",
    "GROUP_ROLE",
    "QUARTER_COLOURS",
    "DistrictReportView",
    "GroupedHeader",
    "Overview",
    "ReportTableModel",
    "SectionPage",
    "SeveralDistricts",
    "TotalLine",
    "chart_series",
    "fill_chart",
    "fit_report_columns",
    "load_report",
    "report_table_view",
]
