#!/usr/bin/env bash
# `make bench`: the release build under a fixed load from wrk, on loopback only.
# Prints start-up time, idle and peak memory, throughput and latency, and bundle sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=target/release/mitreden
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=2

data_dir=$(mktemp -d /tmp/mitreden-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:${port}"
export MITREDEN_DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:${port}" RUST_LOG=warn
unset DATABASE_URL
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

"$BIN" seed demo >/dev/null

# Ready time: from exec to the first 200 from /readyz (database opened and migrated).
start_ns=$(date +%s%N)
"$BIN" serve >/dev/null 2>&1 &
pid=$!
until curl -fs "$base/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "server died" >&2; exit 1; fi
  sleep 0.005
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 1
idle_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")

# Warm-up, then the measured run.
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$base/" >/dev/null
report=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base/")
peak_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")

rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$report")
p50=$(awk '$1 == "50%" {print $2}' <<<"$report")
p99=$(awk '$1 == "99%" {print $2}' <<<"$report")
errors=$(awk '/Non-2xx|Socket errors/' <<<"$report")

gz() { gzip -9 -c "$1" | wc -c; }
wasm=target/site/pkg/mitreden.wasm
js=target/site/pkg/mitreden.js
css=target/site/pkg/mitreden.css
bundle=$(( $(gz "$wasm") + $(gz "$js") ))

echo
echo "== Mitreden benchmark (release, SQLite, demo content, ${THREADS} wrk threads, ${CONNECTIONS} connections, ${DURATION}) =="
printf '%-34s %s\n' "ready after start" "${ready_ms} ms (budget 1000 ms)"
printf '%-34s %s\n' "idle RSS" "$(( idle_kb / 1024 )) MB (budget 60 MB)"
printf '%-34s %s\n' "start page GET /" "${rps} req/s, p50 ${p50}, p99 ${p99}"
printf '%-34s %s\n' "peak RSS under load" "$(( peak_kb / 1024 )) MB"
printf '%-34s %s\n' "wasm + JS, gzip" "$(( bundle / 1024 )) KB (budget 350 KB; wasm $(( $(gz "$wasm") / 1024 )) KB, JS $(( $(gz "$js") / 1024 )) KB)"
printf '%-34s %s\n' "CSS, gzip" "$(( $(gz "$css") / 1024 )) KB"
if [ -n "$errors" ]; then echo "errors during the run: $errors"; exit 1; fi
