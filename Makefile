# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench eval install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/briefings run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP)  # BENCH_ARGS="--sizes 10k" for a quick run; see tests/bench/__main__.py
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

eval: $(STAMP)
	$(BIN)/python -m tests.eval $(DATA)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
