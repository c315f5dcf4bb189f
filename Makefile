# Every target creates or reuses the virtualenv in .venv by itself; the web app in web/ is built
# and tested when Node.js and npm are installed.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NPM    := $(if $(wildcard web/package.json),$(shell command -v npm 2>/dev/null))
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -path web/dist -prune \
                 -o -path web/test-results -prune -o -path web/e2e/screenshots -prune \
                 -o -type f -print 2>/dev/null) schema/schema.graphql

.PHONY: install run migrate seed web test test-python test-web lint format bench chaos clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install  ## bring the database (WOONZORG_DATABASE_URL, default ./woonzorg.db) to the newest schema
	$(BIN)/woonzorg migrate

seed: migrate  ## load the reference dataset (idempotent: a second run changes nothing)
	$(BIN)/woonzorg seed

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

web:  ## build the web app into web/dist (only when web/ changed); skipped without Node.js
ifneq ($(NPM),)
	$(MAKE) --no-print-directory web/dist/index.html
else
	@echo "Node.js/npm not found: the API runs without the web app. Install Node.js 20 and npm, then 'make run' again."
endif

run: seed web  ## migrate, load the reference data, build the app; serve http://127.0.0.1:8000/ (embedded worker)
	$(BIN)/woonzorg serve

test: test-python test-web  ## the whole suite: Python (SQLite unless WOONZORG_TEST_DATABASE_URL says otherwise), then the web app's

test-python: install  ## the Python suite (SQLite + in-memory broker unless WOONZORG_TEST_DATABASE_URL / WOONZORG_BROKER_URL say otherwise)
	$(PY) -m pytest

test-web: install  ## the web app: component tests, then end-to-end and accessibility tests in Chromium against a real server
ifneq ($(NPM),)
	$(MAKE) --no-print-directory web/dist/index.html
	sh web/scripts/ensure-chromium.sh
	cd web && npm test
	cd web && npm run e2e
else
	@echo "Node.js/npm not found (or no web/): the web app's tests were not run." && exit 1
endif

lint: install  ## ruff, mypy (a gate: 0 errors) and the import contracts of DESIGN.md §2
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_ARGS ?= --scales 0.1 1

bench: install  ## benchmarks at national scale (README "Performance"); PostgreSQL + Redis with WOONZORG_BENCH_DATABASE_URL / WOONZORG_BENCH_BROKER_URL, else SQLite; BENCH_ARGS="--scales 0.1 1 10" for more
	$(PY) -m bench.run $(BENCH_ARGS)

chaos: install  ## fault injection on the production topology (own PostgreSQL + Redis on free ports): kills, Redis loss, PostgreSQL restart; prints chaos.* figures
	$(PY) -m tests.chaos.harness --long

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache woonzorg.db woonzorg.db-* web/node_modules web/dist
