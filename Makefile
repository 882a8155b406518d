# Causerie — two commands: `make run` and `make test`.
# The interpreter: the distribution's CPython when it is 3.11 or newer, else the first python3 on PATH.
# Debian's build screens messages 10-25 % faster than a plain build from source such as pyenv's
# (docs/performance.md).
PYTHON ?= $(or $(shell for p in /usr/bin/python3 python3; do \
            $$p -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done),python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
NODE   := bench/node/node_modules/.package-lock.json

.PHONY: run test lint bench bench-quick screenshots train-screening browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test,train]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/causerie serve

# The bare Node `ws` baseline of the benchmarks (its lock file pins every package).
$(NODE): bench/node/package-lock.json
	npm ci --prefix bench/node --no-audit --no-fund --loglevel=error

# Debian's Chromium for the browser tests (never `playwright install`: no browser downloads here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

test: $(STAMP) $(NODE) browser
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

bench: $(STAMP) $(NODE)
	$(PY) bench/run.py

bench-quick: $(STAMP) $(NODE)
	$(PY) bench/run.py --quick

screenshots: $(STAMP) browser
	$(PY) tools/screenshots.py

train-screening: $(STAMP)
	$(PY) -m causerie.screening.train

clean:
	rm -rf $(VENV) var .pytest_cache test-results bench/node/node_modules
