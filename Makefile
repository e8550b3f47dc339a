# Set-up, run, test and benchmark. Everything the project needs is installed from here (pinned in
# pyproject.toml). `make run` and `make test` are the two commands in the README.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup chromium run run-prod demo test lint bench clean

NODE_STAMP := node_modules/.installed

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# GOV.UK Frontend from npm, served by Flask (no CDN); the model editor bundled into web/static/dist.
$(NODE_STAMP): package.json package-lock.json web/static/build.mjs $(wildcard web/static/src/*)
	npm ci --no-audit --no-fund && npm run build
	@touch $(NODE_STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download a browser here). Where apt is
# not available or not allowed, the browser tests are skipped and say why.
chromium:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
	  echo "Chromium not installed: browser tests will be skipped (install Debian's chromium package)"; }

setup: $(STAMP) $(NODE_STAMP) chromium

## The application on its embedded default: SQLite in instance/, the NRM models deployed, demo
## cases, and the timer scheduler running until Ctrl-C.
run: setup
	$(BIN)/nrm run

## The production set-up on this machine (docs/deployment.md): gunicorn's web workers and a timer
## scheduler on PostgreSQL, at http://127.0.0.1:8000/ until Ctrl-C. NRM_DATABASE_URL overrides the
## database; the default one is created here if the local server lets us.
PROD_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/nrm
run-prod: setup
	@-createdb -h 127.0.0.1 -U postgres nrm 2>/dev/null
	NRM_DATABASE_URL=$${NRM_DATABASE_URL:-$(PROD_DATABASE_URL)} $(BIN)/nrm serve

## Only the database and the demo cases, then return.
demo: setup
	$(BIN)/nrm init
	$(BIN)/nrm demo

## Lint, the layering (import-linter contracts in pyproject.toml), the type check (mypy on what
## [tool.mypy] names), then the whole test suite (PostgreSQL tests run when NRM_TEST_POSTGRES_URL
## is set; .ci/run sets it), one pytest worker per core (pytest-xdist): about 8 minutes on 2 cores.
test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest -q -ra -n auto --durations=25

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check engine tasks web tests
	$(BIN)/mypy

## Benchmarks: results written to docs/benchmarks.md with the machine and date.
bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
