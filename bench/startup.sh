#!/usr/bin/env bash
# Start-up benchmark: `java -jar broker.jar` to its "ready" line (the launcher's own HTTPS request
# to /health/ready succeeded), with a fresh data directory (key and certificate generated) and
# again with the same one, plus the resident memory once ready. Writes a Markdown table to
# bench/results/startup-<date>.md and prints it.
#   RUNS=3 JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:-}
[ -f broker-web/target/broker.jar ] || mvn -B -q -ntp -DskipTests package

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

measure() { # data_dir -> "seconds rss_mib"
  local data=$1 https http log pid secs rss
  https=$(free_port); http=$(free_port); log=$(mktemp)
  # shellcheck disable=SC2086
  BROKER_DATA_DIR=$data BROKER_HTTPS_PORT=$https BROKER_HTTP_PORT=$http \
    java $JAVA_OPTS -jar broker-web/target/broker.jar >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q 'broker: ready at' "$log" && break
    kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  secs=$(sed -n 's/.*started in \([0-9.]*\) s.*/\1/p' "$log")
  # The launcher starts the server in a JVM of its own: count both (the launcher's is small).
  rss=0
  for p in $pid $(pgrep -P $pid || true); do
    rss=$((rss + $(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$p/status)))
  done
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$log"
  echo "$secs $rss"
}

mkdir -p bench/results
suffix=$([ -n "$JAVA_OPTS" ] && echo "-custom-jvm" || echo "-default")
out=bench/results/startup-$(date -u +%Y-%m-%d)$suffix.md
{
  echo "# Start-up: java ${JAVA_OPTS:-(default JVM options)} -jar broker.jar"
  echo
  echo "$(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -n 1)"
  echo
  echo "| run | fresh data dir: ready (s) | RSS (MiB) | same data dir: ready (s) | RSS (MiB) |"
  echo "|---|---|---|---|---|"
  for i in $(seq 1 "$RUNS"); do
    data=$(mktemp -d)/data
    read -r s1 r1 < <(measure "$data")
    read -r s2 r2 < <(measure "$data")
    echo "| $i | $s1 | $r1 | $s2 | $r2 |"
    rm -rf "$(dirname "$data")"
  done
} | tee "$out"
