# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Root installs system packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve preview build check test check-site bench chromium clean

# Checks and builds the site, serves it with the search service, and rebuilds it whenever a record
# changes: problems show in the terminal and on every page until they are fixed.
serve: $(VENV)/.run-installed
	$(BIN)/casebook serve --watch --port $(PORT)

# Rebuilds on every change to cases/, content/ or the package while you edit.
preview: $(VENV)/.run-installed
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT)

build: $(VENV)/.run-installed
	$(BIN)/casebook build

check: $(VENV)/.run-installed
	$(BIN)/casebook check

test: $(VENV)/.test-installed chromium
	$(BIN)/python -m pytest

# Only the readers' quality gates: accessibility (axe-core), 200 % zoom, keyboard, clean page loads,
# no broken links (LinkChecker).
check-site: $(VENV)/.test-installed chromium
	$(BIN)/python -m pytest tests/test_site_quality.py tests/test_links.py

# Build and search benchmarks at 100, 1,000 and 10,000 synthetic cases (takes a while).
bench: $(VENV)/.test-installed chromium
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_search.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.run-installed
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser); CJK fonts make Chinese
# screenshots readable.
chromium:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

clean:
	rm -rf build
