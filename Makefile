# Targets say what they do. `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
POSTGRES_SERVER ?= postgresql://postgres@127.0.0.1:5432
PYBABEL_EXTRACT := $(BIN)/pybabel extract -F i18n/babel.cfg -k _l -k lazy_gettext --no-location \
	--sort-output --project debtor-portal --version 0.1 --msgid-bugs-address help@example.com

.PHONY: bench bench-tools demo test test-sqlite test-postgres test-browser accessibility reliability install browser translations translations-update lint clean

## Install everything, then run the portal with demo data, localstripe and a mail catcher. Each start
## deletes the demo database and creates it again. Ports: DEMO_PORT (5000), DEMO_STRIPE_PORT (8420),
## DEMO_SMTP_PORT (8025), DEMO_HOST (127.0.0.1), e.g. `DEMO_PORT=8001 make demo`. Its settings go to
## instance/demo.env for the collector commands: `.venv/bin/flask --app wsgi --env-file instance/demo.env ...`.
demo: install
	$(BIN)/python demo/run.py

## Install everything, lint, then run the whole suite on SQLite and again on PostgreSQL; the browser
## tests (tests/e2e) run once, on PostgreSQL.
test: install browser bench-tools lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# pytest-xdist: a worker per core, each with its own localstripe, mail server and database, for
# every test but those marked serial (tests/helpers/tiers.py: races, their own servers, the browser),
# which then run alone in one process. Both parts always run; either failing fails the target.
PARALLEL ?= -n auto
PYTEST_TWICE = status=0; \
	$(BIN)/python -m pytest $(PARALLEL) -m "not serial" $(1) || status=$$?; \
	$(BIN)/python -m pytest -m serial $(1) || status=$$?; \
	exit $$status

## Everything but the browser tests, on SQLite: in parallel, then the serial tests alone.
test-sqlite:
	$(call PYTEST_TWICE,--ignore=tests/e2e)

## Everything, the browser tests included, on PostgreSQL: in parallel, then the serial tests alone.
test-postgres: export TEST_POSTGRES_SERVER = $(POSTGRES_SERVER)
test-postgres:
	$(call PYTEST_TWICE,)

## The browser tests alone, on PostgreSQL as in `make test`.
test-browser: install browser
	TEST_POSTGRES_SERVER=$(POSTGRES_SERVER) $(BIN)/python -m pytest tests/e2e

## The accessibility checks alone (every page, 4 languages, 3 widths; keyboard; no JavaScript),
## then the figures they measured.
accessibility: install browser
	$(BIN)/python -m pytest tests/e2e/test_every_page.py tests/e2e/test_accessibility_details.py \
		tests/e2e/test_keyboard_only.py tests/e2e/test_without_javascript.py tests/test_plain_language.py -q
	$(BIN)/python -m tests.e2e.accessibility_report

## The reliability and security suites at full size (races, Stripe faults, webhook replay,
## identity limits, fuzzing) on SQLite and on PostgreSQL, then their figures in docs/RELIABILITY.md.
FIGURES := $(CURDIR)/test-artifacts/figures.jsonl
reliability: install
	rm -f $(FIGURES)
	PORTAL_TEST_SCALE=full PORTAL_FIGURES_FILE=$(FIGURES) $(BIN)/python -m pytest tests/reliability tests/security -q
	PORTAL_TEST_SCALE=full PORTAL_FIGURES_FILE=$(FIGURES) TEST_POSTGRES_SERVER=$(POSTGRES_SERVER) \
		$(BIN)/python -m pytest tests/reliability tests/security -q
	$(BIN)/python -m tests.reliability.report $(FIGURES)

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

## Debian's Chromium for the browser tests (Playwright cannot download its own here).
## wrk, the HTTP load generator bench/pages.py drives (its small run is part of the suite).
bench-tools:
	@if ! command -v wrk >/dev/null; then \
		echo "Installing Debian's wrk for the page benchmark"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

## Compile the translation catalogs into the package (run after editing a .po file). Building
## the package does the same (setup.py), so a wheel carries them.
translations: $(VENV)/.installed
	@for po in i18n/*/LC_MESSAGES/messages.po; do \
		lang=$${po#i18n/}; lang=$${lang%%/*}; \
		mkdir -p portal/translations/$$lang/LC_MESSAGES; \
		$(BIN)/pybabel compile --statistics -l $$lang -i $$po \
			-o portal/translations/$$lang/LC_MESSAGES/messages.mo || exit 1; \
	done

## Re-extract the strings and merge them into every catalog.
translations-update: $(VENV)/.installed
	$(PYBABEL_EXTRACT) -o i18n/messages.pot .
	$(subst i18n/babel.cfg,i18n/console.cfg,$(PYBABEL_EXTRACT)) -o i18n/console.pot .
	$(BIN)/pybabel update -i i18n/messages.pot -d i18n --no-wrap --ignore-obsolete --no-fuzzy-matching

lint: $(VENV)/.installed
	$(BIN)/ruff check portal tests demo bench setup.py

## Every benchmark on PostgreSQL, each against a baseline measured in the same run: the debtor's
## pages (against a bare Flask hello: req/s, p50/p99, statements, weight, memory per worker), a
## whole journey under load (Locust), charging due instalments with 1, 2 and 4 runners (against
## bare PaymentIntents), a campaign of 100,000 accounts by email then by text message, and an
## import of 1,000,000 accounts (against a bare COPY). Figures of a run here: bench/RESULTS.md.
bench: install bench-tools
	$(BIN)/python -m bench.pages --database $(POSTGRES_SERVER)
	$(BIN)/python -m bench.journey --database $(POSTGRES_SERVER)
	$(BIN)/python -m bench.charging --database $(POSTGRES_SERVER)
	$(BIN)/python -m bench.campaign --database $(POSTGRES_SERVER) --channel email
	$(BIN)/python -m bench.campaign --database $(POSTGRES_SERVER) --channel sms
	$(BIN)/python -m bench.import_accounts --database $(POSTGRES_SERVER) --rows 1000000

## The fast tier alone: tests that need no localstripe, no SMTP server and no browser (the domain,
## the form kit, the page check, and the tests that run on tests/fakes/). The list is kept here.
FAST_TESTS := tests/domain tests/forms tests/fakes/units tests/test_page_check.py \
	tests/test_templates_ask.py tests/test_architecture.py
.PHONY: test-fast
test-fast: install
	$(BIN)/python -m pytest -q $(FAST_TESTS)

clean:
	rm -rf $(VENV) instance .pytest_cache build dist portal/translations
