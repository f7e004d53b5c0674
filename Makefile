# Two commands do everything on a fresh machine with Python 3.10+ and pip:
#   make demo   - create .venv, install bpnn with its runtime dependencies only, run the main demo
#   make test   - create .venv, install bpnn with its test and docs tools, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# PyTorch is optional: tests compare bpnn's optimizers with torch.optim when it is importable, and
# skip those comparisons without it. PyPI's default torch build is several GB of CUDA libraries,
# so it is installed only from a folder of wheels you name, e.g. a CPU-only build:
#   make test TORCH_WHEELS=/path/to/wheels
TORCH_WHEELS ?=

.PHONY: demo test lint bench setup docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# what `make demo` needs: bpnn and its runtime dependencies (NumPy, SciPy, scikit-learn,
# matplotlib, pandas, numba...). setup.py and the C source too: the optional C extension
# (bpnn.core._ckernels) is built at install time. --no-compile: Python compiles the modules it
# imports when it first imports them, instead of pip compiling every module of every package
# (a third of the time and 160 MB).
$(VENV)/.runtime: pyproject.toml setup.py src/bpnn/core/_ckernels.c | $(BIN)/python
	$(BIN)/python -m pip install --no-compile -e .
	@touch $@

# what `make test` needs on top: the test, lint and docs tools (the `test` extra), and PyTorch
# from TORCH_WHEELS when given
$(VENV)/.installed: $(VENV)/.runtime
	$(BIN)/python -m pip install -e ".[test]"
	@if [ -z "$(TORCH_WHEELS)" ]; then \
		echo "note: TORCH_WHEELS not given; the PyTorch comparison tests will be skipped"; \
	else whl=$$(ls "$(TORCH_WHEELS)"/torch-*.whl 2>/dev/null | head -n 1); \
		if [ -n "$$whl" ] && $(BIN)/python -m pip install "$$whl"; then :; \
		else echo "note: no usable torch wheel in $(TORCH_WHEELS); the PyTorch comparison tests will be skipped"; fi; fi
	@touch $@

setup: $(VENV)/.installed

demo: $(VENV)/.runtime
	$(BIN)/bpnn demo moons

# style, the layering (pyproject.toml's import-linter contracts), the engine's types, then the tests
lint: setup
	$(BIN)/ruff check src tests benchmarks examples setup.py docs/hooks
	$(BIN)/ruff format --check src tests benchmarks examples setup.py docs/hooks
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# the documentation site in site/: English and Chinese, the API from the docstrings, every tutorial's
# code run at build time and written as a notebook too (mkdocs.yml); --strict fails on a broken
# link or a failing code block. `make test` builds it too (tests/test_docs.py, tests/test_site.py).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: setup
	$(BIN)/python -m pip install -e ".[bench]"
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.tables_defaults --json benchmarks/results/tables_defaults.json

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache src/bpnn/core/_ckernels*.so site
