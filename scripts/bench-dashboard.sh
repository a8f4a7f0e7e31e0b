#!/usr/bin/env bash
# The dashboard benchmark on SQLite, then on PostgreSQL when TAPHUAN_BENCH_POSTGRES_URL is set
# (e.g. postgres://postgres@127.0.0.1:5432/taphuan_bench: an empty database it may fill).
# Seeds TAPHUAN_BENCH_LEARNERS learners (default 100000) once per database, then prints p50/p95 per view.
set -euo pipefail
cd "$(dirname "$0")/.."
export TAPHUAN_BENCH_LEARNERS="${TAPHUAN_BENCH_LEARNERS:-100000}"
mkdir -p target/bench
TAPHUAN_BENCH_DATABASE="${TAPHUAN_BENCH_SQLITE_URL:-sqlite://$PWD/target/bench/dashboard.db}" cargo bench -p server --bench dashboard
if [ -n "${TAPHUAN_BENCH_POSTGRES_URL:-}" ]; then
  TAPHUAN_BENCH_DATABASE="$TAPHUAN_BENCH_POSTGRES_URL" cargo bench -p server --bench dashboard
fi
