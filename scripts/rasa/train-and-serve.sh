#!/usr/bin/env bash
# Train bots/ (only when it changed) and serve it with Rasa's HTTP API.
#
#   scripts/rasa/train-and-serve.sh               train if needed, then exec `rasa run`
#   scripts/rasa/train-and-serve.sh --train-only  train if needed, print the model path
#
#   RASA_VENV       Rasa venv (built/reused by build-venv.sh)  default $HOME/.cache/frontdoor/rasa-venv
#   RASA_MODELS     model dir, outside the repo                 default $HOME/.cache/frontdoor/rasa-models
#   RASA_PORT       HTTP port                                   default 5005
#   RASA_INTERFACE  bind address (the API has no auth token)    default 127.0.0.1
#   RASA_SKIP_BUILD=1  do not run build-venv.sh (just use $RASA_VENV)
#
# Each model is saved as $RASA_MODELS/frontdoor-<UTC time>.tar.gz with a .sha256 file beside it
# holding the hash of bots/config.yml, bots/domain.yml, bots/data/* and the venv stamp. The newest
# model is reused while that hash is unchanged. Nothing is written under bots/: Rasa runs from
# $RASA_MODELS and its training cache lives in $RASA_MODELS/.cache.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOTS=$(cd "$HERE/../../bots" && pwd)
export RASA_VENV=${RASA_VENV:-$HOME/.cache/frontdoor/rasa-venv}
RASA_MODELS=${RASA_MODELS:-$HOME/.cache/frontdoor/rasa-models}
export RASA_TELEMETRY_ENABLED=false
export RASA_CACHE_DIRECTORY=$RASA_MODELS/.cache
export MPLCONFIGDIR=${MPLCONFIGDIR:-$RASA_MODELS/.mpl}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
KEEP_MODELS=3

say() { echo "rasa: $*" >&2; }

train_only=0
[ "${1:-}" = "--train-only" ] && train_only=1

if [ "${RASA_SKIP_BUILD:-0}" != 1 ]; then
  "$HERE/build-venv.sh" >&2
fi
RASA=$RASA_VENV/bin/rasa
[ -x "$RASA" ] || { say "no Rasa venv at $RASA_VENV (run scripts/rasa/build-venv.sh)"; exit 1; }

mkdir -p "$RASA_MODELS"
exec 8>"$RASA_MODELS/.train.lock"
flock 8

# Hash of everything that goes into the model (file names and contents) plus the venv stamp.
hash=$(
  cd "$BOTS"
  { find config.yml domain.yml data -type f | LC_ALL=C sort | xargs sha256sum
    cat "$RASA_VENV/.frontdoor-stamp" 2>/dev/null || true; } | sha256sum | cut -c1-16
)

model=$(ls -1t "$RASA_MODELS"/frontdoor-*.tar.gz 2>/dev/null | head -n 1 || true)
if [ -n "$model" ] && [ "$(cat "${model%.tar.gz}.sha256" 2>/dev/null)" = "$hash" ]; then
  say "reusing $model (bots hash $hash)"
else
  model=$RASA_MODELS/frontdoor-$(date -u +%Y%m%dT%H%M%SZ).tar.gz
  say "training bots/ (hash $hash) -> $model"
  start=$(date +%s)
  (
    cd "$RASA_MODELS"
    "$RASA" train --config "$BOTS/config.yml" --domain "$BOTS/domain.yml" --data "$BOTS/data" \
      --out "$RASA_MODELS" --fixed-model-name "$(basename "$model" .tar.gz)" >&2
  )
  [ -f "$model" ] || { say "training finished but $model is missing"; exit 1; }
  echo "$hash" >"${model%.tar.gz}.sha256"
  say "trained in $(($(date +%s) - start))s"
  # Keep the newest few models (and their hashes).
  ls -1t "$RASA_MODELS"/frontdoor-*.tar.gz | tail -n +$((KEEP_MODELS + 1)) | while read -r old; do
    rm -f "$old" "${old%.tar.gz}.sha256"
  done
fi

exec 8>&-  # release the training lock; do not leak the fd into rasa run
if [ "$train_only" = 1 ]; then
  echo "$model"
  exit 0
fi

# Run from the model dir so anything Rasa writes relative to its cwd (e.g. models/ from
# POST /model/train?save_to_default_model_directory=true) stays out of the repo.
cd "$RASA_MODELS"
exec "$RASA" run --enable-api --cors '*' \
  --interface "${RASA_INTERFACE:-127.0.0.1}" --port "${RASA_PORT:-5005}" \
  --model "$model" \
  --credentials "$BOTS/credentials.yml" --endpoints "$BOTS/endpoints.yml"
