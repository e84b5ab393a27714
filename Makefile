# SupplierMatch: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# SQLite: 8 connections, one process of 8 threads (README, "SQLite or PostgreSQL"); PostgreSQL
# serves several workers.
WORKERS ?= $(if $(findstring postgresql,$(DATABASE_URL)),3,1)

# Test processes (pytest-xdist); each file's tests stay in one process (module fixtures).
TEST_WORKERS ?= 2
# Schemathesis' cases do not run under xdist (they pass unrun): they get a process of their own.
PYTEST_PARALLEL := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not fuzz"
PYTEST_FUZZ := $(BIN)/pytest -m fuzz
# Pins of requirements.lock are kept; `make lock UPGRADE=--upgrade` takes the newest allowed.
UPGRADE ?=

# `make run`: the web server and the job worker together (Procfile), after migrate and seed.
.PHONY: i18n-extract i18n-update i18n-compile i18n-init run install lock migrate seed serve worker test test-sqlite test-postgres fuzz lint format bench clean

# Every dependency at the version and hashes of requirements.lock; then the project itself.
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@# Byte-compiled once here, as pip does for the dependencies: with PYTHONDONTWRITEBYTECODE
	@# set (as on this machine) every process, a restarted gunicorn master included,
	@# otherwise compiles the package anew. A changed file is simply compiled again on import.
	$(BIN)/python -m compileall -q platform
	touch $@

# The compiled catalogues (.mo) are built, never committed: `make install` makes them.
install: $(BIN)/.installed i18n-compile

# Translations (suppliermatch.i18n): extract the marked strings into translations/messages.pot,
# merge them into each language's .po (update), compile the .po files into .mo (compile).
LANGUAGES := hi or te ta
# Besides gettext's names: errors raised by services are marked by their class names.
I18N_KEYWORDS := -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k N_ -k DomainError \
	-k NotFound -k Forbidden -k Conflict -k ValidationFailed -k ValidationError
i18n-extract: $(BIN)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg $(I18N_KEYWORDS) --no-wrap --sort-by-file \
		--project SupplierMatch -o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel -q update --no-wrap --no-fuzzy-matching -i translations/messages.pot \
		-d translations

# A new language: make i18n-init LANG=xx (then add it to LANGUAGES and suppliermatch.i18n).
i18n-init: i18n-extract
	$(BIN)/pybabel -q init -i translations/messages.pot -d translations -l $(LANG)

i18n-compile: $(BIN)/.installed
	$(BIN)/pybabel -q compile -d translations

lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes $(UPGRADE) --quiet -o requirements.lock

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed demo

serve: install
	@echo "Serving on http://$(HOST):$(PORT) (gunicorn, $(WORKERS) worker(s))"
	$(BIN)/gunicorn --workers $(WORKERS) --threads 8 --bind $(HOST):$(PORT) \
		--access-logfile - wsgi:app

# The worker runs imports, duplicate scans and the periodic jobs (jobs/schedule.py).
worker: install
	$(BIN)/flask worker

run: seed
	@echo "Serving on http://$(HOST):$(PORT) (gunicorn, $(WORKERS) worker(s)) and the job worker"
	WORKERS=$(WORKERS) HOST=$(HOST) $(BIN)/honcho start --port $(PORT) -f Procfile

test: install test-sqlite test-postgres

test-sqlite: install
	SUPPLIERMATCH_TEST_DB=sqlite $(PYTEST_PARALLEL)
	SUPPLIERMATCH_TEST_DB=sqlite $(PYTEST_FUZZ)

test-postgres: install
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		SUPPLIERMATCH_TEST_DB="$$TEST_DATABASE_URL" $(PYTEST_PARALLEL) && \
		SUPPLIERMATCH_TEST_DB="$$TEST_DATABASE_URL" $(PYTEST_FUZZ); \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
	fi

# The API fuzzed deeper, with new random cases each run (make test's run is derandomized).
FUZZ_EXAMPLES ?= 200
fuzz: install
	SUPPLIERMATCH_FUZZ_RANDOM=1 SUPPLIERMATCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/pytest -p no:cacheprovider tests/security/test_fuzz_api.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache test-artifacts
