# councilsocial — two commands: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell md5sum pyproject.toml | cut -c1-12)

.PHONY: run test install assets lint format clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Serve the app with demo data at http://127.0.0.1:8000 on SQLite, periodic jobs running.
run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Serving at http://127.0.0.1:8000 — press Ctrl+C to stop."
	@DEBUG=true; export DEBUG; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

## Run every test against PostgreSQL and Redis (started if they are installed but down). The browser
## tests run on their own: they flush the database, which the other tests' migrated data must survive.
test: install
	bash scripts/ensure-services.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r councilsocial accounts_register business_cases risk_assessments operations monitoring -x '*/migrations/*' --severity-level medium
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	bash scripts/atproto-network-setup.sh
	$(PY) -m pytest -m "not browser"
	$(PY) -m pytest -m browser

## Rebuild static/ from GOV.UK Frontend (needs Node.js and npm; not needed for run or test).
assets:
	bash assets/build.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles test-results
