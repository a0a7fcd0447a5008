# The newcomer's commands: `make run` serves the site on 127.0.0.1:8000 with
# SQLite (HOST and PORT from the environment or the command line change
# that, as for `make serve`), `make test` runs the whole suite. Both set up
# .venv first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# The test tools that come from npm (package.json): the Nu HTML Checker,
# run on Debian's Java, and Lighthouse, driving Debian's Chromium. Installed
# exactly as package-lock.json pins them, without install scripts (vnu-jar's
# would download a Java of its own where none is found).
NODE_TOOLS := node_modules/.installed

# mysqlclient has no Linux wheels: it compiles against the MariaDB client
# library, found through pkg-config, with a C compiler and Python's headers.
SYSTEM_PACKAGES := libmariadb-dev pkg-config gcc python3-dev

.PHONY: run install test lint format check-migrations serve clean system-deps bench requirements worker

run: export DEBUG ?= 1
run: HOST ?= 127.0.0.1
run: PORT ?= 8000
run: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	@# The mail worker beside the server (mails printed here, EMAIL_URL's
	@# consolemail:// default); Ctrl+C stops both. Without autoreload: a
	@# reloading worker would leave its child behind when the server stops.
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The background worker alone, which sends the mails the site queues: what
# the Procfile's worker: and deploy/scratchpad-worker.service run.
worker: $(VENV)/.installed
	$(MANAGE) db_worker

# What production needs before its first migrate: .venv with the site's
# packages, without the test tools.
install: $(VENV)/.installed

test: $(VENV)/.installed-dev $(NODE_TOOLS)
	$(BIN)/pytest

.PHONY: e2e screenshots lighthouse

# The browser tests alone; `make test` runs them too when Chromium is there.
e2e: $(VENV)/.installed-dev $(NODE_TOOLS)
	$(BIN)/pytest e2e

# Rewrites docs/screenshots/ from a board of sample comments.
screenshots: $(VENV)/.installed-dev
	$(BIN)/pytest e2e/screenshots.py

# Lighthouse's four scores for the front page, a permalink and the login
# page, served as production serves them (the same run as the suite's test).
lighthouse: $(VENV)/.installed-dev $(NODE_TOOLS)
	$(BIN)/pytest -p no:randomly e2e/test_lighthouse.py

lint: $(VENV)/.installed-dev check-migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: export DEBUG ?= 1
check-migrations: $(VENV)/.installed
	$(MANAGE) makemigrations --check --dry-run

# Production: gunicorn with DEBUG off (gunicorn.conf.py reads HOST, PORT and
# WEB_CONCURRENCY), on a database that is already migrated, after collecting
# the static files WhiteNoise serves.
serve: export DEBUG = 0
serve: $(VENV)/.installed
	@$(MANAGE) migrate --check || { echo "make serve: the database is not ready." \
	  "Without an error above, it has migrations to apply: $(MANAGE) migrate" >&2; exit 1; }
	$(MANAGE) collectstatic --noinput
	exec $(BIN)/gunicorn --config gunicorn.conf.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

# The system packages are checked only when the site's packages are
# installed, not on every `make test` or `make serve`.
$(VENV)/.installed: requirements.txt
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(NODE_TOOLS): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Recompiles the pinned, hashed requirements*.txt from the packages the site
# chose in requirements*.in, keeping every pin that still fits: after adding
# or removing a line there. A package's upgrade is asked for by name:
# make requirements PIP_COMPILE_ARGS="--upgrade-package django".
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
  --strip-extras --no-emit-index-url --no-emit-find-links $(PIP_COMPILE_ARGS)

requirements: $(VENV)/.installed-dev
	$(PIP_COMPILE) requirements.in
	$(PIP_COMPILE) requirements-dev.in

# Installs what mysqlclient needs to compile when it is missing: directly as
# root, through sudo when that asks no password, otherwise it stops with the
# one command to run.
system-deps:
	@if pkg-config --exists mariadb 2>/dev/null || pkg-config --exists mysqlclient 2>/dev/null; \
	then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "mysqlclient needs the MariaDB client headers. Run:" >&2; \
	     echo "  sudo apt-get install -y $(SYSTEM_PACKAGES)" >&2; exit 1; fi; \
	echo "Installing $(SYSTEM_PACKAGES) for mysqlclient"; \
	$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(SYSTEM_PACKAGES)

# The benchmark (bench/run.py): MariaDB by default; BENCH_ARGS="--db sqlite"
# and the other options in `python -m bench.run --help`.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk; } \
	  || { echo "The benchmark needs wrk. Run: sudo apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)
