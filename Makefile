# Kindly: `make run` to talk to it, `make test` to check everything. `make help` lists the rest.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
MODEL := models/kindly.tar.gz
# The chat page's socket.io client, from npm (web/package-lock.json); served by `bot web`.
WEB_STAMP := web/node_modules/.installed
# Retrain whenever anything the model is built from is newer than the model.
MODEL_INPUTS := config.yml $(shell find domain data -type f \( -name '*.yml' -o -name '*.csv' \) 2>/dev/null)
export TF_CPP_MIN_LOG_LEVEL ?= 3
export PYTHONWARNINGS ?= ignore
# Rasa would try to send usage telemetry; this machine has no network and we want none.
export RASA_TELEMETRY_ENABLED ?= false

.DEFAULT_GOAL := help
.PHONY: help run shell test lint train bench clean browser

help: ## Show the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-7s %s\n", $$1, $$2}'

$(PY):
	@scripts/python310 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade "pip<24" "setuptools<71"
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

$(MODEL): $(STAMP) $(MODEL_INPUTS)
	$(RASA) train --domain domain --fixed-model-name kindly --out models
	@touch $@

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser: ## Install Debian's Chromium for the browser tests (apt; skipped when present)
	@scripts/install-chromium

train: $(MODEL) ## Train the model (only when it is missing or older than its inputs)

run: $(MODEL) $(WEB_STAMP) ## Set up, train if needed, and start the assistant (Ctrl-C stops it)
	@scripts/run

shell: $(MODEL) ## Chat with the assistant in this terminal
	@scripts/run --shell

lint: $(STAMP) ## Ruff and mypy
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/mypy bot actions

test: $(MODEL) $(WEB_STAMP) browser ## Set up, train if needed, and run every check and test
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/bot validate
	$(VENV)/bin/bot lint
	$(VENV)/bin/bot resources check
	$(VENV)/bin/bot resources render --check
	$(RASA) test core --stories tests/test_stories.yml --model $(MODEL) \
		--fail-on-prediction-errors --out results/core
	$(VENV)/bin/pytest -q -rs

bench: $(MODEL) ## Throughput, latency, memory and training time (bot/bench.py)
	$(PY) -m bot.bench

clean: ## Remove the virtual environment, models and local databases
	rm -rf $(VENV) models var results .rasa web/node_modules artifacts
