# Two commands do all the set-up on a fresh machine with only Python:
#   make run   - create the environment, build the demo subdistrict (once) and open the app
#   make test  - create the environment and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= $(HOME)/.local/share/fieldtool/demo.sqlite
OFFICE_DEMO ?= $(HOME)/.local/share/fieldtool/office-demo

.PHONY: run office test bench lint qt-libs test-tools pg-server package package-tools package-smoke

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Qt's platform plugin needs system libraries a bare server or a fresh desktop may lack (xcb with a display,
# offscreen without): scripts/qt-libs.sh checks them with ldd and installs them when it can (root + apt).
qt-libs: $(STAMP)
	@bash scripts/qt-libs.sh $(VENV)

# The tests turn PDF pages into pictures with pdftoppm (Debian's poppler-utils).
test-tools:
	@if ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "The tests need pdftoppm: install poppler-utils."; exit 1; fi; \
	fi

# The sync tests start a private PostgreSQL server (tests/pg.py); install its programs when missing.
pg-server:
	@bash scripts/install-postgres.sh

# Without a display the app renders offscreen and writes its screenshot beside the demo database (it says where).
run: $(STAMP) qt-libs
	@mkdir -p "$(dir $(DEMO_DB))"
	@test -f "$(DEMO_DB)" || $(VENV)/bin/fieldtool --db "$(DEMO_DB)" demo
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(VENV)/bin/fieldtool --db "$(DEMO_DB)" gui; \
	else $(VENV)/bin/fieldtool --db "$(DEMO_DB)" gui --screenshot "$(dir $(DEMO_DB))fieldtool-main-window.png"; fi

# The district office window on a demo district: three laptops' bundles merged, a USB stick to import.
office: $(STAMP) qt-libs
	@test -f "$(OFFICE_DEMO)/office.sqlite" || $(VENV)/bin/fieldtool office demo --folder "$(OFFICE_DEMO)"
	$(VENV)/bin/fieldtool office gui --db "$(OFFICE_DEMO)/office.sqlite"

test: export QT_QPA_PLATFORM := offscreen
test: $(STAMP) qt-libs test-tools pg-server
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The one-folder build of the whole program (PyInstaller, packaging/fieldtool.spec) in dist/fieldtool/; it
# prints its size on disk and how long it took. The same spec builds on Windows (README: Installing on Windows).
PACKAGE_STAMP := $(VENV)/.package-stamp
$(PACKAGE_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,package]'
	touch $(PACKAGE_STAMP)

# PyInstaller reads and strips the libraries it collects with binutils (objdump, strip).
package-tools:
	@if ! command -v objdump >/dev/null || ! command -v strip >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils >/dev/null; \
	  else echo "Building the package needs objdump and strip: install binutils."; exit 1; fi; \
	fi

package: $(PACKAGE_STAMP) package-tools
	@start=$$(date +%s); \
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/fieldtool.spec && \
	echo "dist/fieldtool: $$(du -sh dist/fieldtool | cut -f1) on disk, built in $$(( $$(date +%s) - start )) s" \
	  "(of which Qt's ICU, linked on Linux only: $$(du -ch dist/fieldtool/_internal/PySide6/Qt/lib/libicu* | tail -1 | cut -f1))"

# Runs the built program, not the source: init, demo, reminders, a letter, bundles, an older and a newer
# database, the app's screenshot offscreen (scripts/smoke-package.sh). CI runs this after the tests.
package-smoke: package qt-libs
	@bash scripts/smoke-package.sh dist/fieldtool

bench: $(STAMP)
	$(PY) bench/bench_loanbook.py
	$(PY) bench/bench_letters.py
	$(PY) bench/bench_sync.py
	$(PY) bench/bench_report.py
	$(PY) bench/bench_startup.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
