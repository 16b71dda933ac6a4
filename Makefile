# Secretariat — the two first commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: demo test test-pg e2e lint typecheck messages bench install serve clean backup restore

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/vendor.py
	touch $@

install: $(VENV)/.installed static/vendor/.installed

## demo: install, migrate a fresh SQLite database, load CISS data and demo accounts, serve :8000
## with the ASGI server (uvicorn: live pages get server push, decision 0011) and the background worker (documents, e-mails) running beside the server, and its heartbeat
## queued every minute (/readyz checks it), as the systemd timer does in production
## (DEBUG=true: the development key signs sessions; production sets SECRET_KEY)
demo: export DEBUG := true
demo: install
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ with the background worker (Ctrl-C stops both)"
	DEBUG=true $(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	  while true; do $(PY) manage.py worker_heartbeat -v0; sleep 60; done & beat=$$!; \
	  trap 'kill $$worker $$beat 2>/dev/null' EXIT INT TERM; \
	  DEBUG=true $(VENV)/bin/uvicorn config.asgi:application --host 127.0.0.1 --port $(PORT) \
	    --no-access-log --timeout-graceful-shutdown 2

## test: lint, migrations check, type check and the whole suite (browser tests included)
test: install
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/mypy secretariat config
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

## test-pg: the same suite on PostgreSQL (127.0.0.1:5432, trust)
test-pg:
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'secretariat'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres secretariat
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/secretariat $(MAKE) test

e2e: install
	$(VENV)/bin/pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy secretariat config

## messages: extract strings and compile catalogs (needs gettext)
messages: export DEBUG := true
messages: install
	$(PY) manage.py makemessages -l es -l en -l pt -l fr --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

## bench: 10x data, gunicorn with 4 workers, loopback load; figures in bench/results/
bench: install
	$(PY) bench/run.py

## backup: a dated archive in BACKUP_DIR (database, uploads, action-log checkpoints, manifest)
## with a .sha256 beside it; never the signing key (docs/deploy/README.md)
backup:
	$(PY) manage.py backup

## restore: make restore ARCHIVE=var/backups/secretariat-backup-….tar.gz [FORCE=1]
## into an empty database; checks the checksum, every table and the action log
restore:
	@test -n "$(ARCHIVE)" || { echo "Usage: make restore ARCHIVE=path/to/secretariat-backup-….tar.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore $(if $(FORCE),--force) "$(ARCHIVE)"

clean:
	rm -rf var/db.sqlite3* static/vendor
