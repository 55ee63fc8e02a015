# Hexitime: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The interpreter that builds the venv: pyenv's shim honours .python-version (3.13).
PYTHON ?= python3
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
VENDOR := static/vendor

.PHONY: help install install-prod run serve test lint typecheck pytest browser lock clean bench-ledger bench-search

help:
	@echo "make run    install everything, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make test   install everything, then ruff, mypy and the whole pytest suite"
	@echo "make serve  the production stack locally: DEBUG off, gunicorn, worker and scheduler on DATABASE_URL"
	@echo "make install-prod   production dependencies only (requirements.txt): no pytest, no Playwright"
	@echo "make lock   re-pin requirements.txt and requirements-dev.txt from their .in files (UPGRADE=1 for newer)"
	@echo "make bench-ledger   ledger throughput against a raw-SQL baseline (needs DATABASE_URL=postgres://...)"
	@echo "make bench-search   search and matching latency on a national-scale data set (seeded on first run)"

install: $(VENV)/.installed node_modules/.installed $(VENDOR)/.built

# Development and tests: production's pinned dependencies and the tools (requirements-dev.txt).
$(VENV)/.installed: requirements.txt requirements-dev.txt .python-version
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v[:2] == (3, 13) else "Hexitime needs Python 3.13 (see .python-version); $(PYTHON) is %d.%d" % v[:2])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Production only (no pytest, no Playwright): what a deploy installs, then scripts/serve runs.
install-prod: node_modules/.installed $(VENDOR)/.built
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v[:2] == (3, 13) else "Hexitime needs Python 3.13 (see .python-version); $(PYTHON) is %d.%d" % v[:2])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end files are built from the npm packages into static/vendor (ignored by git).
$(VENDOR)/.built: node_modules/.installed Makefile
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/nhsuk $(VENDOR)/htmx
	# Hexitime's own type: drop the NHS's licensed web fonts (served from the NHS's own host).
	# Its icons (sorting arrows, the close cross) are named from the site root (/assets/images/):
	# point them at the copy beside the style sheet. Its source map describes the unchanged file, so
	# the reference to it goes too (collectstatic refuses a CSS file naming a file it cannot find).
	sed -E -e 's/@font-face\{[^}]*\}//g' -e 's@url\(/assets/images/@url(images/@g' \
	  -e 's@/\*# sourceMappingURL=[^*]*\*/@@' $(NHSUK)/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	cp $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map $(VENDOR)/nhsuk/
	cp -r $(NHSUK)/assets/images $(VENDOR)/nhsuk/images
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $@

run: install
	DEBUG=1 $(MANAGE) migrate --no-input -v0
	@# seed_demo refuses a database with members who are not demo members; the SQLite file that
	@# make run keeps under var/ is a developer's own (sign-ups tried there are throwaway).
	DEBUG=1 $(MANAGE) seed_demo $$([ -n "$$DATABASE_URL" ] || echo --i-know-this-database-is-disposable)
	@# The task worker (auto-confirmation, reminders, e-mail) and the scheduler (digests, nudges,
	@# sweeps) run beside the web server and stop with it.
	DEBUG=1 $(MANAGE) db_worker --no-startup-delay --interval 5 & worker=$$!; \
	  DEBUG=1 $(MANAGE) run_schedule --loop & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

# The production stack locally (DEBUG off, collectstatic, migrate, gunicorn, worker, scheduler) on
# DATABASE_URL (and CACHE_URL when set); scripts/serve says what it fills in for a local try.
serve: install
	scripts/serve

test: install browser lint typecheck pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache
	@# Every model change has its migration.
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

typecheck: install
	$(VENV)/bin/mypy src tests scripts/crawl.py

# pytest exits non-zero when no test ran (exit code 5), so an empty run fails here too.
pytest: install
	$(PY) -m pytest

# The browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

# Ledger throughput on PostgreSQL: post_transfer() against a raw-SQL baseline, then verify the ledger.
# Pass options through BENCH_ARGS, e.g. make bench-ledger BENCH_ARGS="--seconds 5 --clients 4".
# Production settings (DEBUG off, so no query logging) with the development tools (DEVTOOLS=1); a
# throwaway SECRET_KEY when none is set. The database's name must contain "bench" (devtools.guard:
# the bench posts transfers that can never be deleted), or pass --i-know-this-database-is-disposable.
BENCH_ARGS ?=
BENCH_ENV := DEVTOOLS=1 SECRET_KEY="$${SECRET_KEY:-bench-ledger-throwaway-key}" SITE_URL="$${SITE_URL:-http://127.0.0.1:8000}"
bench-ledger: $(VENV)/.installed
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*|pgsql://*) ;; \
	  "") echo "make bench-ledger needs DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/hexitime_ledger_bench"; exit 1;; \
	  *) echo "make bench-ledger measures PostgreSQL: DATABASE_URL must be a postgres:// URL, not $${DATABASE_URL%%:*}://..."; exit 1;; \
	esac
	$(BENCH_ENV) $(MANAGE) migrate --no-input -v0
	$(BENCH_ENV) $(MANAGE) bench_ledger $(BENCH_ARGS)

# Search and matching latency on a national-scale data set (100,000 members, 500,000 listings),
# seeded on the first run. DATABASE_URL when set (a database of its own whose name contains "bench"),
# otherwise SQLite at var/bench.sqlite3, never the demo database. Options through BENCH_SEARCH_ARGS, e.g.
# make bench-search BENCH_SEARCH_ARGS="--iterations 50".
BENCH_SEARCH_ARGS ?=
BENCH_SEARCH_ENV := DEVTOOLS=1 SECRET_KEY="$${SECRET_KEY:-bench-search-throwaway-key}" SITE_URL="$${SITE_URL:-http://127.0.0.1:8000}" DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3}"
bench-search: $(VENV)/.installed
	$(BENCH_SEARCH_ENV) $(MANAGE) migrate --no-input -v0
	$(BENCH_SEARCH_ENV) $(MANAGE) bench_search $(BENCH_SEARCH_ARGS)

# Both locks are built in a clean venv: requirements.txt from requirements.in (production only),
# requirements-dev.txt from requirements-dev.in (what development and tests add on top). Versions
# already pinned stay as they are; make lock UPGRADE=1 takes the newest that the .in files allow.
LOCK_VENV := var/lock-venv
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	@if [ -n "$(UPGRADE)" ]; then : > $(LOCK_VENV)/keep.txt; \
	  else cat requirements.txt requirements-dev.txt 2>/dev/null | grep -E '^[A-Za-z0-9]' > $(LOCK_VENV)/keep.txt || true; fi
	$(LOCK_VENV)/bin/python -m pip install --quiet -r requirements.in -c $(LOCK_VENV)/keep.txt
	$(LOCK_VENV)/bin/python -m pip freeze --exclude-editable > $(LOCK_VENV)/production.txt
	$(LOCK_VENV)/bin/python -m pip install --quiet -r requirements-dev.in -c $(LOCK_VENV)/keep.txt
	{ echo "# Pinned lock of production's dependencies, generated by 'make lock' from requirements.in."; \
	  cat $(LOCK_VENV)/production.txt; } > requirements.txt
	{ echo "# Pinned lock of development and test dependencies, generated by 'make lock' from requirements-dev.in."; \
	  echo "-r requirements.txt"; \
	  $(LOCK_VENV)/bin/python -m pip freeze --exclude-editable | grep -vxFf $(LOCK_VENV)/production.txt; } > requirements-dev.txt
	rm -rf $(LOCK_VENV)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
