#!/usr/bin/env bash
# Installs what building Tập Huấn needs and is missing, at pinned versions, skipping what is already there.
# Nothing is downloaded from outside crates.io and npm: cargo-leptos is built with `no_downloads`, wasm-opt
# comes from npm's binaryen (Debian's wasm-opt 108 silently breaks hydration), browsers come from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js and npm are missing: apt-get install nodejs npm (Node 20 or newer)." >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (a few minutes on 2 cores, once)"
  # Its own release profile asks for fat LTO in one codegen unit, which makes a 2-core machine spend most of
  # the install linking; the tool only drives cargo and squeezes a few small files, so it is built
  # without them (cargo's profile settings from the environment take precedence over a manifest's).
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (equal to Cargo.lock's wasm-bindgen)"
  # Not --locked: its lock file names a webpki-roots release that crates.io no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing Playwright, axe-core and binaryen (wasm-opt) from npm"
  (cd end2end && npm ci --no-audit --no-fund)
fi
