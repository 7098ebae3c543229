# One command builds the report, one runs every test. Both create or refresh .venv from the
# pinned requirements.txt first, so a fresh machine needs only python3 and make.
#
#   make book                                  build the site into _build/html
#   make book SCENARIO=regulatory-brake        ... with a scenario from data/scenarios
#   make book P="mc_draws=50000 seed=7"        ... with parameter overrides (win over SCENARIO)
#   make book VERSION=2026.11                  ... and keep a citable copy in _build/archive/
#   make test                                  ruff, then every test: all five tiers
#   make test-fast                             the unit and property tiers (no kernel, no site)
#   make test-unit, test-property, test-page,  one tier each (see README "Testing")
#        test-site, test-browser
#   make test                                  every test (unit, property, notebook, site, browser)
#   make bench                                 every benchmark script (prints figures)
#   make bench-forecast                        the forecasting benchmarks only (about 10 s)
#   make bench-site                            Lighthouse (mobile) on the built site: performance
#                                              and accessibility of three pages

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser tooling from npm (axe-core for the site tests, Lighthouse for bench-site), pinned in
# package-lock.json and installed into node_modules/ (git-ignored).
NPM_STAMP := node_modules/.installed
SCENARIO ?= baseline
P ?=
VERSION ?=
JOBS ?=

.PHONY: book test test-fast test-unit test-property test-page test-site test-browser lint bench \
	bench-forecast bench-build bench-site serve clean params chromium

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name amzn-report \
		--display-name "Python 3 (amzn-report)" >/dev/null
	@touch $(STAMP)

# Debian's chromium for the browser tests and the briefing PDF, installed when missing
# (apt-get, as root or through sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NPM_STAMP)

book: $(STAMP)
	$(BIN)/python -m analysis build --scenario "$(SCENARIO)" $(foreach p,$(P),-p "$(p)") \
		$(if $(VERSION),--archive "$(VERSION)") $(if $(JOBS),--jobs $(JOBS))

# Two test processes (pytest-xdist): the tests that share the whole-site build run in one of
# them (conftest.py, SHARED_BUILDS), so that build is made once.
TEST_WORKERS ?= 2

test: $(STAMP) $(NPM_STAMP) chromium
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "unit or property"

test-unit test-property test-page test-site: $(STAMP)
	$(BIN)/python -m pytest -m $(@:test-%=%)

test-browser: $(STAMP) $(NPM_STAMP) chromium
	$(BIN)/python -m pytest -m browser

lint: $(STAMP)
	$(BIN)/python -m ruff check .

params: $(STAMP)
	$(BIN)/python -m analysis params

# bench: every benchmark (projection scaling to 10^6 draws, forecasts, headline, sweep with 1
# and 2 workers). bench-forecast: only the forecasting part (every fit, the nested backtest, the
# headline backtest and the combination), which prints its own wall time (target <= 30 s).
bench: $(STAMP)
	$(BIN)/python scripts/bench_projection.py
	$(MAKE) --no-print-directory bench-forecast
	$(BIN)/python scripts/bench_sweep.py

bench-forecast: $(STAMP)
	@start=$$(date +%s%N); \
	$(BIN)/python scripts/bench_forecast.py && $(BIN)/python scripts/bench_headline.py && \
	echo "forecasting benchmarks (fits, backtest, headline backtest, combination):" \
	     "$$(( ($$(date +%s%N) - start) / 1000000 )) ms wall, processes included (target <= 30 s)"

bench-build: $(STAMP)
	$(BIN)/python scripts/bench_build.py

bench-site: $(STAMP) $(NPM_STAMP)
	$(BIN)/python scripts/bench_lighthouse.py

serve: $(STAMP)
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

clean:
	rm -rf _build
