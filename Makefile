# Lyceum: `make run` to try it, `make test` before every commit.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install migrate demo test lint format check migrations-check pytest \
	chromium obv bench ci clean

run: install migrate demo  ## set everything up and serve the demo site
	$(PY) manage.py runserver $(HOST):$(PORT)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

migrate: install
	$(PY) manage.py migrate --verbosity 0

demo: install  ## load the demo content and members (idempotent)
	$(PY) manage.py seed_demo

test: install chromium obv lint check migrations-check pytest  ## everything CI runs

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Browser tests need Chromium; Debian's package is the only thing installed
# system-wide, and only when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The Open Badges 2.0 validator (badgecheck) in its own venv: its pins clash
# with the project's. tests/gamification/test_openbadges_validator.py runs it.
OBV := .venv-obv
OBV_REQUIREMENTS := tests/gamification/obv-requirements.txt
OBV_STAMP := $(OBV)/.installed-$(shell sha1sum $(OBV_REQUIREMENTS) | cut -c1-12)

obv: $(OBV_STAMP)

$(OBV_STAMP): $(OBV_REQUIREMENTS)
	test -x $(OBV)/bin/python || $(PYTHON) -m venv $(OBV)
	$(OBV)/bin/python -m pip install --quiet --no-deps -r $(OBV_REQUIREMENTS)
	rm -f $(OBV)/.installed-* && touch $@

bench: install  ## benchmarks print JSON, one object per script
	@for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache
