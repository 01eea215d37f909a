# Two commands set up a fresh machine from a clean clone:
#   make book   - create .venv, install requirements.txt, build the book into _build/html
#   make test   - create .venv, install requirements-test.txt, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: book test install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.book-installed: $(BIN)/python requirements.txt pyproject.toml
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.book-installed requirements-test.txt
	$(PIP) install -r requirements-test.txt
	touch $@

install: $(VENV)/.book-installed
install-test: $(VENV)/.test-installed

book: install
	$(BIN)/jupyter-book build .

test: install-test
	NNLEARN_REQUIRE_TORCH=1 $(BIN)/python -m pytest

clean:
	rm -rf _build .pytest_cache .hypothesis
