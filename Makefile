# Conflict Timeline: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW ?= data/raw/incidents
OUT ?= data/processed/timeline

.DEFAULT_GOAL := help

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

.PHONY: install
## Create .venv/ and install the pinned dependencies
install: $(STAMP)

.PHONY: build
## Build, validate and publish a new version of the timeline from data/raw/
build: $(STAMP)
	$(BIN)/conflict-timeline build --raw $(RAW) --out $(OUT)

.PHONY: validate
## Re-validate the latest published version
validate: $(STAMP)
	$(BIN)/conflict-timeline validate --out $(OUT)

.PHONY: test
## Run the test suite, without the slow cluster and scale tests (make test-all runs them too)
test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

.PHONY: test-slow
## Run only the slow tests: dask clusters, builds at scale
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

.PHONY: test-all
## Run every test, slow ones included
test-all: $(STAMP)
	$(BIN)/python -m pytest

.PHONY: notebook
## Open notebooks/explore.ipynb in Jupyter (installs the pinned Notebook server on first use)
notebook: $(VENV)/.notebook
	$(BIN)/jupyter notebook notebooks/explore.ipynb

$(VENV)/.notebook: $(STAMP) requirements-notebook.lock
	$(BIN)/python -m pip install --quiet -r requirements-notebook.lock -c requirements.lock
	touch $@

.PHONY: bench
## Run the benchmarks and write benchmarks/results.json
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

.PHONY: accuracy
## Score places and reconciliation against the gold files → benchmarks/accuracy.json
accuracy: $(STAMP)
	$(BIN)/python -m benchmarks.accuracy

.PHONY: lint
## Lint and type-check the library
lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/mypy pipeline

.PHONY: lock
## Re-resolve the dependencies and rewrite requirements.lock
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade pip
	.lockenv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact pins installed by \`make\` (regenerate with \`make lock\`)."; \
	  .lockenv/bin/pip freeze --all --exclude-editable | grep -v "^pip=="; } > requirements.lock
	rm -rf .lockenv

.PHONY: clean
## Remove the virtualenv, caches and the published timeline
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis $(OUT) *.egg-info

.PHONY: help
## Show this help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z-]+:/{if(doc){split($$1,t,":"); printf "  %-10s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)
