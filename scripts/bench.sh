#!/usr/bin/env bash
# The kept benchmark (issue #17; not part of CI). In one run on one machine: the lesson page anonymous and
# signed in, the course page, a quiz submission (resent: the ledger's answer) and the dashboard, each beside
# nginx serving the same page's bytes precompressed and compressing them on the fly (gzip level 5). Prints
# requests/s, p50/p99, the ratios to nginx, the app's peak memory (PSS) and process start to first 200.
# Needs the release build, nginx and wrk (apt-get install nginx wrk). BENCH_SECONDS (15) per round, two
# rounds each; BENCH_CONNECTIONS (50), BENCH_THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/target/release/taphuan"
[ -x "$BIN" ] || { echo "bench: build first (scripts/build.sh)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || PATH="$PATH:/usr/sbin"
SECS="${BENCH_SECONDS:-15}"; CONN="${BENCH_CONNECTIONS:-50}"; THREADS="${BENCH_THREADS:-2}"
TMP=$(mktemp -d /tmp/taphuan-bench.XXXXXX); chmod 755 "$TMP"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port); NP=$(free_port)
APP="http://127.0.0.1:$P"; NGX="http://127.0.0.1:$NP"
cleanup() { kill "${SERVER:-}" "${SAMPLER:-}" 2>/dev/null || true; [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# Start to first 200: from spawning the process (empty database: migrate, regions, course import) to the
# first page that answers.
mkdir -p "$TMP/courses"; cp -r courses/* "$TMP/courses/"
T0=$(date +%s%N)
RUST_LOG=warn "$BIN" serve --demo --bind "127.0.0.1:$P" --database "sqlite://$TMP/b.db" --courses "$TMP/courses" \
  --signing-key "$TMP/key" >"$TMP/server.log" 2>&1 &
SERVER=$!
until curl -fso /dev/null "$APP/"; do sleep 0.01; done
START_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
# A second start on the database it made: what a restart costs.
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
T0=$(date +%s%N)
RUST_LOG=warn "$BIN" serve --demo --bind "127.0.0.1:$P" --database "sqlite://$TMP/b.db" --courses "$TMP/courses" \
  --signing-key "$TMP/key" >>"$TMP/server.log" 2>&1 &
SERVER=$!
until curl -fso /dev/null "$APP/"; do sleep 0.01; done
RESTART_MS=$(( ($(date +%s%N) - T0) / 1000000 ))

# Peak PSS, sampled every 200 ms for the whole run.
( peak=0; while kill -0 "$SERVER" 2>/dev/null; do
    kb=$(awk '/^Pss:/{print $2}' /proc/"$SERVER"/smaps_rollup 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$peak" ] && { peak=$kb; echo "$peak" >"$TMP/pss"; }
    sleep 0.2; done ) &
SAMPLER=$!

login() { # phone -> cookie header value
  curl -s -o /dev/null -D - -X POST "$APP/api/login" -H "Origin: $APP" -H 'Accept: text/html' \
    --data-urlencode "phone=$1" --data-urlencode password=taphuan-demo --data-urlencode next=/ |
    sed -n 's/^[Ss]et-[Cc]ookie: \(taphuan_sid=[^;]*\).*/\1/p' | tail -1
}
LEARNER=$(login 0900000001); OFFICIAL=$(login 0900000003)
COURSE=quan-tri-hop-tac-xa
LESSON=$(ls courses/$COURSE | grep -v quiz | grep '^[0-9]' | head -1 | sed -E 's/^[0-9]+-//; s/\.md$//')
QUIZ=$(ls courses/$COURSE | grep '\.quiz\.md$' | head -1 | sed -E 's/^[0-9]+-//; s/\.quiz\.md$//')
# One submitted attempt, to resend.
LOC=$(curl -s -o /dev/null -w '%{redirect_url}' -X POST "$APP/api/start_attempt" -H "Origin: $APP" -H 'Accept: text/html' -H "Cookie: $LEARNER" --data "course=$COURSE&quiz=$QUIZ")
ATTEMPT_PATH=${LOC#"$APP"}
FORM=$(curl -s "$APP$ATTEMPT_PATH" -H "Cookie: $LEARNER" | python3 -c '
import re,sys,urllib.parse; html=sys.stdin.read(); seen=set(); out=[]
for m in re.finditer(r"<input\b([^>]*)>", html):
    a=dict(re.findall(r"([a-zA-Z_:-]+)=\"([^\"]*)\"", m.group(1))); n=a.get("name")
    if not n or n in seen: continue
    if a.get("type") in ("radio","checkbox","hidden"): seen.add(n); out.append((n,a.get("value","")))
    else: seen.add(n); out.append((n,"1"))
print(urllib.parse.urlencode(out))')
curl -s -o /dev/null -X POST "$APP$ATTEMPT_PATH/nop" -H "Origin: $APP" -H "Cookie: $LEARNER" -H 'Accept: text/html' --data "$FORM"
printf 'wrk.method = "POST"\nwrk.body = "%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Origin"] = "%s"\n' "$FORM" "$APP" >"$TMP/post.lua"

# The pages, as a browser asks for them; their bytes for nginx: as they are, and gzip -9 beside them.
mkdir -p "$TMP/www" "$TMP/nginx"
declare -A URL COOKIE
URL[lesson-anon]="/khoa-hoc/$COURSE/bai/$LESSON";        COOKIE[lesson-anon]=""
URL[lesson-signed-in]="/khoa-hoc/$COURSE/bai/$LESSON";   COOKIE[lesson-signed-in]="$LEARNER"
URL[course]="/khoa-hoc/$COURSE";                      COOKIE[course]="$LEARNER"
URL[quiz-submit]="$ATTEMPT_PATH/nop";                 COOKIE[quiz-submit]="$LEARNER"
URL[dashboard]="/thong-ke";                           COOKIE[dashboard]="$OFFICIAL"
ORDER="lesson-anon lesson-signed-in course quiz-submit dashboard"
for k in $ORDER; do
  src="${URL[$k]}"; [ "$k" = quiz-submit ] && src="$ATTEMPT_PATH"
  curl -fs "$APP$src" -H "Cookie: ${COOKIE[$k]}" -o "$TMP/www/$k.html"
  gzip -9 -k "$TMP/www/$k.html"
done
cat >"$TMP/nginx.conf" <<NGINX
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 2; daemon on; pid $TMP/nginx.pid; error_log $TMP/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy; fastcgi_temp_path $TMP/nginx/f; uwsgi_temp_path $TMP/nginx/u; scgi_temp_path $TMP/nginx/s;
  types { text/html html; }
  server {
    listen 127.0.0.1:$NP;
    location /pre/ { alias $TMP/www/; gzip_static on; }
    location /fly/ { alias $TMP/www/; gzip on; gzip_comp_level 5; gzip_min_length 0; }
  }
}
NGINX
nginx -c "$TMP/nginx.conf" -p "$TMP/nginx"

run() { # url [cookie] [lua] -> "rps p50 p99" (the better of two rounds)
  local best="0 - -"
  for _ in 1 2; do
    local args=(-t"$THREADS" -c"$CONN" -d"${SECS}s" --latency -H 'Accept-Encoding: br, gzip' -H 'Accept: text/html')
    [ -n "${2:-}" ] && args+=(-H "Cookie: $2")
    [ -n "${3:-}" ] && args+=(-s "$3")
    local out; out=$(wrk "${args[@]}" "$1")
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out"); p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx/{print $NF}' <<<"$out")
    [ -n "$non2xx" ] && echo "bench: $1 answered $non2xx non-2xx/3xx" >&2
    awk -v a="$rps" -v b="${best%% *}" 'BEGIN{exit !(a>b)}' && best="$rps $p50 $p99"
  done
  echo "$best"
}

echo "Tập Huấn benchmark, $(date -u +%F), commit $(git rev-parse --short HEAD), $(nproc) cores, wrk -t$THREADS -c$CONN -d${SECS}s, best of 2"
echo "start to first 200: ${START_MS} ms on an empty database (migrate, regions, course import), ${RESTART_MS} ms on a restart"
printf '\n| page | bytes | Tập Huấn req/s | p50 | p99 | nginx precompressed req/s | nginx gzip on the fly req/s | ratio to on the fly | ratio to precompressed |\n|---|---|---|---|---|---|---|---|---|\n'
for k in $ORDER; do
  read -r a50 a_p50 a_p99 <<<"$(run "$APP${URL[$k]}" "${COOKIE[$k]}" "$([ "$k" = quiz-submit ] && echo "$TMP/post.lua")")"
  read -r pre _ _ <<<"$(run "$NGX/pre/$k.html")"
  read -r fly _ _ <<<"$(run "$NGX/fly/$k.html")"
  bytes=$(stat -c %s "$TMP/www/$k.html")
  printf '| %s | %s | %.0f | %s | %s | %.0f | %.0f | %.2f | %.3f |\n' "$k" "$bytes" "$a50" "$a_p50" "$a_p99" "$pre" "$fly" \
    "$(awk -v a="$a50" -v b="$fly" 'BEGIN{print a/b}')" "$(awk -v a="$a50" -v b="$pre" 'BEGIN{print a/b}')"
done
echo
echo "peak PSS of the app during the run: $(( $(cat "$TMP/pss" 2>/dev/null || echo 0) / 1024 )) MB"
