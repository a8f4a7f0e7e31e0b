#!/usr/bin/env bash
# The README's run command: set up, build in release mode, and serve the shipped courses on
# http://127.0.0.1:3000 (flags are passed to `taphuan serve`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec target/release/taphuan serve --demo "$@"
