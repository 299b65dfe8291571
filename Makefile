# Ghimar Desk — the two set-up commands of the README live here.
#   make chat   install (once) and talk to the bot in this terminal (SQLite, no tokens)
#   make test   install (once) and run the whole test suite (SQLite and PostgreSQL)
#   make run    serve the channels set in the environment (without tokens it says which to set)
#   make doctor check a deployment: configuration, database, key, channels, clock (exit 1 on ✗)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: chat run doctor test lint install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

chat: $(STAMP)
	$(BIN)/python -m bot chat $(if $(USER_ID),--user $(USER_ID),)

run: $(STAMP)
	$(BIN)/python -m bot run

doctor: $(STAMP)
	$(BIN)/python -m bot doctor

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
