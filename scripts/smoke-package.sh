#!/usr/bin/env bash
# Smoke test of the built program (dist/fieldtool/, from `make package`): runs the executable, never the
# source, through what an office does on its first day and on an upgrade: init (also in the default data
# folder), the demo, reminders --json, a demand letter in PDF (its Thai text read back), a bundle from the
# laptop imported at the office, the district report (PDF, .xlsx), the registers out to Excel and read back,
# a database made at an older schema revision (upgraded on open), a database from a newer build (refused
# with one sentence and exit 2, no traceback), the app's screenshot offscreen, and the support log (written,
# with no names in it). Prints the build's size and each step's time.
# Usage: smoke-package.sh [DIST_FOLDER]   (Linux, and Windows in Git Bash: .github/workflows/windows.yml)
set -euo pipefail

dist=${1:-dist/fieldtool}
if [ -f "$dist/fieldtool-cli.exe" ]; then  # Windows: the app is windowed, the command line has its own program
  cli=$dist/fieldtool-cli.exe app=$dist/fieldtool.exe
else
  cli=$dist/fieldtool app=$dist/fieldtool
fi
[ -x "$cli" ] || { echo "No built program at $cli: run 'make package' first."; exit 1; }
# The source's own Python makes the older database (db.migrate to revision 0004) and reads JSON and SQLite.
py=${PYTHON:-}
for candidate in .venv/bin/python .venv/Scripts/python.exe; do
  [ -z "$py" ] && [ -x "$candidate" ] && py=$candidate
done
[ -n "$py" ] || { echo "No Python found to prepare the databases (set PYTHON)."; exit 1; }

native() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen PYTHONUTF8=1
export XDG_DATA_HOME=$work/data WIN_PD_OVERRIDE_LOCAL_APPDATA=$(native "$work/data")  # the data folder, here
unset FIELDTOOL_DB
db=$(native "$work/laptop.sqlite")
office=$(native "$work/office.sqlite")
OFFICER="นางสาวทดสอบ ระบบติดตั้ง"
DAY=2026-11-22
passed=0

