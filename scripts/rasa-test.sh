#!/usr/bin/env bash
# `make test-rasa`: build the Rasa venv (cached), train and serve bots/ on a spare port, run the
# tests that need a real Rasa server, then stop it. Training takes minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${RASA_TEST_PORT:-5015}
LOG=$(mktemp -t frontdoor-rasa-XXXX.log)

scripts/rasa/build-venv.sh
RASA_VENV=${RASA_VENV:-$HOME/.cache/frontdoor/rasa-venv}
echo "rasa-test: rasa data validate"
(cd bots && RASA_TELEMETRY_ENABLED=false "$RASA_VENV/bin/rasa" data validate \
  --data data --domain domain.yml --config config.yml >/dev/null)
RASA_SKIP_BUILD=1 RASA_PORT=$PORT scripts/rasa/train-and-serve.sh >"$LOG" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT

echo "rasa-test: waiting for Rasa on :$PORT (log: $LOG)"
for _ in $(seq 1 1800); do
  if curl -fs "http://127.0.0.1:$PORT/status" >/dev/null; then break; fi
  kill -0 $server 2>/dev/null || { tail -n 40 "$LOG"; echo "rasa-test: server died"; exit 1; }
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/status" >/dev/null || { echo "rasa-test: no server after 30 min"; exit 1; }

RASA_URL="http://127.0.0.1:$PORT" .venv/bin/pytest -q tests/understanding/test_rasa.py -rs
