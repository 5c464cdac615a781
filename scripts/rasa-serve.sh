#!/usr/bin/env bash
# Procfile `nlu:` entry. Serves bots/ with Rasa's HTTP API (POST /model/parse) on
# ${RASA_INTERFACE:-127.0.0.1}:${RASA_PORT:-5005}. Rasa lives in its own venv outside the repo
# (it needs an older Python stack than the app) and models go to $HOME/.cache/frontdoor/rasa-models:
# scripts/rasa/train-and-serve.sh builds the venv if missing, retrains only when bots/ changed,
# then execs `rasa run`. See that script for the RASA_* settings.
set -euo pipefail
exec "$(dirname "$0")/rasa/train-and-serve.sh" "$@"