step() {  # step NAME: time what follows until `done_step`
  printf '%-62s' "$1"
  started=$(date +%s%N)
}
done_step() {
  passed=$((passed + 1))
  printf 'ok  %5d ms\n' $(( ($(date +%s%N) - started) / 1000000 ))
}
fail() { echo "FAILED: $*"; exit 1; }
json() { "$py" -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

echo "Smoke test of $cli ($(du -sh "$dist" | cut -f1) on disk)"
total_start=$(date +%s)

step "init in the default data folder"
"$cli" init --officer "$OFFICER" > "$work/init.txt"
ls "$work/data/fieldtool/fieldtool.sqlite" >/dev/null 2>&1 || fail "no database in $work/data/fieldtool"
done_step

step "init and demo (a subdistrict's book)"
"$cli" --db "$db" init --officer "$OFFICER" > /dev/null
"$cli" --db "$db" --quiet demo --today "$DAY" > /dev/null
done_step

step "reminders --json"
"$cli" --db "$db" reminders --on "$DAY" --json > "$work/reminders.json"
count=$(json 'd["count"]' < "$work/reminders.json")
[ "$count" -gt 0 ] || fail "no reminders on $DAY"
loan=$(json 'next(i["loan_id"] for i in d["items"] if i["kind"] == "ask")' < "$work/reminders.json")
done_step

step "a demand letter (PDF, Thai shaped)"
"$cli" --db "$db" letter "$loan" --kind demand-1 --on "$DAY" --out "$(native "$work/letter.pdf")" > /dev/null
head -c 5 "$work/letter.pdf" | grep -q '%PDF-' || fail "letter.pdf is not a PDF"
if command -v pdftotext >/dev/null; then
  pdftotext "$work/letter.pdf" "$work/letter.txt"
  grep -q "ขอให้ชำระหนี้" "$work/letter.txt" || fail "the letter's Thai text does not read back"
fi
done_step

step "bundle export at the laptop, import at the office"
"$cli" --db "$office" init > /dev/null
"$cli" --db "$office" office-keys init --district 3419 --name "สพอ.พิบูลมังสาหาร" > /dev/null
"$cli" --db "$office" office-keys export --out "$(native "$work/office.pub")" > /dev/null
"$cli" --db "$db" keys init > /dev/null
"$cli" --db "$db" keys trust-office "$(native "$work/office.pub")" > /dev/null
"$cli" --db "$db" keys export --out "$(native "$work/officer.pub")" > /dev/null
"$cli" --db "$office" office-keys enrol "$(native "$work/officer.pub")" > /dev/null
"$cli" --db "$db" --quiet bundle export --out "$(native "$work/laptop.ftb")" --full > /dev/null
"$cli" --quiet --json bundle import "$(native "$work/laptop.ftb")" --db "$office" > "$work/import.json"
laptop_households=$("$cli" --db "$db" --json list households | json 'd["count"]')
office_households=$("$cli" --db "$office" --json list households | json 'd["count"]')
[ "$office_households" -gt 0 ] && [ "$office_households" = "$laptop_households" ] ||
  fail "the office has $office_households households after the import, the laptop $laptop_households"
done_step

step "the district report at the office (PDF with charts, .xlsx)"
"$cli" --db "$office" office report --fy 2570 --on "$DAY" --pdf "$(native "$work/report.pdf")" \
  --xlsx "$(native "$work/report.xlsx")" > /dev/null
head -c 5 "$work/report.pdf" | grep -q '%PDF-' || fail "report.pdf is not a PDF"
[ -s "$work/report.xlsx" ] || fail "no report.xlsx"
done_step

step "the registers out to Excel and read back (import --dry-run)"
"$cli" --db "$db" export-registers --out "$(native "$work/registers.xlsx")" > /dev/null
"$cli" --db "$db" --json --quiet import "$(native "$work/registers.xlsx")" --dry-run > "$work/reimport.json"
[ "$(json 'd["counts"]["create"]' < "$work/reimport.json")" = 0 ] || fail "the book's own registers would create records"
done_step

step "a database made at schema 0004 is upgraded on open"
old=$work/old.sqlite
"$py" -c "import sys; from db import make_engine, migrate; e = make_engine(sys.argv[1]); migrate(e, '0004'); e.dispose()" "$(native "$old")"
"$cli" --db "$(native "$old")" reminders --on "$DAY" --json > "$work/old.json" || fail "the built program did not open the old database"
revision=$("$py" -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select version_num from alembic_version').fetchone()[0])" "$(native "$old")")
head=$("$py" -c "from db import head_revision; print(head_revision())")
[ "$revision" = "$head" ] || fail "the old database is at $revision, not $head"
done_step

step "a database from a newer build is refused in one sentence"
newer=$work/newer.sqlite
cp "$work/laptop.sqlite" "$newer"
"$py" -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"update alembic_version set version_num = '9999'\"); c.commit()" "$(native "$newer")"
set +e
"$cli" --db "$(native "$newer")" reminders --on "$DAY" > "$work/newer.out" 2> "$work/newer.err"
code=$?
set -e
[ "$code" = 2 ] || fail "exit $code for a newer database, not 2: $(cat "$work/newer.err")"
grep -q "newer" "$work/newer.err" || fail "no sentence about a newer version: $(cat "$work/newer.err")"
! grep -q "Traceback" "$work/newer.err" || fail "a traceback for a newer database"
done_step

step "the app's screenshot offscreen (gui --screenshot)"
"$app" --db "$db" gui --screenshot "$(native "$work/main.png")" > /dev/null
size=$(wc -c < "$work/main.png")
[ "$size" -gt 20000 ] || fail "main.png is only $size bytes"
done_step

step "the support log: commands and versions, no names"
log=$work/data/fieldtool/logs/fieldtool.log
[ -f "$log" ] || fail "no support log at $log"
grep -q "command: reminders" "$log" || fail "the log lacks the commands"
grep -q "start fieldtool" "$log" || fail "the log lacks the start lines"
for private in "$OFFICER" "ทดสอบ" "$loan" "laptop.sqlite" "$work"; do
  ! grep -qF "$private" "$log" || fail "the log holds '$private'"
done
done_step

echo "build size: $(du -sh "$dist" | cut -f1) on disk ($dist); smoke test $(( $(date +%s) - total_start )) s"
echo "smoke: $passed passed, 0 failed"
