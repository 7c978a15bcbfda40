# Trader onboarding portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8081
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.DEFAULT_GOAL := help
RUNTIME := $(BIN)/.runtime
TESTING := $(BIN)/.testing

.PHONY: help run serve bench test unit lint e2e security verify-broker db translations lock clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# Installs come from the lock files (requirements/*.txt, made by `make lock`): exactly what CI
# tested. The runtime set alone for run and serve; the test set adds the test tools.
$(RUNTIME): requirements/runtime.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/runtime.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

$(TESTING): $(RUNTIME) requirements/test.txt
	$(BIN)/python -m pip install -q -r requirements/test.txt
	touch $@

lock: $(RUNTIME) ## Refresh the lock files from pyproject.toml's ranges (commit requirements/*.txt)
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --upgrade --extra test --strip-extras --no-emit-index-url --no-emit-find-links --no-header -o requirements/test.txt pyproject.toml
	$(BIN)/pip-compile -q --upgrade --strip-extras --no-emit-index-url --no-emit-find-links --no-header -c requirements/test.txt -o requirements/runtime.txt pyproject.toml

# Silent when the database is current; one line per migration applied; everything on failure.
db: $(RUNTIME) ## Create or upgrade the database (SQLite under instance/, or DATABASE_URL)
	@out=$$($(BIN)/flask --app app db upgrade 2>&1) || { echo "$$out" >&2; exit 1; }; \
	echo "$$out" | sed -n 's/.*Running upgrade .* -> \([^,]*\), \([^:]*\).*/  Database: applied \1 (\2)/p'

run: db ## Install, prepare the database, start the sandbox, the portal and the worker (Ctrl-C stops all)
	HOST=$(HOST) PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) bin/run-dev

serve: $(RUNTIME) ## Production mode: db upgrade, gunicorn (WEB_CONCURRENCY, BIND) and the worker, JSON logs
	bin/serve

bench: $(TESTING) ## Benchmark the portal against a bare Flask app with wrk (installs wrk), then the sign-up burst (BENCH_BURST), write bench/results.json
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.burst

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@test -x "$(CHROMIUM_PATH)" || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: $(TESTING) chromium ## Install what tests need, then lint and run unit, integration and browser tests
	$(BIN)/ruff check .
	$(BIN)/pytest -q

unit: $(TESTING) ## Run only the unit and integration tests (no browser)
	$(BIN)/pytest -q tests

lint: $(TESTING) ## ruff check (part of make test)
	$(BIN)/ruff check .

e2e: $(TESTING) chromium ## Run only the Playwright browser tests (E2E_BASE_URL: against a deployed portal)
	@$(BIN)/pytest -q e2e; status=$$?; \
	echo "e2e artifacts in $(CURDIR)/e2e/artifacts/: pages/ (screenshots), failures/ (traces: $(BIN)/playwright show-trace <file>), logs/"; \
	exit $$status

verify-broker: $(RUNTIME) ## Conformance table for the broker in BROKER_API_URL/BROKER_API_TOKEN/BROKER_API_KIND (VERIFY_ARGS=--write)
	@if [ -z "$$BROKER_API_URL" ] || [ -z "$$BROKER_API_TOKEN" ]; then \
		echo "verify-broker: skipped (set BROKER_API_URL and BROKER_API_TOKEN to check a real broker)"; \
	else $(BIN)/flask --app app verify-broker $(VERIFY_ARGS); fi

security: $(TESTING) ## Hostile-input property tests, the fault matrix and a bandit scan
	$(BIN)/pytest -q tests/security tests/reliability
	$(BIN)/bandit -q -r portal -ll

translations: $(RUNTIME) ## Extract user-facing strings, update the Polish catalogue, compile it (commit both files)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-location=file -o /tmp/messages.pot .
	$(BIN)/pybabel update -i /tmp/messages.pot -d translations --ignore-obsolete
	$(BIN)/pybabel compile -d translations --statistics

clean: ## Remove the virtualenv, caches and local data
	rm -rf $(VENV) instance .pytest_cache *.egg-info
