# Two commands for a newcomer: `make run` (start everything on the embedded default) and
# `make test` (every test). Each target installs what it needs first and can be run again safely.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BOT_VENV := .venv
BACKEND_VENV := .venv-backend
BOT_PY := $(BOT_VENV)/bin/python
BACKEND_PY := $(BACKEND_VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check

export PYTHONDONTWRITEBYTECODE := 1

# --- the assistant: model, endpoints (endpoints.yml reads these; override them in the environment)
RASA := $(BOT_VENV)/bin/rasa
MODEL := models/assistant.tar.gz
RASA_INPUTS := config.yml $(wildcard bot/domain/*.yml nlu_data/*.yml stories/*.yml stories/rules/*.yml \
                 bot/nlu/*.py bot/policies/*.py bot/triage/*.py bot/triage/data/*.yml)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 3
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_STORE_URL ?= sqlite:///var/tracker.db
export LOCK_STORE_TYPE ?= in_memory
export REDIS_HOST ?= 127.0.0.1
export REDIS_PORT ?= 6379
export REDIS_DB ?= 1
# Channel settings bot/credentials.yml reads (empty: the channel answers 503 "not configured", and
# outside development it refuses to start). See README.md, "Settings".
export ENVIRONMENT ?= development
export PUBLIC_URL ?=
export TWILIO_ACCOUNT_SID ?=
export TWILIO_AUTH_TOKEN ?=
export TWILIO_SMS_FROM ?=
export TWILIO_WHATSAPP_FROM ?=
export TWILIO_API_BASE_URL ?=
export TELEGRAM_BOT_TOKEN ?=
export TELEGRAM_SECRET_TOKEN ?=
export TELEGRAM_API_BASE_URL ?=

.PHONY: help run test backend lint bench-backend deps lock clean test-backend test-bot eval-triage train shell eval-nlu eval-nlu-unseen eval-time-wishes bench-bot \
        telegram-webhook

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# --- environments -------------------------------------------------------------------------
$(BACKEND_VENV)/.installed: requirements/backend-dev.lock
	@test -x $(BACKEND_PY) || { py="$$(scripts/find-python 3.11)" && "$$py" -m venv $(BACKEND_VENV); }
	@echo "Installing the backend environment ($(BACKEND_VENV), Python 3.11)..."
	$(BACKEND_PY) -m pip install $(PIP_FLAGS) -r requirements/backend-dev.lock
	@touch $@

$(BOT_VENV)/.installed: requirements/bot.lock
	@test -x $(BOT_PY) || { py="$$(scripts/find-python 3.10)" && "$$py" -m venv $(BOT_VENV); }
	@echo "Installing the assistant environment ($(BOT_VENV), Python 3.10, Rasa 3.6; a few minutes the first time)..."
	$(BOT_PY) -m pip install $(PIP_FLAGS) -r requirements/bot.lock
	@touch $@

# The web chat page's assets (NHS.UK frontend and our script), built from the npm lock file.
WEBCHAT_UI := channels/webchat_ui
WEBCHAT_BUILT := $(WEBCHAT_UI)/dist/.built
$(WEBCHAT_BUILT): $(WEBCHAT_UI)/package-lock.json $(wildcard $(WEBCHAT_UI)/src/* $(WEBCHAT_UI)/scripts/*)
	@command -v npm >/dev/null || { echo "npm is needed to build the web chat page: install Node.js 20+ (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	@echo "Building the web chat page ($(WEBCHAT_UI))..."
	cd $(WEBCHAT_UI) && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@

deps: $(BACKEND_VENV)/.installed $(BOT_VENV)/.installed $(WEBCHAT_BUILT) ## install both environments and build the web chat page

# --- running ------------------------------------------------------------------------------
run: deps ## start the whole system on the embedded default (SQLite, no servers needed)
	@scripts/run-all

backend: $(BACKEND_VENV)/.installed ## start the booking backend alone (BACKEND_PORT, DATABASE_URL)
	$(BACKEND_PY) -m booking_backend serve

# Make retrains only when an input is newer than the model; Rasa's cache then retrains only the
# parts whose inputs changed (NLU, dialogue), so a stories-only change is quick.
$(MODEL): $(RASA_INPUTS) | $(BOT_VENV)/.installed
	$(RASA) train --domain bot/domain --data nlu_data stories --config config.yml \
	    --out models --fixed-model-name assistant

train: $(MODEL) ## train the assistant when its data changed (model: models/assistant.tar.gz)

shell: $(MODEL) ## chat with the assistant in the terminal (starts the action server; `make backend` for bookings)
	@mkdir -p var/log
	@export ACTION_SERVER_TOKEN="$${ACTION_SERVER_TOKEN:-$$($(BOT_PY) -c 'import secrets; print(secrets.token_urlsafe(32))')}"; \
	 $(BOT_PY) -m actions.server >var/log/actions.log 2>&1 & pid=$$!; \
	 trap "kill $$pid 2>/dev/null" EXIT INT TERM; \
	 $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

telegram-webhook: $(BOT_VENV)/.installed ## point Telegram at PUBLIC_URL (TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN)
	$(BOT_PY) -m channels.telegram_webhook

# --- checks -------------------------------------------------------------------------------
test: deps lint test-backend test-bot ## install what is missing, lint, and run every test

# The tests say which environment they are (the applications have no default).
test-backend: $(BACKEND_VENV)/.installed
	ENVIRONMENT=test $(BACKEND_PY) -m pytest tests/booking_backend

test-bot: $(BOT_VENV)/.installed $(BACKEND_VENV)/.installed $(WEBCHAT_BUILT) $(MODEL)
	@scripts/ensure-chromium
	ENVIRONMENT=test $(BOT_PY) -m pytest tests/bot tests/actions tests/channels tests/attacks
	$(RASA) data validate --domain bot/domain --data nlu_data stories --config config.yml
	$(RASA) test core --model $(MODEL) --stories tests/conversations --fail-on-prediction-errors \
	    --out results/conversations

lint: deps ## ruff and mypy on both sides
	$(BACKEND_VENV)/bin/ruff check booking_backend tests/booking_backend benchmarks
	$(BACKEND_VENV)/bin/mypy booking_backend
	$(BOT_VENV)/bin/ruff check bot actions channels tests/bot tests/actions tests/channels tests/attacks tests/stack.py tests/services.py
	$(BOT_VENV)/bin/mypy --python-version 3.10 bot actions channels

eval-triage: $(BOT_VENV)/.installed ## triage dev set: confusion matrix, accuracy, emergency recall
	$(BOT_PY) -m bot.triage.evaluate

eval-nlu: $(BOT_VENV)/.installed ## NLU cross-validation (5 folds, seeded): intent F1 per intent (core intents need 0.95)
	$(BOT_PY) -m bot.nlu.evaluate --folds 5 --out results/nlu

eval-nlu-unseen: $(MODEL) ## the unseen booking-turns set (never trained on): intent F1 (book, cancel, reschedule need 0.90)
	$(BOT_PY) -m bot.nlu.evaluate --test-set tests/bot/nlu/data/unseen_booking_turns.yml --model $(MODEL) \
	    --out results/nlu-unseen

eval-time-wishes: $(BOT_VENV)/.installed $(BACKEND_VENV)/.installed $(MODEL) ## scripted web chat patients with a time wish: bookings and moves that honour it (a measurement; exits 0)
	ENVIRONMENT=test $(BOT_PY) benchmarks/time_wish_eval.py

# --- benchmarks (not part of make test) -----------------------------------------------------
bench-backend: $(BACKEND_VENV)/.installed ## backend figures on PostgreSQL with 1M slots, next to pgbench
	$(BACKEND_PY) benchmarks/backend_bench.py

bench-bot: $(BACKEND_VENV)/.installed $(BOT_VENV)/.installed ## assistant message latency and msgs/s, next to the rasa init starter bot
	$(BACKEND_PY) benchmarks/bot_bench.py

# --- maintenance ------------------------------------------------------------------------------
lock: ## regenerate the lock files from requirements/*.in (needs the package index)
	@test -x .venv-tools/bin/uv || { python3 -m venv .venv-tools && .venv-tools/bin/pip install $(PIP_FLAGS) uv; }
	cd requirements && ../.venv-tools/bin/uv pip compile --python-version 3.11 \
	    --python-platform x86_64-unknown-linux-gnu backend.in -o backend.lock
	cd requirements && ../.venv-tools/bin/uv pip compile --python-version 3.11 \
	    --python-platform x86_64-unknown-linux-gnu backend-dev.in -o backend-dev.lock
	.venv-tools/bin/uv pip compile --generate-hashes --python-version 3.10 \
	    --python-platform x86_64-manylinux_2_28 requirements/bot.in -o requirements/bot.lock

clean: ## remove environments and data (var/, models/)
	rm -rf $(BOT_VENV) $(BACKEND_VENV) .venv-tools var models results .rasa $(WEBCHAT_UI)/node_modules $(WEBCHAT_UI)/dist
