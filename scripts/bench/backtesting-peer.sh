#!/usr/bin/env bash
# The benchmark's peer backtester: backtesting.py (PyPI `backtesting`, pinned) in its own venv, .tools/bt-venv,
# installed on first use; then runs bench/peers/backtesting-py/sma_cross.py with the arguments given, which prints
# one JSON line (versions, bars, trades, seconds of the CSV load, of Backtest.run() and of the whole script).
#
#   scripts/bench/backtesting-peer.sh --csv bars.csv --fast 10 --slow 30 --cash-paise 1000000000 \
#     --allocation-paise 50000000 --spread 0.0005 --cutoff 15:20
#
# `npm run bench` runs it (workload `backtest`). Without python3 (or its venv module) or without the registry, it
# exits non-zero with the reason on its last line of stderr, and the benchmark reports the peer as not measured.
# `--install` only installs (CI does, before the tests). BT_VENV overrides the venv's place.
set -euo pipefail

BACKTESTING_VERSION=0.6.6
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${BT_VENV:-$ROOT/.tools/bt-venv}"

if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 is not installed: backtesting.py cannot run" >&2
  exit 3
fi
installed() {
  # The whole output first: `grep -q` stopping early would fail pip's write (and the pipeline, with pipefail).
  local shown
  shown="$("$VENV/bin/python" -m pip show backtesting 2>/dev/null)" || return 1
  grep -qx "Version: $BACKTESTING_VERSION" <<<"$shown"
}
if [ ! -x "$VENV/bin/python" ] || ! installed; then
  echo "installing backtesting $BACKTESTING_VERSION into $VENV" >&2
  if ! python3 -m venv "$VENV" >&2; then
    echo "python3 -m venv failed (is the venv module installed?): backtesting.py cannot be installed" >&2
    exit 3
  fi
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "backtesting==$BACKTESTING_VERSION" >&2; then
    echo "pip install backtesting==$BACKTESTING_VERSION failed (see above)" >&2
    exit 3
  fi
fi
if [ "${1:-}" = "--install" ]; then
  echo "backtesting $BACKTESTING_VERSION in $VENV"
  exit 0
fi
exec "$VENV/bin/python" "$ROOT/bench/peers/backtesting-py/sma_cross.py" "$@"
