#!/usr/bin/env bash
# Start the deployment of docs/deploy on this machine and check it from outside, through
# nginx over HTTPS; then stop everything. Not part of `make test`: it needs nginx, openssl,
# curl, root (nginx's workers read the socket and the static files), PostgreSQL at
# 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379.
#
# What it runs is what the IT office installs: the environment is
# docs/deploy/secretariat.env.example (with this machine's database, Redis, folders and a
# fresh secret key), gunicorn and the worker are started with the ExecStart= lines of
# docs/deploy/systemd/secretariat-{web,worker}.service, and nginx with
# docs/deploy/nginx/secretariat.conf; only paths and ports are adapted (a scratch database,
# a temporary folder, a self-signed certificate, ports HTTPS_PORT and HTTP_PORT).
#
#   sudo scripts/check_deploy.sh            # KEEP=1 keeps the temporary folder and logs
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPLOY=$ROOT/docs/deploy
HOST=secretariat.example.org
HTTPS_PORT=${HTTPS_PORT:-18443}
HTTP_PORT=${HTTP_PORT:-18080}
REDIS_DB=${REDIS_DB:-11}
DB=secretariat_deploy_check_$$
WORK=$(mktemp -d /tmp/secretariat-deploy-check.XXXXXX)
PY=$ROOT/.venv/bin/python
FAILURES=0
PIDS=()

say() { printf '%s\n' "$*"; }
pass() { say "PASS  $*"; }
fail() { say "FAIL  $*"; FAILURES=$((FAILURES + 1)); }
expect() { # name expected actual
    if [[ "$2" == "$3" ]]; then pass "$1 ($3)"; else fail "$1: expected $2, got $3"; fi
}

cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    [[ -f $WORK/nginx.pid ]] && nginx -p "$WORK" -c "$WORK/nginx.conf" -s quit 2>/dev/null
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" 2>/dev/null
    redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null 2>&1
    if [[ ${KEEP:-} == 1 ]]; then say "Kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for tool in nginx openssl curl createdb redis-cli; do
    command -v "$tool" >/dev/null || { say "Missing: $tool"; exit 2; }
done
redis-cli -h 127.0.0.1 ping >/dev/null || { say "Redis is not answering on 127.0.0.1:6379"; exit 2; }

# --- 1. The environment file, as systemd reads it (KEY=value lines), then this machine's
mkdir -p "$WORK"/{run,media,checkpoints,backups,tmp,logs,credentials}
while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line || $line == \#* ]] && continue
    export "${line%%=*}=${line#*=}"
done <"$DEPLOY/secretariat.env.example"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
export MEDIA_ROOT=$WORK/media CHECKPOINT_DIR=$WORK/checkpoints BACKUP_DIR=$WORK/backups
export SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")
export CSRF_TRUSTED_ORIGINS=https://$HOST:$HTTPS_PORT
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend # nothing leaves
# systemd's LoadCredential= gives the units the key in their credentials folder.
"$PY" "$ROOT/manage.py" action_log_key --out "$WORK/credentials/action-log-key" >/dev/null
export ACTION_LOG_SIGNING_KEY_FILE=$WORK/credentials/action-log-key

cd "$ROOT"
createdb -h 127.0.0.1 -U postgres "$DB"
"$PY" manage.py migrate --no-input -v0
"$PY" manage.py collectstatic --no-input -v0
"$PY" manage.py seed_ciss >/dev/null
deploy_check=$("$PY" manage.py check --deploy 2>&1 | tail -1)
expect "manage.py check --deploy with the environment file" \
    "System check identified no issues (0 silenced)." "$deploy_check"

# --- 2. gunicorn and the worker, with the units' command lines ---------------------------
exec_start() { # unit → its ExecStart= command, continuation lines joined, paths adapted
    awk '/^ExecStart=/ { on = 1; sub(/^ExecStart=/, "") }
         on { line = $0; more = sub(/\\$/, "", line); printf "%s ", line; if (!more) exit }' \
        "$DEPLOY/systemd/$1" | sed "s#/srv/secretariat/app#$ROOT#g; s#/run/secretariat#$WORK/run#g"
}
started=$(date +%s.%N)
read -r -a web <<<"$(exec_start secretariat-web.service)"
"${web[@]}" 2>"$WORK/logs/web.log" &
PIDS+=($!)
read -r -a worker <<<"$(exec_start secretariat-worker.service)"
"${worker[@]}" >"$WORK/logs/worker.log" 2>&1 &
PIDS+=($!)
say "gunicorn: ${web[*]}"
say "worker:   ${worker[*]}"

# --- 3. nginx with the site's configuration ---------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
    -addext "subjectAltName=DNS:$HOST" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
