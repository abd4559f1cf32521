# Two commands do everything (README.md): `make demo` and `make test`.
# Every target creates the virtualenv first, so both work on a fresh clone.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_FOR_VENV ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

# Settings that let the app start without a production secret (never used in production).
DEV_ENV := COPRODUCE_INSECURE_DEV_KEY=1 COPRODUCE_SECURE_COOKIES=0
# Test settings (tests/settings.py); for pytest-django the environment wins over pyproject.toml.
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings

.PHONY: help venv install test lint format migrations-check pytest pytest-postgres \
        demo totp bench clean

help:
	@echo "make demo    run the demo (web + worker) on http://127.0.0.1:$(PORT)/"
	@echo "make test    lint, contracts, migrations check, tests on SQLite and PostgreSQL"
	@echo "make bench   benchmarks under bench/ (SEED_ARGS=--quick for a smoke run)"
	@echo "make lint | format | clean"

venv install: $(STAMP)

# Reinstall only when the pinned dependencies change.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# --- Tests --------------------------------------------------------------------------------
# Each stage prints its wall time so slow stages show up in CI logs.
define stage
	@echo "==> $(1)"; start=$$(date +%s); $(2); echo "==> $(1): $$(( $$(date +%s) - start ))s"
endef

test: $(STAMP)
	$(call stage,ruff check,$(VENV)/bin/ruff check .)
	$(call stage,ruff format --check,$(VENV)/bin/ruff format --check .)
	$(call stage,import contracts,$(VENV)/bin/lint-imports)
	$(call stage,makemigrations --check,$(MAKE) --no-print-directory migrations-check)
	$(call stage,pytest on SQLite,$(MAKE) --no-print-directory pytest)
	$(call stage,integration tests on PostgreSQL,$(MAKE) --no-print-directory pytest-postgres)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# pytest exits 5 when it collects nothing; that is a failure here, as any non-zero status is.
# The SQLite run uses an in-memory test database whatever DATABASE_URL the shell has.
pytest: $(STAMP)
	env -u DATABASE_URL $(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# A throwaway server from the installed binaries (tests/postgres_server.py, ADR 0003).
# Under CI=true a missing server fails the run; elsewhere it says what to install and skips.
pytest-postgres: $(STAMP)
	$(PY) -m tests.postgres_server $(if $(filter true 1,$(CI)),,--if-available) -- \
		env $(TEST_ENV) $(PY) -m pytest -m integration -p no:cacheprovider $(PYTEST_ARGS)

# --- Demo ---------------------------------------------------------------------------------
demo: $(STAMP)
	@PORT=$(PORT) PY=$(PY) $(DEV_ENV) scripts/demo

# The current two-step code of a demo login: `make totp LOGIN=clinician`.
totp: $(STAMP)
	@$(DEV_ENV) $(PY) manage.py totp $(LOGIN)

# --- Benchmarks ---------------------------------------------------------------------------
bench: $(STAMP)
	@PY=$(PY) SEED_ARGS='$(SEED_ARGS)' scripts/bench

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache bench/out
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
