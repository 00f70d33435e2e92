# Two commands do all the set-up on a fresh machine with only Python:
#   make run   - create the environment, build the demo subdistrict (once) and open the app
#   make test  - create the environment and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= $(HOME)/.local/share/fieldtool/demo.sqlite
OFFICE_DEMO ?= $(HOME)/.local/share/fieldtool/office-demo

.PHONY: run office test bench lint qt-libs test-tools pg-server

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Qt needs a few shared libraries that a bare server may lack; install them when we can (root + apt).
qt-libs: $(STAMP)
	@missing=$$(ldd $(VENV)/lib/python3*/site-packages/PySide6/Qt/lib/libQt6Gui.so.6 \
	    $(VENV)/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqoffscreen.so 2>/dev/null | grep 'not found'); \
	if [ -n "$$missing" ]; then \
	  echo "Qt is missing system libraries:"; echo "$$missing"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 >/dev/null; \
	  else echo "Install them with your package manager (libegl1 libgl1 libxkbcommon0 libfontconfig1)."; exit 1; fi; \
	fi

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

run: $(STAMP) qt-libs
	@mkdir -p "$(dir $(DEMO_DB))"
	@test -f "$(DEMO_DB)" || $(VENV)/bin/fieldtool --db "$(DEMO_DB)" demo
	$(VENV)/bin/fieldtool --db "$(DEMO_DB)" gui

# The district office window on a demo district: three laptops' bundles merged, a USB stick to import.
office: $(STAMP) qt-libs
	@test -f "$(OFFICE_DEMO)/office.sqlite" || $(VENV)/bin/fieldtool office demo --folder "$(OFFICE_DEMO)"
	$(VENV)/bin/fieldtool office gui --db "$(OFFICE_DEMO)/office.sqlite"

test: $(STAMP) qt-libs test-tools pg-server
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/bench_loanbook.py
	$(PY) bench/bench_letters.py
	$(PY) bench/bench_sync.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