sed -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#; /listen \[::\]/d" \
    -e "s#listen 443 ssl#listen 127.0.0.1:$HTTPS_PORT ssl#" \
    -e "s#https://\$host\$request_uri#https://\$host:$HTTPS_PORT\$request_uri#" \
    -e "s#/etc/letsencrypt/live/$HOST/fullchain.pem#$WORK/cert.pem#" \
    -e "s#/etc/letsencrypt/live/$HOST/privkey.pem#$WORK/key.pem#" \
    -e "s#/run/secretariat#$WORK/run#g; s#/srv/secretariat/app#$ROOT#g" \
    "$DEPLOY/nginx/secretariat.conf" >"$WORK/site.conf"
cat >"$WORK/nginx.conf" <<EOF
# Test harness only: workers as root to reach the socket and the static files here.
user root;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/logs/nginx-access.log;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    include $WORK/site.conf;
}
EOF
nginx -t -q -p "$WORK" -c "$WORK/nginx.conf"
nginx -p "$WORK" -c "$WORK/nginx.conf"

CURL=(curl -sS --max-time 60 --cacert "$WORK/cert.pem" --resolve "$HOST:$HTTPS_PORT:127.0.0.1")
BASE=https://$HOST:$HTTPS_PORT

# --- 4. The worker's heartbeat (the timer's command), then ready ------------------------
"$PY" manage.py worker_heartbeat
ready=""
for _ in $(seq 1 120); do
    code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null || true)
    if [[ $code == 200 ]]; then ready=yes; break; fi
    sleep 0.5
done
ready_after=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
[[ -n $ready ]] || { fail "/readyz never became 200"; cat "$WORK/logs/web.log" | tail -20; exit 1; }
say "Ready ${ready_after} s after gunicorn and the worker were started."

# --- 5. Checks over HTTPS through nginx ---------------------------------------------------
out=$WORK/out
code=$("${CURL[@]}" -o "$out" -w '%{http_code}' "$BASE/healthz")
expect "/healthz through nginx" "200 {\"status\": \"ok\"}" "$code $(cat "$out")"

code=$("${CURL[@]}" -o "$out" -w '%{http_code}' "$BASE/readyz")
checks=$(python3 -c "import json,sys; b=json.load(open('$out')); print(' '.join(f'{k}={v[\"ok\"]}' for k, v in b['checks'].items()))")
expect "/readyz through nginx (database, Redis cache, worker heartbeat)" \
    "200 database=True cache=True worker=True" "$code $checks"

page_time=$("${CURL[@]}" -D "$WORK/headers" -o "$out" -w '%{http_code} %{time_total}' "$BASE/es/")
expect "a page (/es/) over HTTPS" 200 "${page_time%% *}"
grep -qi '^strict-transport-security: max-age=31536000' "$WORK/headers" &&
    pass "HSTS sent: the application sees HTTPS through X-Forwarded-Proto" ||
    fail "no HSTS header: X-Forwarded-Proto not honoured"
request_id=$(grep -i '^x-request-id:' "$WORK/headers" | tr -d '\r' | awk '{print $2}')
[[ $request_id =~ ^[0-9a-f]{32}$ ]] && pass "nginx's request id reached the application ($request_id)" ||
    fail "no request id from nginx: '$request_id'"

static_file=$(cd "$ROOT/var/staticfiles" && find . -name '*.css' -type f | sed 's#^\./##' | head -1)
code=$("${CURL[@]}" -D "$WORK/headers" -o "$out" -w '%{http_code}' "$BASE/static/$static_file")
if [[ $code == 200 ]] && cmp -s "$out" "$ROOT/var/staticfiles/$static_file" &&
    ! grep -qi '^x-request-id' "$WORK/headers" && grep -qi 'immutable' "$WORK/headers"; then
    pass "static file /static/$static_file served by nginx (200, same bytes, not through the app)"
else
    fail "static file /static/$static_file: $code"
fi

code=$("${CURL[@]}" -D "$WORK/headers" -o /dev/null -w '%{http_code}' \
    -H 'X-Forwarded-For: 203.0.113.7' "$BASE/es/")
xff_id=$(grep -i '^x-request-id:' "$WORK/headers" | tr -d '\r' | awk '{print $2}')
sleep 0.5
seen_line=$(grep "\"request_id\": \"$xff_id\"" "$WORK/logs/web.log" | head -1 || true)
seen=$(python3 -c "import json,sys; e=json.loads(sys.argv[1]); print(e['client'], e['scheme'])" "$seen_line" 2>/dev/null || echo none)
expect "the client address (SECRETARIAT_TRUSTED_PROXY_COUNT=1: nginx's entry, not the client's own X-Forwarded-For) and the scheme the application saw" \
    "127.0.0.1 https" "$seen"

json_line=$(grep "\"request_id\": \"$request_id\"" "$WORK/logs/web.log" | head -1 || true)
fields=$(python3 -c "import json,sys; e=json.loads(sys.argv[1]); print(e['method'], e['path'], e['status'], 'duration_ms' in e)" "$json_line" 2>/dev/null || echo none)
expect "the application's JSON request log line for that request id" "GET /es/ 200 True" "$fields"

