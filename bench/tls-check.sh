#!/usr/bin/env bash
# TLS check of a freshly started broker: openssl probes for TLS 1.1/1.2/1.3 and testssl.sh
# (Debian package testssl.sh) with findings of severity HIGH or above. Prints a summary and
# writes testssl's full output to bench/results/testssl-<date>.txt.
#   bench/tls-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v testssl >/dev/null || { echo "install testssl.sh first: apt-get install -y testssl.sh" >&2; exit 1; }
[ -f broker-web/target/broker.jar ] || mvn -B -q -ntp -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
data=$(mktemp -d)/data; https=$(free_port); http=$(free_port); log=$(mktemp)
BROKER_DATA_DIR=$data BROKER_HTTPS_PORT=$https BROKER_HTTP_PORT=$http java -jar broker-web/target/broker.jar >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$(dirname "$data")" "$log"' EXIT
for _ in $(seq 1 600); do grep -q 'broker: ready at' "$log" && break; kill -0 $pid || { cat "$log"; exit 1; }; sleep 0.2; done
for v in tls1_1 tls1_2 tls1_3; do
  printf '%-7s ' "$v"; echo | timeout 10 openssl s_client -connect "127.0.0.1:$https" -"$v" 2>&1 | grep -m1 -E 'Cipher is' || true
done
printf 'http    '; curl -s -o /dev/null -w '%{http_code} -> %{redirect_url}\n' "http://127.0.0.1:$http/health/ready"
mkdir -p bench/results
out=bench/results/testssl-$(date -u +%Y-%m-%d).txt
testssl --quiet --color 0 --warnings off "127.0.0.1:$https" > "$out" 2>&1 || true
echo "testssl findings of severity HIGH or CRITICAL (self-signed certificate findings expected):"
grep -E 'HIGH|CRITICAL|NOT ok' "$out" || echo "  none"
