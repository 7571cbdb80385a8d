# Everyday commands for mutu.  Nothing here needs an activated virtualenv: every
# tool is called through .venv/bin.  Run `make help` for the list.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

# Tests never read a developer's .env: they run with DEBUG=false and a throwaway key.
TEST_ENV := MUTU_IGNORE_DOTENV=true DEBUG=false SECRET_KEY=test-only-not-a-secret-key
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv demo test test-postgres lint format messages bench clean lock

help:
	@echo "make demo           run the demo at http://127.0.0.1:8000 (web, worker, periodic loop)"
	@echo "make test           the whole test suite on SQLite (make test-postgres: on PostgreSQL)"
	@echo "make lint / format  ruff check and format"
	@echo "make messages       update and compile the Indonesian translations"
	@echo "make bench          small benchmarks (figures, no pass/fail)"
	@echo "make lock           regenerate requirements.lock from pyproject.toml"
	@echo "make clean          remove the virtualenv, caches and collected static files (keeps var/ data)"

venv: $(STAMP)

# Reinstalls only when the lock or pyproject.toml changed since the last install.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The copy keeps unchanged transitive pins (uv prefers versions already in its output file).
lock: venv
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --disable-pip-version-check uv
	@if [ -f requirements.lock ]; then cp requirements.lock requirements.lock.tmp; fi
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" -o requirements.lock.tmp
	@{ echo "# Pinned, hashed install set for mutu (Python 3.11): runtime dependencies plus the dev extra."; \
	   echo "# Regenerate after changing pyproject.toml with 'make lock', which runs"; \
	   echo "#   .venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes"; \
	   echo "# Install: pip install -r requirements.lock && pip install --no-deps -e .   (or 'make venv')"; \
	   cat requirements.lock.tmp; } > requirements.lock
	@rm -f requirements.lock.tmp

# A new .env gets a random SECRET_KEY; an existing one is never touched.
.env: | .env.example
	$(PY) -c "import pathlib, secrets; \
	text = pathlib.Path('.env.example').read_text(encoding='utf-8'); \
	key = secrets.token_urlsafe(50); \
	pathlib.Path('.env').write_text(text.replace('change-me-make-demo-replaces-this', key), encoding='utf-8')"
	@echo "Created .env with a random SECRET_KEY."

demo: venv .env
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) seed_demo
	$(MANAGE) replay_chat_sample
	@echo "Starting web (http://127.0.0.1:8000), task worker and periodic loop; Ctrl-C stops all."
	$(VENV)/bin/honcho start -f Procfile

# Static files are collected first: with DEBUG=false templates resolve {% static %}
# through the manifest that collectstatic writes.  loadgroup keeps the browser tests
# (xdist_group "browser") on one worker, so one Chromium serves them all.
test: venv
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run
	$(TEST_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(PY) -m pytest -n 2 --dist loadgroup -rfEs $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$(POSTGRES_TEST_URL) $(MAKE) --no-print-directory test

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: venv
	$(VENV)/bin/django-admin makemessages -l id --ignore=.venv --ignore=var
	$(VENV)/bin/django-admin compilemessages --ignore=.venv --ignore=var

bench: venv
	$(PY) bench/working_days.py
	$(PY) bench/queue_tickets.py
	$(PY) bench/surveys_ikm.py
	$(PY) bench/complaint_intake.py
	$(PY) bench/chat_webhooks.py

clean:
	rm -rf $(VENV) .ruff_cache .pytest_cache build *.egg-info var/static
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
