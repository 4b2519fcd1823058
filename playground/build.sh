#!/usr/bin/env bash
# Build the browser playground into playground/dist/: archlint compiled to
# wasm32-unknown-unknown, bound with wasm-bindgen, and the static page. The module is
# embedded in a script as base64, so dist/index.html works from file:// and from any
# static host, offline. Installs the wasm target and the wasm-bindgen CLI (at the
# version Cargo.lock pins) when they are missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }')" != "$version" ]; then
  echo "installing wasm-bindgen-cli $version" >&2
  cargo install wasm-bindgen-cli --version "$version"
fi

target_dir=${CARGO_TARGET_DIR:-../target}
cargo build --release --target wasm32-unknown-unknown --target-dir "$target_dir"

rm -rf dist
mkdir -p dist/pkg
wasm-bindgen --target no-modules --no-typescript --out-dir dist/pkg \
  "$target_dir/wasm32-unknown-unknown/release/archlint_playground.wasm"

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
