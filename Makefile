# Grants: `make run` serves the app with its worker and scheduler; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test setup db demo lint clean translations bench-setup protections

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Message catalogues are compiled by the build, never committed as binaries.
CATALOGUES := $(wildcard grants/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ -l $(word 3,$(subst /, ,$<))

setup: $(STAMP) $(COMPILED)

# axe-core, from the npm registry, for the browser tests' accessibility checks.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

db: setup
	$(BIN)/grants db upgrade

demo: db
	$(BIN)/grants seed-demo

run: demo
	@echo ""
	@echo "Grants is starting on http://127.0.0.1:5000 (web, Celery worker and beat)."
	@echo "Emails are written to instance/mail/ and shown to officers under /dev/mail/."
	@echo ""
	$(BIN)/honcho start -f Procfile

test: setup $(AXE)
	$(BIN)/ruff check grants config workers tests tools
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/pytest

# After changing user-facing text: refresh the catalogue, then translate the new entries.
translations: setup
	mkdir -p instance
	$(BIN)/pybabel extract -F babel.cfg -k _l -o instance/messages.pot .
	$(BIN)/pybabel update -i instance/messages.pot -d grants/translations --no-fuzzy-matching --ignore-obsolete

# Locust and pyinstrument, for bench/deadline_rush.py and bench/profile_requests.py.
bench-setup: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'

lint: setup
	$(BIN)/ruff check grants config workers tests bench tools
	PYTHONPATH=. $(BIN)/lint-imports

# Take each security protection out in turn (on a scratch copy) and show its tests then fail.
protections: setup
	$(BIN)/python tools/check_protections.py

clean:
	rm -rf $(VENV) instance .pytest_cache
