# The two commands of the README's Quick start are `make demo` and `make test`.
# Everything else here is what they are built from.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps lint typecheck pytest bench clean format

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

## make demo: install, build the demo data set, sync it, and serve it on http://127.0.0.1:8000/
demo: install
	$(BIN)/manyroads demo
	$(BIN)/manyroads serve

## make test: install, then lint, type-check and run the whole test suite
test: install system-deps lint typecheck pytest

# Debian packages the tests use for real: PostgreSQL (the store's second backend) and
# chromium (driven by Playwright in the browser tests).
# Installed only when missing and when we may (root with apt); otherwise those tests skip and say why.
system-deps:
	@./scripts/system-deps

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.finder
	$(BIN)/python -m bench.referral

clean:
	rm -rf $(VENV) manyroads-data .pytest_cache .mypy_cache .ruff_cache test-artifacts

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench
