#!/usr/bin/env bash
# Fuzzes the running api from its own OpenAPI document with schemathesis (PyPI, pinned, in a venv under .tools/).
#
#   npm run build && scripts/fuzz/schemathesis.sh
#
# Starts the built api (dist/) on embedded stores in a temporary DATA_DIR, creates an admin API key with the CLI,
# and runs every operation of /docs-json with a bounded number of examples and a fixed seed. Checks: no 5xx
# (not_a_server_error), every response matching its documented schema (response_schema_conformance) and status
# (status_code_conformance). Prints the counts (operations, requests, failures); exits non-zero on any failure.
# Settings: FUZZ_MAX_EXAMPLES (default 20), FUZZ_SEED (default 20261207), FUZZ_REPORT_DIR (default: a temp dir; its
# earlier NDJSON reports are deleted first).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${SCHEMATHESIS_VENV:-$ROOT/.tools/venv}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
SEED="${FUZZ_SEED:-20261207}"
cd "$ROOT"

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/python" -m pip show schemathesis 2>/dev/null | grep -qx "Version: $SCHEMATHESIS_VERSION"; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ ! -f dist/apps/api/src/main.js ] || [ ! -f dist/apps/cli/src/main.js ]; then
  echo "no built api in dist/: run npm run build first" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/robo-fuzz-XXXXXX")"
REPORT_DIR="${FUZZ_REPORT_DIR:-$WORK/report}"
mkdir -p "$REPORT_DIR"
rm -f "$REPORT_DIR"/ndjson-*.ndjson
API_PID=""
cleanup() {
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill "$API_PID"
    wait "$API_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK/data"
}
trap cleanup EXIT

export DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"
PORT="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
BASE="http://127.0.0.1:$PORT"

# The key first (as an operator would with `robo keys create`): the api then finds a store that is not empty and
# makes no first-start key of its own.
API_KEY="$(node dist/apps/cli/src/main.js keys create --role admin --name fuzzer --json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).apiKey));')"

# A fixed business clock inside market hours, so that order operations meet an open market whatever today is.
PORT="$PORT" LOG_LEVEL="${FUZZ_LOG_LEVEL:-warn}" RATE_LIMIT_PER_MINUTE=10000000 CLOCK_START='2026-11-20T10:00:00+05:30' DEMO=false \
  node dist/apps/api/src/main.js >"$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 150); do
  if curl -fsS "$BASE/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$API_PID" 2>/dev/null; then
    echo "the api exited during start; its log:" >&2
    cat "$WORK/api.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS "$BASE/health/ready" >/dev/null

# Two runs with the same settings. Revoking a key is fuzzed last, on its own: schemathesis takes key ids from the
# answers of GET /api/admin/keys, its own among them, and a revocation of the fuzzer's key in the middle of the run
# would answer every later request 401 KEY_REVOKED and test nothing more.
REVOKE='/api/admin/keys/{kid}/revoke'
# schemathesis's own report goes to a log file (printed when a run fails); what this script prints is the summary of
# scripts/fuzz/summary.js, so that the output of a CI run ends with the project's own counts.
RUN=0
fuzz() {
  RUN=$((RUN + 1))
  local log="$WORK/schemathesis-$RUN.log"
  local rc=0
  fuzz_run "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "schemathesis run $RUN failed (exit $rc); its report:" >&2
    cat "$log" >&2
  fi
  return "$rc"
}
fuzz_run() {
  "$VENV/bin/st" --config-file "$ROOT/scripts/fuzz/schemathesis.toml" --no-color run "$BASE/docs-json" \
    --url "$BASE" \
    --header "Authorization: Bearer $API_KEY" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --workers 1 \
    --generation-database none \
    --report ndjson \
    --report-dir "$REPORT_DIR" \
    "$@"
}
set +e
fuzz --exclude-path "$REVOKE"
STATUS=$?
set -e
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $API_KEY" "$BASE/auth/me")" != 200 ]; then
  echo "the fuzzer's own key stopped working during the run: the results above tested less than they say" >&2
  STATUS=1
fi
set +e
fuzz --include-path "$REVOKE" || STATUS=1
set -e

node "$ROOT/scripts/fuzz/summary.js" "$REPORT_DIR" || STATUS=1
if [ "$STATUS" -ne 0 ]; then
  echo "schemathesis found failures (exit $STATUS); reports in $REPORT_DIR, api log in $WORK/api.log" >&2
fi
exit "$STATUS"
