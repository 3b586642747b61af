# svcworkbook: every target does its own set-up, idempotently (a second run does not reinstall).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python caches compiled modules (and pytest its assertion-rewritten test files) unless this is
# set, as some CI images do: every kernel and test worker would then recompile them all.
unexport PYTHONDONTWRITEBYTECODE
KERNEL := $(VENV)/share/jupyter/kernels/svcworkbook/kernel.json

.PHONY: demo test lab lint format setup clean benchmarks nbval-outputs

setup: $(STAMP) $(KERNEL)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev,cluster]'
	touch $(STAMP)

# The project's own kernel, inside the virtual environment (never the machine's kernels).
$(KERNEL): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name svcworkbook --display-name "Python (svcworkbook)" >/dev/null
	touch $(KERNEL)

demo: setup
	$(BIN)/svcworkbook run all --out build

test: setup
	$(BIN)/ruff check svcworkbook tests benchmarks tools notebooks
	$(BIN)/ruff format --check svcworkbook tests benchmarks tools notebooks
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -q --durations=25

lab: setup
	test -d workbook || $(BIN)/svcworkbook edition all --learner --out workbook
	$(BIN)/jupyter lab workbook/

lint: setup
	$(BIN)/ruff check svcworkbook tests benchmarks tools notebooks

format: setup
	$(BIN)/ruff check --fix svcworkbook tests benchmarks tools notebooks
	$(BIN)/ruff format svcworkbook tests benchmarks tools notebooks

nbval-outputs: setup
	$(BIN)/python tools/refresh_nbval_outputs.py

benchmarks: setup
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build .pytest_cache .ruff_cache
