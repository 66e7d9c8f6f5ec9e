# Two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))

.PHONY: run test install web lint pytest webtest clean

run: install web
	$(VENV)/bin/pixsim7 serve

test: install web lint pytest webtest

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Locked dependencies, reinstalled when the lock changes.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

web:
	@if [ -f web/package.json ]; then scripts/build-web.sh; fi
	@if [ -f extension/package.json ]; then scripts/build-extension.sh; fi

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

pytest: install
	scripts/ensure-browser.sh
	$(VENV)/bin/pytest -p no:cacheprovider

webtest:
	@if [ -f web/package.json ]; then cd web && npm run --silent check; fi
	@if [ -f extension/package.json ]; then cd extension && npm run --silent check; fi

clean:
	rm -rf $(VENV) $(TOOLS) web/node_modules web/dist web/dist-player
	rm -rf extension/node_modules extension/dist extension/pixsim7-extension.zip
