# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format migrations-check check-deploy serve screenshots clean

run: install ## Set up, migrate, load the network's content and serve on http://127.0.0.1:8000/
	@mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py setup_roles
	DEBUG=1 $(BIN)/python manage.py load_network_content
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Run the whole test suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@$(MAKE) --no-print-directory system-libraries
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ".[dev]"
	@touch $@

# WeasyPrint (reports as PDF) draws with Pango and HarfBuzz and needs fonts: installed
# from Debian when missing (as root; otherwise the command to run is printed).
PDF_LIBRARIES = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
.PHONY: system-libraries
system-libraries:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset \
	    || ! [ -d /usr/share/fonts/truetype/dejavu ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing WeasyPrint's libraries from Debian: $(PDF_LIBRARIES)"; \
	    apt-get install -y $(PDF_LIBRARIES) >/dev/null 2>&1 \
	      || { apt-get update >/dev/null && apt-get install -y $(PDF_LIBRARIES) >/dev/null; }; \
	  else \
	    echo "Reports as PDF need: sudo apt-get install -y $(PDF_LIBRARIES)"; \
	  fi; \
	fi

# Every Django template of the project (djade formats them as ruff formats Python): the
# admin's, in apps' templates/ folders. The top-level templates/ and apps' jinja2/ folders
# hold the Jinja2 templates of the public pages, which djade does not read.
TEMPLATE_FILES = $(shell find . -path ./.venv -prune -o -path ./templates -prune -o -path '*/templates/*.html' -print)
DJADE = $(BIN)/djade --target-version 5.2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DJADE) --check $(TEMPLATE_FILES)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(DJADE) $(TEMPLATE_FILES)

migrations-check: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: install ## Django's deployment checklist with a production-like environment
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=migration.unu.edu $(BIN)/python manage.py check --deploy --fail-level WARNING

serve: install ## Production-like: DEBUG off, WhiteNoise static files, gunicorn (needs SECRET_KEY, ALLOWED_HOSTS)
	@mkdir -p var
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn unumn.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} --access-logfile -

screenshots: install ## Regenerate docs/screenshots/ (needs Chromium: apt-get install -y chromium)
	@mkdir -p var
	rm -f var/screenshots.sqlite3
	DEBUG=1 DATABASE_URL=sqlite:///var/screenshots.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 DATABASE_URL=sqlite:///var/screenshots.sqlite3 $(BIN)/python manage.py load_network_content -v0
	DEBUG=1 DATABASE_URL=sqlite:///var/screenshots.sqlite3 $(BIN)/python manage.py take_screenshots

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis

BENCH_PG ?= postgres://postgres@127.0.0.1:5432/unumn_bench
BENCH_ENV = DEBUG=0 SECRET_KEY=benchmark-only-secret-key-0123456789 ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0

.PHONY: bench bench-postgres bench-sqlite loadtest
bench: bench-postgres bench-sqlite ## Benchmarks: PostgreSQL at 100k entries, SQLite at 10k (own databases)

bench-postgres: install
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	-createdb -h 127.0.0.1 -U postgres unumn_bench 2>/dev/null
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py seed_benchmark --entries $${BENCH_ENTRIES:-100000}
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py benchmark_catalogue

bench-sqlite: install
	@mkdir -p var
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) DATABASE_URL=sqlite:///var/bench.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) DATABASE_URL=sqlite:///var/bench.sqlite3 $(BIN)/python manage.py seed_benchmark --entries $${BENCH_SQLITE_ENTRIES:-10000}
	$(BENCH_ENV) DATABASE_URL=sqlite:///var/bench.sqlite3 $(BIN)/python manage.py benchmark_catalogue

# Load benchmark: gunicorn (2 workers, DEBUG off) beside a bare Django view, loaded by wrk,
# at 10k and at 100k entries on PostgreSQL; prints req/s, p50, p99 and the ratio to the floor.
BENCH_PG_SMALL ?= postgres://postgres@127.0.0.1:5432/unumn_bench10k
# As in production, derived data (the content version, facet indexes' keys, cards) is
# shared through Redis; each database has its own key prefix. BENCH_REDIS= : none.
BENCH_REDIS ?= redis://127.0.0.1:6379/3
BENCH_CACHE = REDIS_URL=$(BENCH_REDIS) CACHE_KEY_PREFIX=loadtest
LOADTEST_ARGS ?=

loadtest: install
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
	@mkdir -p var
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	-createdb -h 127.0.0.1 -U postgres unumn_bench10k 2>/dev/null
	-createdb -h 127.0.0.1 -U postgres unumn_bench 2>/dev/null
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG_SMALL) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG_SMALL) $(BIN)/python manage.py seed_benchmark --entries 10000
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py seed_benchmark --entries $${BENCH_ENTRIES:-100000}
	$(BENCH_ENV) $(BENCH_CACHE)-10k DATABASE_URL=$(BENCH_PG_SMALL) $(BIN)/python manage.py loadtest --json var/loadtest-10k.json $(LOADTEST_ARGS)
	$(BENCH_ENV) $(BENCH_CACHE)-100k DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py loadtest --json var/loadtest-100k.json $(LOADTEST_ARGS)
	$(BENCH_ENV) $(BIN)/python manage.py loadtest --compare var/loadtest-10k.json var/loadtest-100k.json

# --- The production topology on one machine (deploy/README.md) ------------------------------
# nginx :8080 -> two gunicorn app hosts :8001/:8002 -> PgBouncer :6432 -> PostgreSQL primary
# :5433 streaming to a replica :5434 (public reads, directly), and Redis :6380; all on loopback, as root (it installs
# Debian packages and creates PostgreSQL clusters). Status and fault injection:
# deploy/stack status | kill-host N | start-host N | restart-redis | stop-replica | start-replica
.PHONY: stack stack-stop
stack: install ## Start (or complete) the whole stack; idempotent
	deploy/stack up

stack-stop: ## Stop the stack in reverse order (PostgreSQL data stays on disk)
	deploy/stack down

# Load test of the running stack: 64 clients for 60 s over a mix of pages, again while an
# app host is killed, Redis restarted and the replica stopped, then the kept pages against
# the floor (unumn/management/commands/stack_loadtest.py). Paths are read on the primary.
.PHONY: stack-loadtest
stack-loadtest: stack
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
	set -a && . var/stack/env && set +a && \
	DATABASE_URL=postgres://postgres@127.0.0.1:5433/unumn DB_POOLED=0 DATABASE_REPLICA_URL= \
	$(BIN)/python manage.py stack_loadtest --json var/stack-loadtest.json $(STACK_LOADTEST_ARGS)

# Backups (unumn/backup.py): the database (pg_dump custom format, or SQLite's .backup),
# the uploaded files and a manifest; a restore is verified against the manifest.
#   make backup                          -> var/backups/<date and time>/
#   make restore BACKUP=var/backups/...  (replaces the database and the uploaded files)
.PHONY: backup restore
backup: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py backup $(if $(OUT),--out $(OUT))

restore: install
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<folder>"; exit 2; }
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py restore "$(BACKUP)" --yes
