#!/usr/bin/env bash
# Installs FerretDB (a MongoDB wire-protocol server; its SQLite backend needs no cgo) into the project-local
# .tools/bin, built from its Go module at a pinned version. Skipped when that version is already there.
#
# Not a plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: the module as the proxy serves it lacks
# the generated build/version/version.txt, and a binary built from it panics at start ("Invalid
# build/version/version.txt file content"). So the module is downloaded, copied, given that one file, and built.
set -euo pipefail

FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${FERRETDB_TOOLS:-$ROOT/.tools}"
BIN="$TOOLS/bin/ferretdb"

if [ -x "$BIN" ] && "$BIN" --version 2>&1 | grep -q "version: $FERRETDB_VERSION\$"; then
  echo "ferretdb $FERRETDB_VERSION already installed: $BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "go is required to install FerretDB (https://go.dev/dl/)" >&2
  exit 1
fi

echo "building FerretDB $FERRETDB_VERSION into $TOOLS/bin (a few minutes the first time)"
mkdir -p "$TOOLS/src" "$TOOLS/bin"
MODULE_DIR="$(cd "$TOOLS" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const m = JSON.parse(s); if (m.Error) { console.error(m.Error); process.exit(1); } console.log(m.Dir); });')"
SRC="$TOOLS/src/FerretDB-$FERRETDB_VERSION"
rm -rf "$SRC"
mkdir -p "$TOOLS/src" "$TOOLS/bin"
cp -R "$MODULE_DIR" "$SRC"
chmod -R u+w "$SRC"
echo "$FERRETDB_VERSION" >"$SRC/build/version/version.txt"
echo "go-module" >"$SRC/build/version/package.txt"
(cd "$SRC" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$BIN" ./cmd/ferretdb)
rm -rf "$SRC"
"$BIN" --version
echo "ferretdb installed: $BIN"
