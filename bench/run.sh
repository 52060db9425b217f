#!/usr/bin/env bash
# The broker's benchmark suite: one command from a fresh clone.
#
#   bench/run.sh                                  # everything, 5 s warm-up + 15 s measured a figure
#   DURATION=3 WARMUP=1 LABEL="smoke run" bench/run.sh
#   SECTIONS=callbacks CALLBACKS=2000 STORAGES=h2 JMH=0 bench/run.sh   # the callback drain rate only
#
# Builds the broker if a source is newer than broker.jar (`mvn package`, never `install`) and the
# JMH module (root profile `bench`), installs wrk from Debian if missing, starts local stand-ins
# (a fast Stripe API and a fast CRM receiver, Node, 127.0.0.1), then for each storage (H2, then
# PostgreSQL on 127.0.0.1:5432 in a fresh schema of database `test`) starts `java -jar broker.jar`
# with a fresh data directory on 127.0.0.1, seeds accounts and a client with `broker.jar admin`,
# and measures each figure (bench/lib/driver.mjs, wrk for the plain request/answer figures). At
# the end JMH measures Argon2id alone at the login figure's thread counts, with no broker running.
# Results: bench/results/<date>.md (machine, JVM, settings, figures), printed at the end.
#
# Settings (environment):
#   WARMUP=5 DURATION=15          seconds of warm-up and of measurement per figure
#   THREADS=1 CONNECTIONS=4       wrk -t/-c
#   LOGIN_CONCURRENCY="1 2 4 16"  concurrent logins (one account per worker)
#   REFRESH_CHAINS=8              rotating refresh-token chains, one keep-alive connection each
#   PAYMENT_WORKERS=4 WEBHOOK_WORKERS=8
#   WEBHOOK_PAYMENTS=3000         payments made before the event burst (one event each); topped up
#   PAYMENT_TOPUP_MAX=120           after the payments figure for at most this many seconds
#   STORAGES="h2 postgres"        which storages; the OIDC and login figures run on the first only
#   DRAIN_TIMEOUT=300             at most this long waiting for the callback backlog to drain
#   SECTIONS="oidc payments callbacks"  which groups of figures: oidc (first storage only: discovery,
#                                 tokens, logins), logins (first storage only: the logins alone), payments (payments, Stripe events, the callbacks
#                                 after the burst), callbacks (the drain rate of a callback backlog)
#   CALLBACKS=1000                outcomes queued for the callbacks section: as many payments are made
#                                 (not measured) and one Stripe event applied to each while the local
#                                 receiver answers 410 (each message goes dead); then the receiver
#                                 answers 200, `admin callbacks replay --client site --status dead`
#                                 releases the backlog at once and its delivery is timed
#   READY_TIMEOUT=600             at most this long for a start (then that storage is reported as failed)
#   IDLE_SETTLE=10                seconds after ready before the idle RSS is read
#   BENCH_JAVA_OPTS=              JVM options for broker.jar (default none: as the README starts it)
#   JMH=1                         0 skips the Argon2id limit
#   LABEL=                        a line at the top of the results, e.g. "smoke run on a busy machine"
#   RESULTS=bench/results/<date>.md
#   KEEP=0                        1 keeps the work directory (data, logs) under /tmp
# Any other BROKER_* variable set in the environment reaches the broker (and overrides the
# defaults below where it names the same setting).
# Benchmarks are never tests: CI does not run this. Every target is on 127.0.0.1; every loop ends
# by itself (time-bounded, or bounded counts).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WARMUP=${WARMUP:-5}
DURATION=${DURATION:-15}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-4}
LOGIN_CONCURRENCY=${LOGIN_CONCURRENCY:-"1 2 4 16"}
REFRESH_CHAINS=${REFRESH_CHAINS:-8}
PAYMENT_WORKERS=${PAYMENT_WORKERS:-4}
WEBHOOK_WORKERS=${WEBHOOK_WORKERS:-8}
WEBHOOK_PAYMENTS=${WEBHOOK_PAYMENTS:-3000}
PAYMENT_TOPUP_MAX=${PAYMENT_TOPUP_MAX:-120}
STORAGES=${STORAGES:-"h2 postgres"}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-300}
SECTIONS=${SECTIONS:-"oidc payments callbacks"}
CALLBACKS=${CALLBACKS:-1000}
READY_TIMEOUT=${READY_TIMEOUT:-600}
IDLE_SETTLE=${IDLE_SETTLE:-10}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
JMH=${JMH:-1}
LABEL=${LABEL:-}
KEEP=${KEEP:-0}
PASSWORD='bench-passphrase-7Qx'
WEBHOOK_SECRET=${BROKER_STRIPE_WEBHOOK_SECRET:-whsec_benchWebhookSecret0123456789}
STRIPE_KEY=${BROKER_STRIPE_SECRET_KEY:-sk_test_51BenchKeyForTheLocalStandIn0000}
JAR=broker-web/target/broker.jar
# BROKER_* settings given by the caller (reported; secrets and passwords left out)
USER_BROKER_ENV=$(env | grep -E '^BROKER_' | grep -vE 'SECRET|PASSWORD|KEY' | sort | tr '\n' ' ' || true)
CLK=$(getconf CLK_TCK)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# ---------- tools ----------
command -v java >/dev/null || die "Java 17 is needed"
apt_install() { # command package
  command -v "$1" >/dev/null && return 0
  say "installing $2 (Debian)"
  apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; } ||
    die "could not install $2: apt-get install -y $2"
}
apt_install node nodejs # the load driver and the stand-ins
apt_install wrk wrk
if [[ " $STORAGES " == *" postgres "* ]]; then apt_install psql postgresql-client; fi

