# The two commands: `make run` (demo on http://127.0.0.1:8000) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# How many of the data set's ~12,000 messages `make run` replays as historical orders (all: DEMO_ORDERS=all).
DEMO_ORDERS ?= 4000
INTEGRATION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hotline
INTEGRATION_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint translations glossary model test-unit test-integration install install-dev migrate seed messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A per-installation secret key, created once and kept out of git.
.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Created .env with a new SECRET_KEY"

migrate: install .env
	$(BIN)/python manage.py migrate --noinput

# The default level-1 model is trained from ../shared/datasets when none is active (about half a minute).
model: migrate
	$(BIN)/python manage.py train_models --if-missing

seed: model
	$(BIN)/python manage.py seed_demo $(if $(filter all,$(DEMO_ORDERS)),,--limit $(DEMO_ORDERS))

# The compiled catalogue is committed too; rebuild it when gettext is installed.
messages:
	@if command -v msgfmt >/dev/null; then \
		msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po; fi

# After changing user-facing text: collect new messages into the .po file, translate them, then `make messages`.
translations: install
	$(BIN)/python manage.py makemessages -l zh_Hans --keyword=_lazy --ignore=.venv --ignore=staticfiles --no-obsolete

glossary: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py glossary > docs/glossary.md

run: seed messages
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

test: lint test-unit test-integration

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-unit: install-dev messages
	$(BIN)/python -m pytest tests --ignore=tests/integration -q

# PostgreSQL + Redis + a real Celery worker. Skipped with a reason when they are missing, unless CI=true.
test-integration: install-dev
	DATABASE_URL=$(INTEGRATION_DATABASE_URL) CELERY_BROKER_URL=$(INTEGRATION_BROKER_URL) \
		$(BIN)/python -m pytest tests/integration -q -rs

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