head -c $((20 * 1024 * 1024)) /dev/zero >"$WORK/20mb.bin"
big=$("${CURL[@]}" -o "$out" -w '%{http_code} %{time_total}' -X POST \
    -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/20mb.bin" "$BASE/es/members/")
expect "a 20 MB body to a page without uploads refused by nginx" 413 "${big%% *}"
grep -q '"method": "POST", "path": "/es/members/"' "$WORK/logs/web.log" &&
    fail "the 20 MB body reached the application" || pass "the 20 MB body never reached the application"
head -c $((120 * 1024 * 1024)) /dev/zero >"$WORK/120mb.bin"
huge=$("${CURL[@]}" -o "$out" -w '%{http_code} %{time_total}' -X POST \
    -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/120mb.bin" "$BASE/es/members/apply/")
expect "a 120 MB body to the affiliation form refused by nginx" 413 "${huge%% *}"
grep -q '"method": "POST", "path": "/es/members/apply/"' "$WORK/logs/web.log" &&
    fail "the 120 MB body reached the application" || pass "the 120 MB body never reached the application"
code=$("${CURL[@]}" -D "$WORK/headers" -o /dev/null -w '%{http_code}' -X POST \
    -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/20mb.bin" "$BASE/es/members/apply/")
grep -qi '^x-request-id' "$WORK/headers" &&
    pass "a 20 MB body passes nginx to the affiliation form, which takes 5 files (the application answers $code)" ||
    fail "a 20 MB body did not reach the affiliation form ($code)"

code=$("${CURL[@]}" -D "$WORK/headers" -o /dev/null -w '%{http_code}' "$BASE/media/anything.pdf")
grep -qi '^x-request-id' "$WORK/headers" && fail "/media/ reached the application" ||
    expect "/media/ not served by nginx" 404 "$code"

location=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
    --resolve "$HOST:$HTTP_PORT:127.0.0.1" "http://$HOST:$HTTP_PORT/es/")
expect "plain HTTP redirected to HTTPS" "301 $BASE/es/" "$location"

# Server push through nginx (decision 0011): a page's event stream, held open, is told of a
# change made by another process (a command), through Redis, within a second or two.
session_pk=$("$PY" manage.py shell -v 0 -c "
from secretariat.governance.models import Session
print(Session.objects.exclude(state__in=['draft', 'cancelled']).values_list('pk', flat=True).first() or '')
" 2>/dev/null | tail -1)
if [[ -z $session_pk ]]; then
    "$PY" manage.py seed_session_scale --voters 5 >/dev/null
    session_pk=$("$PY" manage.py shell -v 0 -c "
from secretariat.governance.models import Session
print(Session.objects.exclude(state__in=['draft', 'cancelled']).values_list('pk', flat=True).first())
" | tail -1)
fi
revision=$("$PY" manage.py shell -v 0 -c "
from secretariat.governance.models import Session
print(Session.objects.get(pk=$session_pk).revision)" | tail -1)
"${CURL[@]}" -N --max-time 8 -o "$WORK/stream" \
    "$BASE/es/sessions/$session_pk/events/?panel=p&last=$revision" 2>/dev/null &
stream_pid=$!
sleep 1.5
touched=$(date +%s.%N)
"$PY" manage.py shell -v 0 -c "
from django.db import transaction
from secretariat.governance.services.common import touch_session
with transaction.atomic():
    touch_session($session_pk)"
for _ in $(seq 1 60); do grep -q '^event: change' "$WORK/stream" && break; sleep 0.1; done
push_seconds=$(python3 -c "import time; print(f'{time.time() - $touched:.2f}')")
wait "$stream_pid" 2>/dev/null || true
expect "an event stream through nginx told of a change made by another process (Redis)" \
    "id: $((revision + 1))" "$(grep -m1 '^id: ' "$WORK/stream" || echo none)"

# A little load: 50 pages through nginx, 4 at a time.
load_started=$(date +%s.%N)
seq 1 50 | xargs -P 4 -I{} "${CURL[@]}" -o /dev/null -w '%{http_code}\n' "$BASE/es/members/" >"$WORK/load"
load_seconds=$(python3 -c "import time; print(f'{time.time() - $load_started:.2f}')")
expect "50 directory pages through nginx (4 at a time): all 200" 50 "$(grep -c '^200$' "$WORK/load")"

say ""
say "Figures: ready after ${ready_after} s; /es/ in ${page_time#* } s; 20 MB refused in ${big#* } s, 120 MB in ${huge#* } s;"
say "         a change told to a stream through nginx within ${push_seconds} s (the command's own start included);"
say "         50 × /es/members/ in ${load_seconds} s (4 concurrent, gunicorn $(grep -o -- '--workers [0-9]*' <<<"${web[*]}"), nginx + TLS)."
if ((FAILURES)); then
    say "$FAILURES check(s) FAILED. Logs: KEEP=1 $0"
    exit 1
fi
say "All deployment checks passed."