# ---------- build (only when needed) ----------
newer=$( [ -f "$JAR" ] && find pom.xml broker-ejb broker-web -path '*/target' -prune -o -type f -newer "$JAR" -print -quit || echo missing)
if [ -n "$newer" ]; then
  say "building the broker (mvn -B -ntp -q -DskipTests package)"
  mvn -B -ntp -q -DskipTests package
fi
JMH_CP=bench/jmh/target/classpath.txt
if [ "$JMH" = 1 ]; then
  if [ ! -f "$JMH_CP" ] || [ -n "$(find bench/jmh/src bench/jmh/pom.xml broker-ejb/target/classes -newer "$JMH_CP" -print -quit)" ]; then
    say "building the JMH module (mvn -P bench -pl bench/jmh -am package)"
    mvn -B -ntp -q -P bench -pl bench/jmh -am -DskipTests package
  fi
fi

# ---------- work directory, stand-ins, clean-up ----------
WORK=$(mktemp -d /tmp/broker-bench.XXXXXX)
RESULTS_JSONL=$WORK/results.jsonl
: > "$RESULTS_JSONL"
BROKER_PID=
STANDINS_PID=
PG_SCHEMA=
cleanup() {
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
  [ -n "$STANDINS_PID" ] && kill "$STANDINS_PID" 2>/dev/null || true
  [ -n "$PG_SCHEMA" ] && psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PARENT_PID=$$ node bench/lib/standins.mjs > "$WORK/standins.json" 2> "$WORK/standins.log" &
STANDINS_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/standins.json" ] && break; sleep 0.1; done
STRIPE_PORT=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).stripe)' "$WORK/standins.json")
CRM_PORT=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).crm)' "$WORK/standins.json")
say "stand-ins: Stripe API on 127.0.0.1:$STRIPE_PORT, CRM receiver on 127.0.0.1:$CRM_PORT"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# RSS (MiB) and CPU ticks of a process and its descendants
tree_pids() { local p=$1; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done; }
rss_mib() { local sum=0 p; for p in $(tree_pids "$1"); do sum=$((sum + $(awk '/VmRSS/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0))); done; echo $((sum / 1024)); }

# ---------- recording ----------
# record LABEL STORAGE CONCURRENCY FIGURE JSON_ARGS: runs one driver figure, appends a result line
record() {
  local label=$1 storage=$2 conc=$3 figure=$4 args=$5 out
  say "$storage: $label"
  if out=$(node bench/lib/driver.mjs "$figure" "$args" 2>>"$WORK/driver.log"); then
    printf '{"label":"%s","storage":"%s","concurrency":"%s","result":%s}\n' "$label" "$storage" "$conc" "$out" >> "$RESULTS_JSONL"
    printf '%s\n' "$out"
  else
    say "  failed: $(tail -n 3 "$WORK/driver.log" | tr '\n' ' ' | cut -c1-300)"
    printf '{"label":"%s","storage":"%s","concurrency":"%s","result":{"failed":true}}\n' "$label" "$storage" "$conc" >> "$RESULTS_JSONL"
    return 1
  fi
}
# common JSON settings of every driver call
common() { printf '"port":%s,"pid":%s,"clk":%s,"warmup":%s,"duration":%s' "$PORT" "$BROKER_PID" "$CLK" "$WARMUP" "$DURATION"; }
field() { node -e 'const v=JSON.parse(process.argv[1])[process.argv[2]];console.log(typeof v==="object"?JSON.stringify(v):v)' "$1" "$2"; }

# ---------- the broker ----------
broker_env() {
  export BROKER_DATA_DIR=$DATA BROKER_HTTPS_PORT=$PORT BROKER_HTTP_PORT=off
  export BROKER_BIND_ADDRESS=127.0.0.1 BROKER_PUBLIC_URL=https://127.0.0.1:$PORT
  export BROKER_STRIPE_SECRET_KEY=$STRIPE_KEY BROKER_STRIPE_WEBHOOK_SECRET=$WEBHOOK_SECRET
  export BROKER_STRIPE_API_BASE=http://127.0.0.1:$STRIPE_PORT
  # the CRM receiver stand-in is on loopback, which outbound calls may not reach by default
  export BROKER_OUTBOUND_ALLOWED_CIDRS=${BROKER_OUTBOUND_ALLOWED_CIDRS:-127.0.0.0/8}
  export BROKER_PAYMENT_RATE_CLIENT_PER_MINUTE=${BROKER_PAYMENT_RATE_CLIENT_PER_MINUTE:-100000}
  export BROKER_PAYMENT_RATE_IP_PER_MINUTE=${BROKER_PAYMENT_RATE_IP_PER_MINUTE:-100000}
  if [ "$STORAGE" = postgres ]; then
    export BROKER_DB_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$PG_SCHEMA" BROKER_DB_USER=postgres
  else
    unset BROKER_DB_URL BROKER_DB_USER
  fi
}
admin() { java -jar "$JAR" admin "$@"; }

start_broker() {
  DATA=$WORK/$STORAGE/data
  mkdir -p "$WORK/$STORAGE"
  PORT=$(free_port)
  if [ "$STORAGE" = postgres ]; then
    PG_SCHEMA=bench_$(date +%s)_$$
    psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $PG_SCHEMA" >/dev/null
  fi
  broker_env
  local log=$WORK/$STORAGE/broker.log t0 code=000
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  java $BENCH_JAVA_OPTS -jar "$JAR" > "$log" 2>&1 &
  BROKER_PID=$!
  while [ "$code" != 200 ]; do
    kill -0 "$BROKER_PID" 2>/dev/null || { tail -n 30 "$log" >&2; say "the broker ($STORAGE) stopped during start-up"; return 1; }
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt "$READY_TIMEOUT" ] || { say "the broker ($STORAGE) was not ready within $READY_TIMEOUT s"; return 1; }
    sleep 0.1
    code=$(curl -sk -o /dev/null -m 5 -w '%{http_code}' "https://127.0.0.1:$PORT/health/ready" || true)
  done
  STARTUP_S=$(awk -v d=$(( $(date +%s%N) - t0 )) 'BEGIN {printf "%.1f", d / 1e9}')
  for _ in $(seq 1 600); do grep -q 'broker: ready at' "$log" && break; sleep 0.1; done
  say "$STORAGE: first HTTPS 200 after $STARTUP_S s; settling $IDLE_SETTLE s for the idle RSS"
  sleep "$IDLE_SETTLE"
  RSS_IDLE=$(rss_mib "$BROKER_PID")
}

stop_broker() {
  kill "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=
}

seed() {
  local max=1 c users=() i
  for c in $LOGIN_CONCURRENCY; do if [ "$c" -gt "$max" ]; then max=$c; fi; done
  if [ "$1" = payments-only ]; then max=0; fi
  say "$STORAGE: seeding $max accounts and a client (broker.jar admin)"
  local jobs=()
  for i in $(seq 1 "$max"); do
    printf '%s\n' "$PASSWORD" | admin user add --username "bench$i" --email "bench$i@example.org" >/dev/null &
    jobs+=($!)
    # at most 4 admin JVMs at a time (wait for these, not for the broker)
    if [ ${#jobs[@]} = 4 ]; then wait "${jobs[@]}" || say "  an account was not added"; jobs=(); fi
  done
  if [ ${#jobs[@]} -gt 0 ]; then wait "${jobs[@]}" || say "  an account was not added"; fi
  USERS_JSON=$(for i in $(seq 1 "$max"); do printf '"bench%s",' "$i"; done | sed 's/,$//')
  SECRET=$(admin client add --name "Benchmark site" --client-id site --redirect-uri http://127.0.0.1:9/cb \
    --web-origin https://cms.example | sed -n 's/^client secret: //p')
  [ -n "$SECRET" ] || die "no client secret"
  admin client update --client-id site --callback-url "http://127.0.0.1:$CRM_PORT/crm" --callback-format standard-webhooks >/dev/null
  admin client rotate-callback-secret --client-id site >/dev/null
  BASIC="Basic $(printf 'site:%s' "$SECRET" | base64 -w0)"
}

oidc_figures() {
  local s=$STORAGE tokens at rts c
  record "discovery" "$s" "$CONNECTIONS" wrk "{$(common),\"threads\":$THREADS,\"connections\":$CONNECTIONS,\"path\":\"/.well-known/openid-configuration\"}" || true
  record "JWKS" "$s" "$CONNECTIONS" wrk "{$(common),\"threads\":$THREADS,\"connections\":$CONNECTIONS,\"path\":\"/oauth2/jwks\"}" || true
  record "client_credentials grants" "$s" "$CONNECTIONS" wrk "{$(common),\"threads\":$THREADS,\"connections\":$CONNECTIONS,\"path\":\"/oauth2/token\",\"method\":\"POST\",\"ctype\":\"application/x-www-form-urlencoded\",\"body\":\"grant_type=client_credentials\",\"auth\":\"$BASIC\"}" || true
  local flow="\"username\":\"bench1\",\"password\":\"$PASSWORD\",\"client\":\"site\",\"secret\":\"$SECRET\""
  if tokens=$(node bench/lib/driver.mjs oidc-setup "{$(common),$flow,\"chains\":1}" 2>>"$WORK/driver.log"); then
    at=$(field "$tokens" access_token)
    record "introspection" "$s" "$CONNECTIONS" wrk "{$(common),\"threads\":$THREADS,\"connections\":$CONNECTIONS,\"path\":\"/oauth2/introspect\",\"method\":\"POST\",\"ctype\":\"application/x-www-form-urlencoded\",\"body\":\"token=$at\",\"auth\":\"$BASIC\"}" || true
    record "userinfo" "$s" "$CONNECTIONS" wrk "{$(common),\"threads\":$THREADS,\"connections\":$CONNECTIONS,\"path\":\"/oauth2/userinfo\",\"auth\":\"Bearer $at\"}" || true
  else
    say "  the code flow failed: no introspection/userinfo figures"
  fi
  if tokens=$(node bench/lib/driver.mjs oidc-setup "{$(common),$flow,\"chains\":$REFRESH_CHAINS}" 2>>"$WORK/driver.log"); then
    rts=$(field "$tokens" refresh_tokens)
    record "refresh grants (rotating)" "$s" "$REFRESH_CHAINS" refresh "{$(common),$flow,\"refreshTokens\":$rts}" || true
  fi
  login_figures
}

login_figures() {
  local s=$STORAGE c
  for c in $LOGIN_CONCURRENCY; do
    record "password logins" "$s" "$c" login "{$(common),\"users\":[$USERS_JSON],\"password\":\"$PASSWORD\",\"concurrency\":$c}" || true
  done
  # the same account signing in from several browsers at once (errors are the figure here)
  record "password logins, one account" "$s" 4 login "{$(common),\"users\":[\"bench1\"],\"password\":\"$PASSWORD\",\"concurrency\":4}" || true
}

payment_figures() {
  local s=$STORAGE out expected
  record "payments created" "$s" "$PAYMENT_WORKERS" payments "{$(common),\"client\":\"site\",\"secret\":\"$SECRET\",\"concurrency\":$PAYMENT_WORKERS,\"idsFile\":\"$WORK/$s/payments.txt\"}" >/dev/null || true
  [ -s "$WORK/$s/payments.txt" ] || { say "  no payments: no webhook figures"; return; }
  # enough payments for the event burst: each event is the first completion of its own payment
  local have
  have=$(grep -c . "$WORK/$s/payments.txt")
  if [ "$have" -lt "$WEBHOOK_PAYMENTS" ]; then
    say "$s: creating $((WEBHOOK_PAYMENTS - have)) more payments for the events (not measured; at most $PAYMENT_TOPUP_MAX s)"
    node bench/lib/driver.mjs payments "{$(common),\"warmup\":0,\"duration\":$PAYMENT_TOPUP_MAX,\"client\":\"site\",\"secret\":\"$SECRET\",\"concurrency\":$PAYMENT_WORKERS,\"idsFile\":\"$WORK/$s/payments.txt\",\"target\":$((WEBHOOK_PAYMENTS - have)),\"append\":true}" >/dev/null 2>>"$WORK/driver.log" || true
  fi
  out=$(record "signed Stripe events applied" "$s" "$WEBHOOK_WORKERS" webhooks "{$(common),\"webhookSecret\":\"$WEBHOOK_SECRET\",\"concurrency\":$WEBHOOK_WORKERS,\"idsFile\":\"$WORK/$s/payments.txt\",\"crm\":$CRM_PORT}") || return 0
  expected=$(( $(field "$out" crm_received_at_end) - $(field "$out" callbacks_during) + $(field "$out" events_accepted) ))
  record "callbacks delivered after the burst" "$s" "-" drain "{$(common),\"crm\":$CRM_PORT,\"expected\":$expected,\"timeout\":$DRAIN_TIMEOUT}" >/dev/null || true
}

# The drain rate of a backlog of CALLBACKS outcomes (see the settings at the top).
callback_figure() {
  local s=$STORAGE ids=$WORK/$STORAGE/callback-payments.txt have=0 refused0 refused pid
  [ "$CALLBACKS" -gt 0 ] || return 0
  : > "$ids"
  say "$s: creating $CALLBACKS payments for the callback backlog (not measured; at most $((DRAIN_TIMEOUT * 4)) s)"
  node bench/lib/driver.mjs payments "{$(common),\"warmup\":0,\"duration\":$((DRAIN_TIMEOUT * 4)),\"client\":\"site\",\"secret\":\"$SECRET\",\"concurrency\":$PAYMENT_WORKERS,\"idsFile\":\"$ids\",\"target\":$CALLBACKS}" >/dev/null 2>>"$WORK/driver.log" || true
  have=$(grep -c . "$ids" || true)
  [ "$have" -gt 0 ] || { say "  no payments: no callback backlog figure"; return 0; }
  # the receiver refuses: every callback of the events goes to the dead letter at its first attempt
  curl -s -X POST "http://127.0.0.1:$CRM_PORT/mode?status=410" >/dev/null
  refused0=$(field "$(curl -s "http://127.0.0.1:$CRM_PORT/count")" refused)
  say "$s: one Stripe event for each of $have payments while the receiver answers 410 (not measured)"
  node bench/lib/driver.mjs webhooks "{$(common),\"warmup\":0,\"duration\":$((DRAIN_TIMEOUT * 4)),\"webhookSecret\":\"$WEBHOOK_SECRET\",\"concurrency\":$WEBHOOK_WORKERS,\"idsFile\":\"$ids\",\"crm\":$CRM_PORT}" >/dev/null 2>>"$WORK/driver.log" || true
  refused=$refused0
  for _ in $(seq 1 $((DRAIN_TIMEOUT * 5))); do
    refused=$(field "$(curl -s "http://127.0.0.1:$CRM_PORT/count")" refused)
    [ $((refused - refused0)) -ge "$have" ] && break
    sleep 0.2
  done
  curl -s -X POST "http://127.0.0.1:$CRM_PORT/mode?status=200" >/dev/null
  [ $((refused - refused0)) -ge "$have" ] || say "  only $((refused - refused0)) of $have callbacks went dead in time; the backlog is smaller"
  # the clock starts at the first callback the receiver gets after the replay
  node bench/lib/driver.mjs backlog "{$(common),\"crm\":$CRM_PORT,\"expected\":$((refused - refused0)),\"timeout\":$DRAIN_TIMEOUT}" > "$WORK/$s/backlog.json" 2>>"$WORK/driver.log" &
  pid=$!
  sleep 0.5
  say "$s: replaying $((refused - refused0)) dead callbacks at once"
  admin callbacks replay --client site --status dead >/dev/null || say "  the replay failed"
  if wait "$pid"; then
    printf '{"label":"callback backlog drained","storage":"%s","concurrency":"-","result":%s}\n' "$s" "$(cat "$WORK/$s/backlog.json")" >> "$RESULTS_JSONL"
    cat "$WORK/$s/backlog.json"
  else
    printf '{"label":"callback backlog drained","storage":"%s","concurrency":"-","result":{"failed":true}}\n' "$s" >> "$RESULTS_JSONL"
  fi
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
first=1
for STORAGE in $STORAGES; do
  if ! start_broker; then
    printf '{"label":"start","storage":"%s","result":{"failed":true}}\n' "$STORAGE" >> "$RESULTS_JSONL"
    stop_broker
    continue
  fi
  printf '{"label":"start","storage":"%s","result":{"startup_s":%s,"rss_idle_mib":%s}}\n' "$STORAGE" "$STARTUP_S" "$RSS_IDLE" >> "$RESULTS_JSONL"
  if [ $first = 1 ] && [[ " $SECTIONS " == *" oidc "* || " $SECTIONS " == *" logins "* ]]; then seed all; else seed payments-only; fi
  if [ $first = 1 ] && [[ " $SECTIONS " == *" oidc "* ]]; then oidc_figures;
  elif [ $first = 1 ] && [[ " $SECTIONS " == *" logins "* ]]; then login_figures; fi
  if [[ " $SECTIONS " == *" payments "* ]]; then payment_figures; fi
  if [[ " $SECTIONS " == *" callbacks "* ]]; then callback_figure; fi
  printf '{"label":"after load","storage":"%s","result":{"rss_after_mib":%s,"log_lines":%s,"exception_lines":%s}}\n' "$STORAGE" \
    "$(rss_mib "$BROKER_PID")" "$(wc -l < "$WORK/$STORAGE/broker.log")" "$(grep -c 'Exception' "$WORK/$STORAGE/broker.log" || true)" >> "$RESULTS_JSONL"
  stop_broker
  if [ "$STORAGE" = postgres ]; then
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true
    PG_SCHEMA=
  fi
  first=0
done

# ---------- the login's limit: Argon2id alone, same cores, no broker running ----------
if [ "$JMH" = 1 ]; then
  for c in $LOGIN_CONCURRENCY; do
    say "JMH: Argon2id verification, $c thread(s)"
    if java -cp "bench/jmh/target/classes:$(cat "$JMH_CP")" org.openjdk.jmh.Main Argon2idBenchmark \
        -f 1 -wi 1 -w "${WARMUP}s" -i 1 -r "${DURATION}s" -t "$c" -rf json -rff "$WORK/jmh-$c.json" > "$WORK/jmh-$c.log" 2>&1; then
      params=$(grep -m1 -o 'argon2id parameters: .*' "$WORK/jmh-$c.log" | sed 's/argon2id parameters: //')
      printf '{"label":"argon2id","storage":"-","concurrency":"%s","result":{"rps":%s,"parameters":"%s"}}\n' "$c" \
        "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[0].primaryMetric.score.toFixed(1))' "$WORK/jmh-$c.json")" \
        "$params" >> "$RESULTS_JSONL"
    else
      say "  JMH failed: $(tail -n 5 "$WORK/jmh-$c.log" | tr '\n' ' ')"
    fi
  done
  say "JMH: token signatures (ES256, RS256), 1 thread"
  if java -cp "bench/jmh/target/classes:$(cat "$JMH_CP")" org.openjdk.jmh.Main SignatureBenchmark \
      -f 1 -wi 1 -w "${WARMUP}s" -i 1 -r "${DURATION}s" -t 1 -rf json -rff "$WORK/jmh-sig.json" > "$WORK/jmh-sig.log" 2>&1; then
    node -e 'for (const b of JSON.parse(require("fs").readFileSync(process.argv[1])))
      console.log(JSON.stringify({label: "jmh", storage: "-", concurrency: b.threads,
        result: {name: b.benchmark.replace(/.*\./, ""), rps: +b.primaryMetric.score.toFixed(1)}}))' "$WORK/jmh-sig.json" >> "$RESULTS_JSONL"
  else
    say "  JMH failed: $(tail -n 5 "$WORK/jmh-sig.log" | tr '\n' ' ')"
  fi
fi

# ---------- the results file ----------
mkdir -p bench/results
out=${RESULTS:-bench/results/$(date -u +%Y-%m-%d).md}
if [ -z "${RESULTS:-}" ] && [ -e "$out" ]; then out=bench/results/$(date -u +%Y-%m-%d-%H%M).md; fi
export BENCH_META
BENCH_META=$(cat <<EOF
{"label":"$LABEL","date":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","commit":"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- broker-ejb broker-web 2>/dev/null || echo ' (with local changes)')",
 "nproc":"$(nproc)","memory":"$(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}')","cpu":"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')",
 "load_start":"$LOAD_START","load_end":"$(cut -d' ' -f1-3 /proc/loadavg)","os":"$(. /etc/os-release && echo "$PRETTY_NAME")",
 "java":"$(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/"//g')","wrk":"$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)","node":"$(node --version)",
 "java_opts":"$BENCH_JAVA_OPTS","warmup":$WARMUP,"duration":$DURATION,"threads":$THREADS,"connections":$CONNECTIONS,
 "refresh_chains":$REFRESH_CHAINS,"webhook_payments":$WEBHOOK_PAYMENTS,"payment_workers":$PAYMENT_WORKERS,"webhook_workers":$WEBHOOK_WORKERS,"drain_timeout":$DRAIN_TIMEOUT,"idle_settle":$IDLE_SETTLE,
 "storages":"$STORAGES","sections":"$SECTIONS","callbacks":$CALLBACKS,"login_concurrency":"$LOGIN_CONCURRENCY","user_broker_env":"$USER_BROKER_ENV"}
EOF
)
node bench/lib/report.mjs "$RESULTS_JSONL" > "$out"
cat "$out"
say "written to $out"
