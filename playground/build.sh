#!/usr/bin/env bash
# Build the browser playground into playground/dist/: archlint compiled to
# wasm32-unknown-unknown, bound with wasm-bindgen, and the static page. The module is
# embedded in a script as base64, so dist/index.html works from file:// and from any
# static host, offline. Installs the wasm target when it is missing, and builds the
# bindings step (bindgen/, wasm-bindgen's library at the version its own Cargo.lock
# pins, which must be the playground's wasm-bindgen exactly).
set -euo pipefail
cd "$(dirname "$0")"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

target_dir=${CARGO_TARGET_DIR:-../target}
cargo build --release --target wasm32-unknown-unknown --target-dir "$target_dir"

# the bindings step, at the playground's wasm-bindgen version
locked() { awk -v n="$1" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$2"; }
want=$(locked wasm-bindgen Cargo.lock)
have=$(locked wasm-bindgen-cli-support bindgen/Cargo.lock)
if [ "$want" != "$have" ]; then
  echo "bindgen/Cargo.lock has wasm-bindgen-cli-support $have, the playground wasm-bindgen $want: make them equal" >&2
  exit 1
fi
cargo build --release --locked --manifest-path bindgen/Cargo.toml --target-dir "$target_dir"

rm -rf dist
mkdir -p dist/pkg
"$target_dir/release/archlint-bindgen" \
  "$target_dir/wasm32-unknown-unknown/release/archlint_playground.wasm" dist/pkg

# the module as a script: a page opened from file:// may not fetch() a sibling file
{
  printf 'window.ARCHLINT_WASM = "'
  base64 -w0 dist/pkg/archlint_playground_bg.wasm
  printf '";\n'
} > dist/archlint_wasm.js
cp dist/pkg/archlint_playground.js dist/archlint_glue.js
rm -rf dist/pkg
cp web/index.html web/playground.js web/style.css dist/
echo "built $(pwd)/dist/index.html ($(du -sh dist | cut -f1))" >&2
