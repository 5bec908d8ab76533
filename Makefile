# Two commands set up a fresh machine: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 8000
export PORT

.DEFAULT_GOAL := help
.PHONY: bench-reports bench-publishing scan bench-load lighthouse worker outbox-worker help run install dev-install translations compile-translations instance search-index check test test-fast lint bench bench-pages bench-search bench-intake clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

run: install compile-translations instance search-index ## Install, build, serve on http://127.0.0.1:$(PORT) and run the background loop (Ctrl-C stops both)
	$(PY) -P portal/serve.py

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed ## Create .venv and install the pinned requirements

dev-install: $(VENV)/.dev-installed ## Install the test and tooling requirements too

compile-translations: install ## Compile the message catalogs (.po -> .mo)
	$(VENV)/bin/pybabel compile --statistics -d translations

translations: install ## Extract UI strings, update both catalogs, fill English, compile
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output --project "Hengshui IP Portal" --omit-header .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 100
	$(PY) -c 'from portal.translations import cli; cli()' fill-en
	$(VENV)/bin/pybabel compile -d translations
	$(PY) -c 'from portal.translations import cli; cli()' check

instance: install compile-translations ## Prepare the instance folder: database migrations and demo data
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) content import
	$(FLASK) seed demo

search-index: install compile-translations ## Build the search index when it is missing or stale
	$(FLASK) search build --if-stale

worker: instance ## Only the background loop, as a worker host runs it (make run starts it too)
	$(FLASK) worker

outbox-worker: instance ## Deliver queued e-mails (to instance/mail/*.eml unless MAIL_SERVER is set)
	$(FLASK) outbox worker

check: install ## Check content (schema, translations, links, dates)
	$(FLASK) content check

test: dev-install compile-translations ## Run every test, the browser suite included
	$(PY) -m pytest

test-fast: dev-install compile-translations ## Every test except the browser suite
	$(PY) -m pytest -m "not browser"

lint: dev-install ## ruff and the import contracts (both also run in make test)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: bench-pages bench-search bench-reports bench-intake bench-publishing ## Every benchmark

bench-pages: install compile-translations ## Guide page vs bare Flask under gunicorn: requests/s, p50/p95
	$(PY) bench/pages.py

bench-search: install compile-translations ## 10,000 synthetic documents: index build, query latency, /search under gunicorn
	$(PY) bench/search.py

bench-reports: install compile-translations ## Service report and institutions directory under gunicorn: kept for the minute vs computed each time
	$(PY) bench/reports.py

bench-publishing: install compile-translations ## Publish → visible on this host and another (20 publishes); re-indexing one page at 10,000 documents
	$(PY) bench/publishing.py

bench-intake: install compile-translations ## Submissions/s under gunicorn on SQLite and PostgreSQL, nothing lost
	$(PY) bench/intake.py

scan: install compile-translations ## sqlmap + wapiti against a local HTTPS instance with demo data; fails on any finding
	$(PY) .ci/scan.py

bench-load: install compile-translations ## 60 s mixed traffic (guides, searches, submissions) on SQLite and PostgreSQL; memory of 4 workers
	$(PY) bench/load.py

lighthouse: install compile-translations ## Lighthouse scores of the main pages in both languages (target 100, none below 95)
	$(PY) bench/lighthouse.py

clean: ## Remove the virtualenv, compiled catalogs and caches
	rm -rf $(VENV) translations/*/LC_MESSAGES/*.mo .pytest_cache .ruff_cache search_index
