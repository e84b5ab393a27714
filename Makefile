# SupplierMatch: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# SQLite is safe in one process with threads; PostgreSQL serves several workers.
WORKERS ?= $(if $(findstring postgresql,$(DATABASE_URL)),3,1)

.PHONY: run install migrate seed serve test test-sqlite test-postgres lint format bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed demo

serve: install
	@echo "Serving on http://$(HOST):$(PORT) (gunicorn, $(WORKERS) worker(s))"
	$(BIN)/gunicorn --workers $(WORKERS) --threads 8 --bind $(HOST):$(PORT) \
		--access-logfile - wsgi:app

run: seed serve

test: install test-sqlite test-postgres

test-sqlite: install
	SUPPLIERMATCH_TEST_DB=sqlite $(BIN)/pytest

test-postgres: install
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		SUPPLIERMATCH_TEST_DB="$$TEST_DATABASE_URL" $(BIN)/pytest; \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache test-artifacts
