# The two commands a council's IT team needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export PORT

.PHONY: run test test-rasa lint typecheck bench bench-nlu clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

## Start frontdoor on embedded defaults: SQLite, inline jobs, demo data.
run: $(VENV)/.installed
	$(BIN)/frontdoor db upgrade
	$(BIN)/frontdoor demo
	$(BIN)/frontdoor serve --port $(PORT)

## Lint, type-check and run the whole suite against real PostgreSQL, Redis and SQLite.
test: $(VENV)/.installed-test
	scripts/ensure-services.sh
	scripts/ensure-browser.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

## Build Rasa (own venv, cached outside the repo), train and serve bots/, test against it.
test-rasa: $(VENV)/.installed-test
	scripts/rasa-test.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python bench/pipeline_bench.py

bench-nlu: $(VENV)/.installed-test
	$(BIN)/python bench/nlu_bench.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
