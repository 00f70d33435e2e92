"""นำเข้าจาก Excel in the field app: the registers an office already keeps, brought in without a terminal.

`window.ImportWindow` reads a workbook and shows the domain's dry run (what every row would become, the
columns it could not place) before anything is written; `registers` writes the program's own template and
the laptop's registers to Excel. The rules live in `fieldtool.bookimport`; this package only shows them.
"""
