#!/usr/bin/env bash
# Release build of server and wasm, then precompressed static files.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# cargo-leptos builds the wasm (target/front), then the server (target/): one after the other, and the wasm's
# last minutes (fat LTO, one codegen unit) keep one core busy. The server is built beside it with the command
# and environment cargo-leptos uses, so its own server step finds it fresh.
(
  export LEPTOS_OUTPUT_NAME=taphuan LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app LEPTOS_BIN_DIR=server \
    LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt
  cargo build --package=server --bin=taphuan --no-default-features --release
) &
SERVER_BUILD=$!
trap 'kill $SERVER_BUILD 2>/dev/null || true' EXIT
cargo leptos build --release
wait $SERVER_BUILD
target/release/taphuan precompress-assets target/site/pkg
