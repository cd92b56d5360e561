#!/usr/bin/env bash
# Starts or stops a local FerretDB (MongoDB wire protocol, SQLite backend) for the MongoDB adapters' tests.
#
#   scripts/servers/ferretdb.sh start   # prints MONGO_URL=mongodb://127.0.0.1:<port>/ once it answers a ping
#   scripts/servers/ferretdb.sh stop    # stops it and deletes its data
#   scripts/servers/ferretdb.sh url     # prints the MONGO_URL of the running one
#
# The binary comes from scripts/servers/install-ferretdb.sh (.tools/bin/ferretdb). State (data, pid, port, log) lives
# in FERRETDB_HOME (default .tools/ferretdb); one server per FERRETDB_HOME. The port is a free one chosen at start
# unless FERRETDB_PORT is set.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${FERRETDB_BIN:-$ROOT/.tools/bin/ferretdb}"
HOME_DIR="${FERRETDB_HOME:-$ROOT/.tools/ferretdb}"
PID_FILE="$HOME_DIR/ferretdb.pid"
PORT_FILE="$HOME_DIR/ferretdb.port"
LOG_FILE="$HOME_DIR/ferretdb.log"

url_for() { echo "mongodb://127.0.0.1:$1/"; }

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

# A real round trip with the project's own driver: the server has accepted a connection and answered a command.
ping() {
  (cd "$ROOT" && MONGO_URL="$1" node -e '
    const { MongoClient } = require("mongodb");
    const client = new MongoClient(process.env.MONGO_URL, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    client.db("admin").command({ ping: 1 })
      .then((answer) => process.exit(answer.ok === 1 ? 0 : 1), () => process.exit(1))
      .finally(() => client.close());
  ') >/dev/null 2>&1
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start() {
  if running; then
    echo "MONGO_URL=$(url_for "$(cat "$PORT_FILE")")"
    return 0
  fi
  if [ ! -x "$BIN" ]; then
    echo "no FerretDB binary at $BIN: run scripts/servers/install-ferretdb.sh first" >&2
    exit 1
  fi
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR/data" "$HOME_DIR/state"
  local port="${FERRETDB_PORT:-$(free_port)}"
  echo "$port" >"$PORT_FILE"
  # No telemetry, no debug listener (its fixed default port would collide between two servers).
  nohup "$BIN" \
    --listen-addr="127.0.0.1:$port" \
    --handler=sqlite \
    --sqlite-url="file:$HOME_DIR/data/" \
    --state-dir="$HOME_DIR/state" \
    --telemetry=disable \
    --debug-addr=- \
    --log-level="${FERRETDB_LOG_LEVEL:-WARN}" \
    >"$LOG_FILE" 2>&1 &
  echo $! >"$PID_FILE"
  local url
  url="$(url_for "$port")"
  for _ in $(seq 1 100); do
    if ! running; then
      echo "FerretDB exited during start; its log ($LOG_FILE):" >&2
      cat "$LOG_FILE" >&2
      exit 1
    fi
    if ping "$url"; then
      echo "MONGO_URL=$url"
      return 0
    fi
    sleep 0.2
  done
  echo "FerretDB did not answer a ping within 20 s; its log ($LOG_FILE):" >&2
  cat "$LOG_FILE" >&2
  stop
  exit 1
}

stop() {
  if running; then
    local pid
    pid="$(cat "$PID_FILE")"
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -rf "$HOME_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url)
    running || { echo "FerretDB is not running (FERRETDB_HOME=$HOME_DIR)" >&2; exit 1; }
    echo "MONGO_URL=$(url_for "$(cat "$PORT_FILE")")"
    ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
