#!/usr/bin/env bash
# A throwaway Redis for tests and local replica runs (Debian's redis-server; `.ci/run` installs it).
#
#   scripts/servers/redis.sh start [dir]   start on a free port of 127.0.0.1, files in dir (default: a new temp dir);
#                                          waits until it answers PING, then prints REDIS_URL=... and REDIS_DIR=...
#   scripts/servers/redis.sh stop <dir>    stop the server started with that dir and delete the dir
#
# No persistence (no RDB snapshots, no AOF): the rate-limit windows and socket.io messages it carries are short-lived.
# Exit codes: 0 started or stopped, 69 redis-server is not installed, 70 it did not start, 64 bad usage.
set -euo pipefail

usage() { echo "usage: $0 start [dir] | stop <dir>" >&2; exit 64; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  command -v redis-server >/dev/null 2>&1 || { echo "redis-server is not installed (Debian: apt-get install -y redis-server)" >&2; exit 69; }
  local dir="${1:-}"
  if [ -z "$dir" ]; then dir="$(mktemp -d "${TMPDIR:-/tmp}/robo-redis.XXXXXX")"; else mkdir -p "$dir"; fi
  dir="$(cd "$dir" && pwd)"
  local attempt port
  # A free port can be taken by someone else between the probe and the bind: try a few.
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    rm -f "$dir/redis.pid"
    if redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
        --logfile "$dir/redis.log" --save '' --appendonly no --protected-mode yes >/dev/null; then
      local deadline=$((SECONDS + 10))
      while [ "$SECONDS" -lt "$deadline" ]; do
        if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = "PONG" ]; then
          echo "$port" >"$dir/redis.port"
          echo "REDIS_URL=redis://127.0.0.1:$port"
          echo "REDIS_DIR=$dir"
          return 0
        fi
        # The daemon exits when the port was taken: try another one.
        if [ -s "$dir/redis.pid" ] && ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then break; fi
        sleep 0.05
      done
      stop_server "$dir"
    fi
  done
  echo "redis-server did not start; its log: $dir/redis.log" >&2
  exit 70
}

stop_server() {
  local dir="$1" pid
  [ -s "$dir/redis.pid" ] || return 0
  pid="$(cat "$dir/redis.pid")"
  kill "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
}

stop() {
  local dir="${1:-}"
  [ -n "$dir" ] || usage
  [ -d "$dir" ] || return 0
  stop_server "$dir"
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "${1:-}" ;;
  stop) shift; stop "${1:-}" ;;
  *) usage ;;
esac
