# Two commands do everything on a fresh machine with Python 3.10+ and pip:
#   make demo   - create .venv, install bpnn, run the main demo
#   make test   - create .venv, install bpnn with its test tools, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[test]"
	@touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/bpnn demo moons

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m pip install -e ".[bench]"
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
