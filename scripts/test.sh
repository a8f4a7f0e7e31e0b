#!/usr/bin/env bash
# The README's test command: set up, then run every test. Unit and integration tests run on SQLite, and on
# PostgreSQL too when TAPHUAN_TEST_POSTGRES_URL is set; then the course checker; then the browser tests
# (Playwright on Debian's chromium, phone viewport) against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step prints the seconds the one before it took, so a slow CI run says where its time went.
STEP_START=$SECONDS
say() {
  [ -n "${STEP_NAME:-}" ] && printf '    (%s: %d s)\n' "$STEP_NAME" $((SECONDS - STEP_START))
  STEP_NAME="$1"; STEP_START=$SECONDS
  printf '\033[1m==> %s\033[0m\n' "$*"
}
trap_done() { [ -n "${STEP_NAME:-}" ] && printf '    (%s: %d s; all: %d s)\n' "$STEP_NAME" $((SECONDS - STEP_START)) $SECONDS; }
trap trap_done EXIT

say "setup (tools at pinned versions)"
scripts/setup.sh
. scripts/env.sh

CHROME="${CHROME_PATH:-$(command -v chromium || command -v chromium-browser || true)}"
if ! command -v pdftotext >/dev/null; then
  echo "pdftotext is missing (certificate tests read PDFs back): sudo apt-get install -y poppler-utils" >&2
  exit 1
fi

if [ -z "$CHROME" ] && [ "${TAPHUAN_SKIP_BROWSER:-}" != "1" ]; then
  cat >&2 <<'MSG'

  ************************************************************************
  *  Chromium is not installed, so the browser tests cannot run.         *
  *  Install Debian's build:   sudo apt-get install -y chromium          *
  *  (never `npx playwright install`: it downloads a browser).           *
  *  To run everything else only: TAPHUAN_SKIP_BROWSER=1 scripts/test.sh *
  ************************************************************************

MSG
  exit 1
fi

if [ -n "${TAPHUAN_TEST_POSTGRES_URL:-}" ]; then echo "    database legs: SQLite and PostgreSQL"; else echo "    database legs: SQLite (set TAPHUAN_TEST_POSTGRES_URL for PostgreSQL)"; fi
say "lints (native, and the islands' wasm build) and layout rules"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings
python3 scripts/check-layout.py

say "unit and integration tests"
cargo test --workspace

say "release build"
scripts/build.sh

say "course checker on the shipped courses"
target/release/taphuan check-courses courses

say "scale test: two processes behind nginx on PostgreSQL, and SQLite, each with kill -9 under load"
scripts/scale-test.sh

if [ "${TAPHUAN_SKIP_BROWSER:-}" = "1" ]; then
  say "browser tests SKIPPED (TAPHUAN_SKIP_BROWSER=1)"
  exit 0
fi

say "browser tests (Playwright, $CHROME, 360x740)"
PORT="${E2E_PORT:-3217}"
TMP=$(mktemp -d)
# The shipped courses plus the small fixture course whose quiz answers the certificate journey knows.
mkdir -p "$TMP/courses"
cp -r courses/* app/tests/fixtures/courses/mini "$TMP/courses/"
target/release/taphuan serve --demo --bind "127.0.0.1:$PORT" --database "sqlite://$TMP/e2e.db" --courses "$TMP/courses" \
  --signing-key "$TMP/signing-key" > "$TMP/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$TMP"; trap_done' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 $SERVER 2>/dev/null || { cat "$TMP/server.log"; exit 1; }
  sleep 0.2
done
(cd end2end && CHROME_PATH="$CHROME" BASE_URL="http://127.0.0.1:$PORT" npx playwright test) || { tail -50 "$TMP/server.log"; exit 1; }
