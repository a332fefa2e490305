# One entry point. `make run` and `make test` each install everything they need first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install system-deps run test lint format bench clean peer-venv screenshots

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium for the browser tests, and CJK fonts so the zh-Hant/zh-Hans report renders.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  echo "installing Debian chromium and fonts-noto-cjk"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

## The main job: the seed's central question, from the shipped data.
run: install
	$(VENV)/bin/chipwar report -o build/report.html

## Everything the tests need, then lint, types and the test suite.
test: install system-deps
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

format: install
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

bench: install
	$(PY) benchmarks/run_all.py

## OpenSanctions' nomenklatura matcher for benchmarks/bench_names.py, in its own environment
## (its dependency pins differ from chipwar's); bench_names.py finds it at .venv-peer.
peer-venv:
	python3 -m venv .venv-peer
	.venv-peer/bin/python -m pip install -q 'nomenklatura>=4'

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache

## docs/web.md's screenshots, taken by the browser tests in Debian's chromium
screenshots: install system-deps
	CHIPWAR_SCREENSHOTS=docs/img $(VENV)/bin/pytest -q tests/test_web_browser.py
