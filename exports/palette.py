"""The district report's colours, once, for the screen, the PDF and the workbook: plain "#rrggbb" strings.

The screen makes QColors of them (ui/office/report/), the PDF ReportLab colours (exports/report_pdf.py) and
the workbook openpyxl fills and fonts (exports/report_xlsx.py, which wants them without the "#": `argb`).
Where paper and screen differ (a grey that prints darker than it shows), both are here, named so.
"""

from __future__ import annotations

# One colour per fiscal quarter, light to dark, told apart in grey print too (bars, legend swatches).
QUARTERS = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")

# A total that does not match the sum of its rows: the cell's shade, and its text; and a check that passed.
BAD_FILL = "#f8cbad"
BAD_TEXT = "#8e1c1c"
OK_TEXT = "#2e7d32"

# Headings and the totals row: on paper (the workbook's and the PDF's ruled tables), on screen.
PRINT_HEADER_FILL = "#d9d9d9"
PRINT_TOTAL_FILL = "#efefef"
HEADER_FILL = "#eceff1"
TOTAL_FILL = "#e8eaed"
GRID = "#b0bec5"  # the screen's table rules
CHART_GRID = "#d9d9d9"  # a chart's value lines, between the bars
CHART_RULE = "#e0e0e0"  # the rule between one label's group of bars and the next

# A quarter not reached yet on the report day.
FUTURE_FILL = "#f3f3f3"
FUTURE_TEXT = "#9e9e9e"

# Quieter text: how figures are taken, an empty chart's sentence.
MUTED_TEXT = "#546e7a"

# One bar colour when a chart has a single series (the plans summary's needs by dimension).
BAR = "#1c5fa8"

# The banner over the report: background, text, edge.
BANNER = {
    "ok": ("#e8f5e9", "#1b5e20", "#81c784"),
    "bad": ("#fdecea", BAD_TEXT, "#e57373"),
    "plain": ("#eceff1", "#37474f", GRID),
}
# A problem's level as its word is coloured in the list of problems.
LEVEL_TEXT = {"error": BAD_TEXT, "warning": "#8d6e00", "note": "#37474f"}
FAILURE_NOTE = ("#fdecea", BAD_TEXT)  # a section's list of totals that do not match: background, text


def argb(colour: str) -> str:
    """"F8CBAD" from "#f8cbad": how openpyxl takes a colour."""
    return colour.lstrip("#").upper()
