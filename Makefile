# Transferportal NRW – the two commands of the README (`make run`, `make test`) and a few helpers.
# Everything is installed into the project folder (.venv, node_modules); nothing global.

.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run setup test test-browser lint check serve serve-env worker collectstatic clean bench

help:
	@echo "make run    – alles installieren, Datenbank anlegen, Demo-Daten laden, Site auf http://$(HOST):$(PORT)/ starten"
	@echo "make test   – alle Tests (SQLite; PostgreSQL, wenn DATABASE_URL gesetzt ist)"
	@echo "make test-browser – nur die Browser-Tests (Chromium, Playwright, axe-core)"
	@echo "make lint   – ruff"
	@echo "make serve  – Produktionsstart: nginx vor gunicorn (wie mit compose.yaml), http://127.0.0.1:8000/"
	@echo "make worker – der Worker für Hintergrundarbeiten (Importe, E-Mails), wie im Container „worker“"
	@echo "make bench  – Lasttest auf PostgreSQL mit erfundenen Angeboten (docs/performance.md)"

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@PYTHON=$$(bin/find-python) || exit 1; \
	  echo "Python: $$($$PYTHON --version)"; \
	  [ -x $(PY) ] || $$PYTHON -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Fehler: npm wird benötigt (Node.js 20 oder neuer), um KERN UX zu installieren." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Interface texts: English, plus the German the admin's packages lack; compiled with Babel (pure Python,
# no gettext needed; the .mo files stay out of git).
MO := locale/en/LC_MESSAGES/django.mo
$(MO): $(wildcard locale/*/LC_MESSAGES/*.po) bin/compile-messages $(VENV)/.installed
	$(PY) bin/compile-messages
	@touch $@

# Latin subsets of KERN's Fira Sans 400/600 for static/css/fonts.css (fontTools; generated, not in git).
# One stamp for both font files, so that `make -j` runs the subsetter once.
FONTS := static/fonts/.subset
$(FONTS): bin/subset-fonts node_modules/.installed $(VENV)/.installed
	$(PY) bin/subset-fonts
	@touch $@

setup: $(VENV)/.installed node_modules/.installed $(MO) $(FONTS)

run: setup
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_reference_data
	$(DEV_ENV) $(PY) manage.py load_demo_data
	@echo
	@echo "Transferportal NRW läuft gleich auf http://$(HOST):$(PORT)/"
	@echo "Redaktionszugang anlegen (in einem zweiten Terminal):  DJANGO_DEBUG=1 $(PY) manage.py createsuperuser"
	@echo "Dann anmelden unter http://$(HOST):$(PORT)/admin/"
	@echo "Hintergrundarbeiten (Importe, E-Mails – in der Entwicklung auf der Konsole) erledigt der Worker, der"
	@echo "mitläuft, regelmäßige Aufgaben (Suchaufträge, Löschfristen) reiht run_periodic ein; Strg-C beendet alle."
	@echo
	@$(DEV_ENV) $(PY) manage.py db_worker & worker=$$!; \
	  $(DEV_ENV) $(PY) manage.py run_periodic & periodic=$$!; \
	  trap 'kill $$worker $$periodic 2>/dev/null; wait $$worker $$periodic 2>/dev/null' EXIT; \
	  $(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The background worker on its own (production: its own container, see docs/operations.md).
worker: setup
	$(PY) manage.py db_worker --no-reload

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# Only the browser journeys and accessibility checks (Chromium: apt-get install chromium); `make test` runs them too.
test-browser: setup
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: setup
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

collectstatic: setup
	$(PY) manage.py collectstatic --noinput $(COLLECT_IGNORE)

# Production start on one host: nginx (deploy/nginx.conf.template) in front of gunicorn, both from bin/serve;
# gunicorn's invocation there is the container's CMD (a test keeps them in step). SERVE_LISTEN, GUNICORN_BIND.
# Production settings need SECRET_KEY and the hashed static files with their manifest: collectstatic runs first
# whenever a static source changed, as in the image build.
# ReDoc (drf-spectacular-sidecar) is never served – the API docs use Swagger UI: not collected (as in the Dockerfile).
COLLECT_IGNORE := --ignore redoc
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(shell find static -type f 2>/dev/null) requirements.txt node_modules/.installed $(FONTS)
	$(PY) manage.py collectstatic --noinput --verbosity 0 $(COLLECT_IGNORE)
	@touch $@

serve-env:
	@[ -n "$$SECRET_KEY" ] || { echo "Fehler: make serve startet mit Produktionseinstellungen und braucht SECRET_KEY (und ALLOWED_HOSTS), z. B.: SECRET_KEY=… ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 make serve. Zum Entwickeln: make run." >&2; exit 1; }

serve: serve-env setup $(STATIC_MANIFEST)
	bin/serve

# Load test on PostgreSQL (DATABASE_URL, default …/transferportal_bench, dropped and recreated) with
# synthetic offers, gunicorn and wrk; results in bench/out/ and docs/performance.md. BENCH_ARGS e.g. --sizes 1000.
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
