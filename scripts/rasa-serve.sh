#!/usr/bin/env bash
# Serve bots/ with Rasa's HTTP API (POST /model/parse). Rasa lives in its own venv, outside the repo,
# because it needs an older Python stack than the app.
set -euo pipefail
RASA_VENV=${RASA_VENV:-$HOME/.cache/frontdoor/rasa-venv}
if [ ! -x "$RASA_VENV/bin/rasa" ]; then
  echo "rasa-serve: no Rasa venv at $RASA_VENV (set RASA_VENV, or build it first)" >&2
  exit 1
fi
export RASA_TELEMETRY_ENABLED=false
cd "$(dirname "$0")/../bots"
exec "$RASA_VENV/bin/rasa" run --enable-api --port "${RASA_PORT:-5005}" --model models
