# Every target creates or reuses the virtualenv in .venv by itself.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run migrate seed test lint format bench clean

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

run: seed  ## migrate, load the reference data and serve http://127.0.0.1:8000/graphql (embedded worker)
	$(BIN)/woonzorg serve

test: install  ## the whole suite (SQLite + in-memory broker unless WOONZORG_TEST_DATABASE_URL / WOONZORG_BROKER_URL say otherwise)
	$(PY) -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_ARGS ?= --scales 0.1 1

bench: install  ## benchmarks at national scale (README "Performance"); PostgreSQL + Redis with WOONZORG_BENCH_DATABASE_URL / WOONZORG_BENCH_BROKER_URL, else SQLite; BENCH_ARGS="--scales 0.1 1 10" for more
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache woonzorg.db woonzorg.db-*
