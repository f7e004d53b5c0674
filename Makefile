# Two commands do everything on a fresh machine with Python 3.10+ and pip:
#   make demo   - create .venv, install bpnn, run the main demo
#   make test   - create .venv, install bpnn with its test tools, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# PyTorch is optional: tests compare bpnn's optimizers with torch.optim when it is importable.
# It is installed only from a local wheel cache (TORCH_WHEELS), never downloaded: PyPI's default
# torch build is several GB of CUDA libraries.
TORCH_WHEELS ?= /opt/wheels

# setup.py and the C source too: the optional C extension (bpnn.core._ckernels) is built at install time
$(VENV)/.installed: pyproject.toml setup.py src/bpnn/core/_ckernels.c | $(BIN)/python
	$(BIN)/python -m pip install -e ".[test]"
	@whl=$$(ls "$(TORCH_WHEELS)"/torch-*.whl 2>/dev/null | head -n 1); \
	if [ -n "$$whl" ] && $(BIN)/python -m pip install "$$whl"; then :; \
	else echo "note: no usable local torch wheel; the PyTorch comparison tests will be skipped"; fi
	@touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/bpnn demo moons

# style, the layering (pyproject.toml's import-linter contracts), the engine's types, then the tests
lint: setup
	$(BIN)/ruff check src tests benchmarks examples setup.py
	$(BIN)/ruff format --check src tests benchmarks examples setup.py
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# the documentation site in site/: English and Chinese, the API from the docstrings, every tutorial's
# code run at build time (mkdocs.yml); --strict fails on a broken link or a failing code block.
# `make test` builds it too (tests/test_docs.py).
.PHONY: docs
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: setup
	$(BIN)/python -m pip install -e ".[bench]"
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache src/bpnn/core/_ckernels*.so site
