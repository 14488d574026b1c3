# itgov — two commands: `make run` (set up and serve the demo district) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: setup setup-dev lock run test test-pg lint browsers fonts messages bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "itgov needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)

# requirements.lock: what runs the service; requirements-dev.lock: that plus the test and lint tools.
# Both are compiled from pyproject.toml with hashes (`make lock`).
$(VENV)/.installed: $(BIN)/python requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements-dev.lock
	touch $@

setup: $(VENV)/.installed ## create .venv and install the locked runtime dependencies

setup-dev: $(VENV)/.installed-dev ## and the test and lint tools

lock: $(VENV)/.installed ## recompile both lock files from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements-dev.lock

browsers: ## Debian chromium for the browser tests (skipped loudly when it cannot be installed)
	@bash scripts/install-chromium.sh

fonts: ## the Chinese fonts of the PDF exports (Debian fonts-noto-cjk; a loud warning when they cannot be installed)
	@bash scripts/install-fonts.sh

run: setup fonts ## migrate the embedded SQLite database, load the demo district and serve it
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  itgov is serving the demo district at http://127.0.0.1:$(PORT)/"
	@echo "  demo logins: admin drc finance audit cyber gov edu health expert supervisor  ·  password: Gulou@2026"
	@echo "  API docs: http://127.0.0.1:$(PORT)/api/v1/docs"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

test: setup-dev browsers ## the whole suite on SQLite (parallel)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n 2 -q

test-pg: setup-dev browsers ## the whole suite on PostgreSQL (DATABASE_URL must point to it)
	@test -n "$$DATABASE_URL" || (echo "DATABASE_URL is not set"; exit 2)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n 2 -q

lint: setup-dev
	$(BIN)/ruff check .

messages: setup ## re-extract and compile the translations
	cd itgov && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete && ../$(BIN)/python ../manage.py compilemessages

bench: setup-dev ## benchmarks (on demand): ratios against a raw-SQL floor
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
