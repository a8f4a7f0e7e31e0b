#!/usr/bin/env bash
# Several processes and kill -9 (issue #17), run by scripts/test.sh after the release build.
#
# PostgreSQL leg (when TAPHUAN_TEST_POSTGRES_URL is set): two `taphuan serve` processes, started from
# deploy/systemd/taphuan@.service's own ExecStart and Environment lines, on one fresh PostgreSQL database,
# behind nginx with deploy/nginx/taphuan-proxy.conf included as it is. A session made through one process
# must work on the other; then 200 learners submit 1,000 quiz attempts at once through nginx, retrying on
# any error, while one process is killed with kill -9 and restarted. SQLite leg: the same load against one
# process on the embedded database, killed and restarted the same way.
# Afterwards, on each: every acknowledged submission is stored exactly once, nothing is doubled, the
# database opens cleanly, and the dashboard summary equals a rebuild from the records. Counts are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/target/release/taphuan"
[ -x "$BIN" ] || { echo "scale-test: build first (scripts/build.sh)" >&2; exit 1; }
LEARNERS="${SCALE_LEARNERS:-200}"
PER_LEARNER=5
KILL_AT="${SCALE_KILL_AT:-300}"
PASSWORD="tai-thu-mat-khau"
TMP=$(mktemp -d /tmp/taphuan-scale.XXXXXX)
chmod 755 "$TMP"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  if [ "${KEEP_SCALE_TMP:-}" != "1" ]; then rm -rf "$TMP"; fi
}
trap cleanup EXIT
say() { printf '\033[1m--> %s\033[0m\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { python3 -c 'import time; print(int(time.time()*1000))'; }

# The courses: the shipped ones. Seeded learners' own records go to the first course by slug; the load
# takes the final quiz of the next five, which those learners have never attempted.
mkdir -p "$TMP/courses"
cp -r courses/* "$TMP/courses/"
QUIZZES=$(for d in $(ls -d courses/*/ | sort | sed -n '2,6p'); do
  c=$(basename "$d"); q=$(ls "$d" | grep '\.quiz\.md$' | tail -1 | sed -E 's/^[0-9]+-//; s/\.quiz\.md$//'); echo "$c/$q"
done | paste -sd, -)

# `taphuan serve` as the systemd unit starts it: its Environment lines (with %i the port), then the
# EnvironmentFile's settings, then its ExecStart with the binary and site folder of this checkout.
UNIT=deploy/systemd/taphuan@.service
start_unit() { # port env-file log
  local port=$1 envfile=$2 log=$3 cmd
  cmd=$(sed -n 's/^ExecStart=//p' "$UNIT" | sed "s#/usr/local/bin/taphuan#$BIN#; s#/usr/local/share/taphuan/site#$PWD/target/site#")
  (
    set -a
    while IFS= read -r line; do export "${line//%i/$port}"; done < <(sed -n 's/^Environment=//p' "$UNIT")
    . "$envfile"
    set +a
    exec $cmd
  ) >>"$log" 2>&1 &
  LAST_PID=$!
}
wait_ready() { # url pid log
  for _ in $(seq 1 150); do
    curl -fs "$1/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "scale-test: the process exited:" >&2; tail -20 "$3" >&2; return 1; }
    sleep 0.2
  done
  echo "scale-test: $1 never became ready" >&2; tail -20 "$3" >&2; return 1
}
# Wait until the client has $KILL_AT acknowledgements, then kill -9 the process whose pid is in the named
# variable and start it again from the unit.
kill_in_the_middle() { # count-file pid-var port envfile log base
  local count=0
  while [ "$count" -lt "$KILL_AT" ]; do
    sleep 0.05
    count=$(cat "$1" 2>/dev/null || echo 0)
    kill -0 "$CLIENT" 2>/dev/null || { echo "scale-test: the client ended before $KILL_AT acknowledgements" >&2; return 1; }
  done
  local pid=${!2}
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  echo "killed process $pid with kill -9 after $count acknowledged submissions"
  sleep 1
  start_unit "$3" "$4" "$5"
  printf -v "$2" '%s' "$LAST_PID"
  PIDS+=("$LAST_PID")
  wait_ready "$6" "$LAST_PID" "$5"
  echo "restarted it as process $LAST_PID; it answers again"
}
check_after() { # db-url label acked since
  local db=$1
  python3 scripts/scale_client.py verify --db "$db" --acked "$3" --since "$4"
  python3 scripts/scale_client.py summary --db "$db" >"$TMP/$2-live.tsv"
  TAPHUAN_DATABASE_URL="$db" "$BIN" rebuild-stats >/dev/null 2>"$TMP/$2-rebuild.log"
  python3 scripts/scale_client.py summary --db "$db" >"$TMP/$2-rebuilt.tsv"
  if ! diff -q "$TMP/$2-live.tsv" "$TMP/$2-rebuilt.tsv" >/dev/null; then
    echo "scale-test: the summary written live differs from a rebuild from the records:" >&2
    diff "$TMP/$2-live.tsv" "$TMP/$2-rebuilt.tsv" | head -20 >&2
    return 1
  fi
  echo "summary: $(wc -l <"$TMP/$2-live.tsv") summary rows written live equal a rebuild from the records"
}

# ---------------------------------------------------------------------------------------------------
if [ -n "${TAPHUAN_TEST_POSTGRES_URL:-}" ]; then
  say "PostgreSQL: two processes behind nginx, $LEARNERS learners, $((LEARNERS * PER_LEARNER)) submissions, kill -9 in the middle"
  command -v nginx >/dev/null || PATH="$PATH:/usr/sbin"
  command -v nginx >/dev/null || { echo "scale-test: nginx is missing (apt-get install nginx)" >&2; exit 1; }
  NAME="taphuan_scale_$$"
  psql "$TAPHUAN_TEST_POSTGRES_URL" -X -q -c "CREATE DATABASE $NAME" >/dev/null
  PGURL="${TAPHUAN_TEST_POSTGRES_URL%/*}/$NAME"
  P1=$(free_port); P2=$(free_port); NP=$(free_port)
  cat >"$TMP/pg.env" <<ENV
