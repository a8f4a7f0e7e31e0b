#!/usr/bin/env bash
# Release build of server and wasm, then precompressed static files.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo leptos build --release
target/release/taphuan precompress-assets target/site/pkg
