# Developer and CI entry points. Everything runs from the uv-managed .venv.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON := .venv/bin/python
RUFF := .venv/bin/ruff
PYTEST := .venv/bin/pytest
# Extra pytest arguments, e.g.  make test PYTEST_ARGS="-k report -x"
PYTEST_ARGS ?=
# Test processes (pytest-xdist): the suite takes ~6 min on 2 cores with `auto`, ~10 with 0.
PYTEST_WORKERS ?= auto

.PHONY: help install install-system run lint format test test-postgres

help:
	@echo "make install         create/refresh .venv from uv.lock"
	@echo "make install-system  apt packages the tests need (Chromium, Noto CJK fonts, Pango)"
	@echo "make run             migrate, load demo data, runserver on 127.0.0.1:8000 + the notice worker"
	@echo "make lint            ruff check + format check + no function over 100 lines"
	@echo "make format          ruff format + ruff check --fix"
	@echo "make test            lint, migrations check, pytest on SQLite"
	@echo "make test-postgres   pytest against a throwaway PostgreSQL"

install:
	scripts/install-python.sh

install-system:
	scripts/install-system.sh

run: install
	@export DEBUG="$${DEBUG:-true}"; \
	$(PYTHON) manage.py migrate --noinput && \
	$(PYTHON) manage.py load_demo && \
	echo && \
	echo "打开 http://127.0.0.1:8000/" && \
	echo && \
	{ $(PYTHON) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PYTHON) manage.py runserver 127.0.0.1:8000; }

lint:
	$(RUFF) check .
	$(RUFF) format --check .
	$(PYTHON) scripts/check_function_length.py --max 100 config departments deputies documents notices downloads ops publication reports security suggestions supervision drafts similar scripts

format:
	$(RUFF) format .
	$(RUFF) check --fix .

test: install install-system
	$(MAKE) --no-print-directory lint
	SECRET_KEY=ci-check $(PYTHON) manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) --create-db -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The cluster lives in a temp dir; the EXIT trap stops it and removes the dir whether
# pytest passed, failed or was interrupted.
test-postgres: install install-system
	@dir=$$(mktemp -d); \
	trap 'scripts/pg.sh stop "$$dir"; rm -rf "$$dir"' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	url=$$(scripts/pg.sh start "$$dir") || exit 1; \
	echo "PostgreSQL: $$url"; \
	DATABASE_URL=$$url DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) --create-db -n $(PYTEST_WORKERS) $(PYTEST_ARGS); \
	status=$$?; \
	exit $$status
