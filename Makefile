# The two commands that matter: `make run` (portal + demo data on SQLite, nothing else needed)
# and `make test` (everything the tests need, then lint, migrations check and the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
# The test suite runs against real PostgreSQL and Redis.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ensie
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9
PYTEST_ARGS ?=
PIP_FLAGS := --disable-pip-version-check --quiet

.PHONY: help setup setup-test run test faults fuzz lint format messages services bench clean

help:
	@echo "make run    - set up and serve the portal with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up everything the tests need and run lint + the whole suite"
	@echo "make fuzz   - the long fuzz run (hypothesis, >= 10,000 examples, tests/test_fuzz.py)"
	@echo "make setup  - only install (virtualenv + dependencies)"
	@echo "make faults - only the fault tests (Redis down, worker killed, supervision)"
	@echo "make bench  - run the benchmarks (see bench/README.md)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml requirements.lock
	$(PIP) install $(PIP_FLAGS) --upgrade pip
	$(PIP) install $(PIP_FLAGS) -c requirements.lock -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

setup-test: setup
	@bash .ci/install-system-deps

services:
	@bash .ci/services

# `make run`: debug on, the demo two-factor code, links in emails pointing at this server.
RUN_ENV := DEBUG=1 SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}
RUN_ENV += MFA_TOTP_INSECURE_BYPASS_CODE=$${MFA_TOTP_INSECURE_BYPASS_CODE:-123456}

run: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	@echo ""
	@echo "Serving the ENSIE portal on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: setup
	DEBUG=1 $(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests
	DEBUG=1 $(PY) manage.py compilemessages -l fr -l en --ignore=.venv

test: setup-test services lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Only the fault tests (part of `make test` too): Redis stopped, worker killed, supervision.
faults: setup-test services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -m faults $(PYTEST_ARGS)

# The slow part of the fuzz tests, left out of `make test` by the `slow` marker (pyproject).
fuzz: setup services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -n 2 -m slow tests/test_fuzz.py $(PYTEST_ARGS)

# Benchmarks run with production-like settings (DEBUG off) and a throwaway secret key.
BENCH_ENV := SECRET_KEY=bench-only-secret-key-not-for-production-0123456789 STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0

bench: setup services
	$(BENCH_ENV) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
