#!/usr/bin/env bash
# Build (or reuse) the Rasa 3.6 venv that serves bots/. It lives OUTSIDE the repo because Rasa
# pins an older stack (pydantic 1, SQLAlchemy 1.4, tensorflow 2.12) than the app.
#
#   RASA_VENV    where the venv goes     (default: $HOME/.cache/frontdoor/rasa-venv)
#   RASA_PYTHON  interpreter to build it  (default: python3, the machine's pyenv 3.11)
#
# Idempotent and cached: does nothing when $RASA_VENV/.frontdoor-stamp matches the hash of
# this script, constraints.txt, mplsetup.cfg and the interpreter version. pip output goes to
# $RASA_VENV/build.log. Prints one summary line at the end.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RASA_VENV=${RASA_VENV:-$HOME/.cache/frontdoor/rasa-venv}
RASA_PYTHON=${RASA_PYTHON:-python3}
CONSTRAINTS=$HERE/constraints.txt
export MPLSETUPCFG=$HERE/mplsetup.cfg
export RASA_TELEMETRY_ENABLED=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
STAMP=$RASA_VENV/.frontdoor-stamp
LOG=$RASA_VENV/build.log
APT_DEPS=(pkg-config libfreetype-dev libqhull-dev g++)

say() { echo "rasa-venv: $*" >&2; }

py_version=$("$RASA_PYTHON" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')
want=$(cat "$0" "$CONSTRAINTS" "$MPLSETUPCFG" <(echo "python $py_version") | sha256sum | cut -c1-16)

# One builder at a time (train-and-serve.sh calls this too).
mkdir -p "$(dirname "$RASA_VENV")"
exec 9>"$RASA_VENV.lock"
flock 9

if [ -x "$RASA_VENV/bin/rasa" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  echo "rasa-venv: cached $RASA_VENV (stamp $want, python $py_version)"
  exit 0
fi

start=$(date +%s)

missing=()
for pkg in "${APT_DEPS[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "building $RASA_VENV with $RASA_PYTHON ($py_version); log in $LOG"
rm -rf "$RASA_VENV"
"$RASA_PYTHON" -m venv "$RASA_VENV"
: >"$LOG"
pip() { "$RASA_VENV/bin/python" -m pip "$@" >>"$LOG" 2>&1; }
fail() { say "FAILED: $*; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1; }

# rasa 3.6 declares python<3.11; its wheels and deps run on 3.11 with these constraints.
pip install --ignore-requires-python -c "$CONSTRAINTS" \
  --only-binary scipy,numpy,scikit-learn,pandas,h5py,jaxlib,tensorflow \
  rasa==3.6.21 dask==2022.10.2 || fail "pip install rasa"

"$RASA_VENV/bin/python" -c 'import rasa, tensorflow, dask, matplotlib, sklearn' >>"$LOG" 2>&1 \
  || fail "import check"
rasa_version=$("$RASA_VENV/bin/python" -c 'import rasa.version as v; print(v.__version__)')
echo "$want" >"$STAMP"

size=$(du -sh "$RASA_VENV" | cut -f1)
echo "rasa-venv: built $RASA_VENV (rasa $rasa_version, python $py_version, $size, $(($(date +%s) - start))s, stamp $want)"