TAPHUAN_DATABASE_URL=$PGURL
TAPHUAN_PUBLIC_URL=http://127.0.0.1:$NP
TAPHUAN_COURSES=$TMP/courses
TAPHUAN_SIGNING_KEY=$TMP/signing-key
RUST_LOG=warn
ENV
  set -a; . "$TMP/pg.env"; set +a
  "$BIN" migrate >/dev/null
  "$BIN" import-courses "$TMP/courses" >/dev/null 2>&1
  echo "$PASSWORD" | "$BIN" seed-demo --learners "$LEARNERS" --courses 1 --password-stdin 2>/dev/null | tail -1
  start_unit "$P1" "$TMP/pg.env" "$TMP/p1.log"; A=$LAST_PID; PIDS+=("$A")
  start_unit "$P2" "$TMP/pg.env" "$TMP/p2.log"; B=$LAST_PID; PIDS+=("$B")
  wait_ready "http://127.0.0.1:$P1" "$A" "$TMP/p1.log"
  wait_ready "http://127.0.0.1:$P2" "$B" "$TMP/p2.log"
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx.conf" <<NGINX
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 2;
daemon on;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  upstream taphuan {
    server 127.0.0.1:$P1 max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$P2 max_fails=1 fail_timeout=2s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$NP;
    include $PWD/deploy/nginx/taphuan-proxy.conf;
  }
}
NGINX
  nginx -t -q -c "$TMP/nginx.conf" -p "$TMP/nginx" 2>"$TMP/nginx-test.log" || { cat "$TMP/nginx-test.log" >&2; exit 1; }
  nginx -c "$TMP/nginx.conf" -p "$TMP/nginx" 2>>"$TMP/nginx-error.log"
  wait_ready "http://127.0.0.1:$NP" "$(cat "$TMP/nginx.pid")" "$TMP/nginx-error.log"

  python3 scripts/scale_client.py signin-elsewhere --sign-in "http://127.0.0.1:$P1" --check "http://127.0.0.1:$P2" --phone 0970000000 --password "$PASSWORD"
  SINCE=$(now_ms)
  python3 scripts/scale_client.py load --base "http://127.0.0.1:$NP" --learners "$LEARNERS" --quizzes "$QUIZZES" --password "$PASSWORD" --out "$TMP/pg-acked.json" &
  CLIENT=$!
  kill_in_the_middle "$TMP/pg-acked.json.count" A "$P1" "$TMP/pg.env" "$TMP/p1.log" "http://127.0.0.1:$P1"
  wait "$CLIENT"
  kill "$A" "$B"; wait "$A" "$B" 2>/dev/null || true
  check_after "$PGURL" pg "$TMP/pg-acked.json" "$SINCE"
  psql "$TAPHUAN_TEST_POSTGRES_URL" -X -q -c "DROP DATABASE $NAME" >/dev/null 2>&1 || true
else
  say "PostgreSQL leg skipped (set TAPHUAN_TEST_POSTGRES_URL)"
fi

# ---------------------------------------------------------------------------------------------------
say "SQLite: one process, $LEARNERS learners, $((LEARNERS * PER_LEARNER)) submissions, kill -9 in the middle"
SP=$(free_port)
SQLITE="sqlite://$TMP/taphuan.db"
cat >"$TMP/sqlite.env" <<ENV
TAPHUAN_DATABASE_URL=$SQLITE
TAPHUAN_PUBLIC_URL=http://127.0.0.1:$SP
TAPHUAN_COURSES=$TMP/courses
TAPHUAN_SIGNING_KEY=$TMP/signing-key-sqlite
TAPHUAN_TRUST_PROXY=0
RUST_LOG=warn
ENV
set -a; . "$TMP/sqlite.env"; set +a
"$BIN" migrate >/dev/null
"$BIN" import-courses "$TMP/courses" >/dev/null 2>&1
echo "$PASSWORD" | "$BIN" seed-demo --learners "$LEARNERS" --courses 1 --password-stdin 2>/dev/null | tail -1
start_unit "$SP" "$TMP/sqlite.env" "$TMP/s.log"; S=$LAST_PID; PIDS+=("$S")
wait_ready "http://127.0.0.1:$SP" "$S" "$TMP/s.log"
SINCE=$(now_ms)
python3 scripts/scale_client.py load --base "http://127.0.0.1:$SP" --learners "$LEARNERS" --quizzes "$QUIZZES" --password "$PASSWORD" --out "$TMP/s-acked.json" &
CLIENT=$!
kill_in_the_middle "$TMP/s-acked.json.count" S "$SP" "$TMP/sqlite.env" "$TMP/s.log" "http://127.0.0.1:$SP"
wait "$CLIENT"
kill "$S"; wait "$S" 2>/dev/null || true
CHECK=$(python3 -c "import sqlite3,sys; print(sqlite3.connect('$TMP/taphuan.db').execute('PRAGMA integrity_check').fetchone()[0])")
[ "$CHECK" = ok ] || { echo "scale-test: the database does not open cleanly: $CHECK" >&2; exit 1; }
echo "the database opens cleanly after kill -9 (integrity_check: ok)"
check_after "$SQLITE" sqlite "$TMP/s-acked.json" "$SINCE"
say "scale test passed"
