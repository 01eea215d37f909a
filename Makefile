# Two commands set up a fresh machine from a clean clone:
#   make book   - create .venv, install requirements.txt and the npm assets, build the book into _build/html
#                 and its JupyterLite site (the labs in the reader's browser) into _build/html/lite
#   make test   - the same plus requirements-test.txt, then run the test suite (which builds the book and
#                 the lite site again, the book with -W -n --keep-going, and checks them in Chromium)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# uv installs the requirements several times faster than pip (parallel downloads and installs).
# --compile-bytecode: like pip, write the .pyc files at install time; where PYTHONDONTWRITEBYTECODE is
# set (as on our CI machines) every process, each Jupyter kernel included, would otherwise compile all
# it imports (numpy, matplotlib, IPython ...) again: a second or more per process.
UV := $(BIN)/uv pip install --compile-bytecode --python $(BIN)/python
# MathJax and the ipywidgets HTML manager, served from the built site (see _config.yml).
VENDOR := _vendor/vendor
# The JupyterLite site's build environment (lite/requirements-lite.txt), apart from the book's.
LITE_VENV := lite/.cache/venv
# The installs are independent (the Python packages, the book's npm assets, the lite site's npm
# package and venv): make runs them side by side, each one's output kept together.
INSTALL := $(MAKE) --jobs=3 --output-sync=target

.PHONY: book test install install-test vendor lite-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: $(BIN)/python
	$(PIP) install -q 'uv>=0.4,<1'

$(VENV)/.book-installed: $(BIN)/uv requirements.txt pyproject.toml
	$(UV) -r requirements.txt
	$(UV) --no-deps -e .
	$(BIN)/python -m compileall -q nnlearn
	touch $@

# torch goes through pip, which honours the machine's pip configuration (find-links to a local CPU
# build); uv does not, and would download a multi-gigabyte CUDA build. Installed first, it satisfies
# the same pin when uv installs the rest of requirements-test.txt.
$(VENV)/.test-installed: $(VENV)/.book-installed requirements-test.txt
	$(PIP) install "$$(grep -E '^torch[=<>~]' requirements-test.txt)"
	$(UV) -r requirements-test.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

node_modules/.vendored: node_modules/.package-lock.json
	rm -rf _vendor
	mkdir -p $(VENDOR)/jupyter-widgets
	cp -R node_modules/mathjax/es5 $(VENDOR)/mathjax
	cp node_modules/@jupyter-widgets/html-manager/dist/embed.js \
	   node_modules/@jupyter-widgets/html-manager/dist/*.woff* \
	   node_modules/@jupyter-widgets/html-manager/dist/*.ttf \
	   node_modules/@jupyter-widgets/html-manager/dist/*.eot \
	   node_modules/@jupyter-widgets/html-manager/dist/*.svg $(VENDOR)/jupyter-widgets/
	touch $@

$(LITE_VENV)/.installed: $(BIN)/uv lite/requirements-lite.txt
	$(PYTHON) -m venv $(LITE_VENV)
	$(BIN)/uv pip install --compile-bytecode --python $(LITE_VENV)/bin/python \
	    -r lite/requirements-lite.txt
	touch $@

# Pyodide's core and lock, integrity-checked against lite/package-lock.json.
lite/node_modules/.package-lock.json: lite/package.json lite/package-lock.json
	npm ci --prefix lite --no-audit --no-fund

install: $(VENV)/.book-installed
install-test: $(VENV)/.test-installed
vendor: node_modules/.vendored
lite-deps: $(LITE_VENV)/.installed lite/node_modules/.package-lock.json

book:
	$(INSTALL) install vendor lite-deps
	$(BIN)/jupyter-book build .
	$(BIN)/python scripts/build_lite.py _build/html/lite

test:
	$(INSTALL) install-test vendor lite-deps
	NNLEARN_REQUIRE_TORCH=1 NNLEARN_REQUIRE_BROWSER=1 NNLEARN_REQUIRE_LITE=1 \
	    $(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

clean:
	rm -rf _build _vendor .pytest_cache .hypothesis
