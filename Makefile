# Two commands:
#   make start   the registry on http://127.0.0.1:8000/admin/ with the 2016 annex loaded
#   make test    lint, format, migration, fixture, column and API schema checks, then the tests
# Both install into .venv first (and the design tokens into node_modules, see README.md). DATABASE_URL from the environment is honoured (default: the
# SQLite file db.sqlite3). HOST, PORT and PYTEST_ARGS can be given: make start PORT=8080.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALLED := $(VENV)/installed.stamp
# The Rijkshuisstijl design tokens (npm), copied where Django's static files are found.
TOKENS_CSS := registry/static/registry/vendor/rijkshuisstijl-tokens.css
# The country shapes of the partner map (npm: world-atlas), where registry/maps.py reads them.
WORLD_ATLAS := registry/vendor/world-atlas/countries-50m.json
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# These are development commands; production settings are for gunicorn (see README.md).
export DEBUG := true

.PHONY: start test install

start: install
	$(MANAGE) migrate --no-input
	$(MANAGE) load_annex
	$(MANAGE) bootstrap_admin
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) build_annex_fixture --check
	$(MANAGE) describe_columns --check
	$(MANAGE) api_schema --check
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(INSTALLED) $(TOKENS_CSS) $(WORLD_ATLAS)

# Reinstall only when pyproject.toml changes.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when package.json or package-lock.json changes (npm ci writes
# node_modules/.package-lock.json); `npm run build` copies the stylesheet and the shapes.
$(TOKENS_CSS) $(WORLD_ATLAS): node_modules/.package-lock.json
	npm run build
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts
	touch $@
