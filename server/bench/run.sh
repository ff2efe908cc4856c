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
# The load comes from one address and a thousand accounts at a time: no API rate limits.
export MITREDEN_DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:${port}" RUST_LOG=warn \
  MITREDEN_RATE_LIMIT=0 MITREDEN_RATE_LIMIT_ACCOUNT=0
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
# What every first visit loads: the main wasm and the JS glue (with the split loader).
# Pages split off the main bundle load their chunks only when first shown.
scripts=0
for f in target/site/pkg/*.js; do scripts=$(( scripts + $(gz "$f") )); done
bundle=$(( $(gz "$wasm") + scripts ))
chunks=0; chunk_count=0; chunk_max=0
for f in target/site/pkg/*.wasm; do
  [ "$f" = "$wasm" ] && continue
  size=$(gz "$f"); chunks=$(( chunks + size )); chunk_count=$(( chunk_count + 1 ))
  [ "$size" -gt "$chunk_max" ] && chunk_max=$size
done

echo
echo "== Mitreden benchmark (release, SQLite, demo content, ${THREADS} wrk threads, ${CONNECTIONS} connections, ${DURATION}) =="
printf '%-34s %s\n' "ready after start" "${ready_ms} ms (budget 1000 ms)"
printf '%-34s %s\n' "idle RSS" "$(( idle_kb / 1024 )) MB (budget 60 MB)"
printf '%-34s %s\n' "start page GET /" "${rps} req/s, p50 ${p50}, p99 ${p99}"
printf '%-34s %s\n' "peak RSS under load" "$(( peak_kb / 1024 )) MB"
printf '%-34s %s\n' "wasm + JS, gzip" "$(( bundle / 1024 )) KB (budget 350 KB; wasm $(( $(gz "$wasm") / 1024 )) KB, JS $(( scripts / 1024 )) KB)"
printf '%-34s %s\n' "lazy chunks, gzip" "${chunk_count} files, $(( chunks / 1024 )) KB in all, largest $(( chunk_max / 1024 )) KB"
printf '%-34s %s\n' "CSS, gzip" "$(( $(gz "$css") / 1024 )) KB"
if [ -n "$errors" ]; then echo "errors during the run: $errors"; exit 1; fi

kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

# ---------- participation at scale: 10,000 proposals, 200,000 votes, 300 comments ----------
# measure LABEL PATH [LUA]: one wrk run, its figures on one line; fails on any non-2xx.
measure() {
  local label=$1 path=$2 script=${3:-} header=${4:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
  if [ -n "$script" ]; then args+=(-s "$script"); fi
  if [ -n "$header" ]; then args+=(-H "$header"); fi
  wrk "${args[@]}" -d2s "$base$path" >/dev/null
  local out
  out=$(wrk "${args[@]}" "$base$path")
  printf '%-34s %s req/s, p50 %s, p99 %s\n' "$label" \
    "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")"
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
    echo "errors during the run: $(grep 'Non-2xx\|Socket errors' <<<"$out")"; exit 1
  fi
}

vote_script=$(mktemp /tmp/mitreden-vote-XXXXXX.lua)
cat >"$vote_script" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local first = tonumber(os.getenv("BENCH_FIRST"))
local count = tonumber(os.getenv("BENCH_COUNT"))
local counter = 0
request = function()
  counter = counter + 1
  local token = tokens[math.random(#tokens)]
  local id = first + math.random(count) - 1
  -- Every other request withdraws, so the run exercises both paths.
  local method = (counter % 2 == 0) and "DELETE" or "PUT"
  return wrk.format(method, "/api/v1/proposals/" .. id .. "/vote",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    method == "PUT" and '{"value":1}' or "")
end
LUA

scale_run() {
  local backend=$1
  local tokens
  tokens=$(mktemp /tmp/mitreden-tokens-XXXXXX)
  local seeded
  seeded=$("$BIN" seed scale --users 2000 --proposals 10000 --votes 200000 --comments 300 --queue 5000 --tokens "$tokens")
  # A moderator for the queue page.
  printf 'Bench-Moderation-2026\n' | "$BIN" user create --email bench-moderation@example.org --role moderator >/dev/null
  local first
  first=$(sed -n 's/.* comments on proposal \([0-9]*\).*/\1/p' <<<"$seeded")
  "$BIN" serve >/dev/null 2>&1 &
  pid=$!
  until curl -fs "$base/readyz" >/dev/null 2>&1; do sleep 0.05; done
  echo
  echo "-- $backend: procedure with 10,000 proposals, 200,000 votes --"
  measure "proposal list page" "/verfahren/lasttest"
  local deep
  # The cursor of page 250 (5,000 proposals deep), followed page by page.
  deep=$(python3 - "$base" <<'PY'
import json, sys, urllib.parse, urllib.request
base, cursor = sys.argv[1], None
for _ in range(249):
    url = base + "/api/v1/procedures/lasttest/proposals?sort=supported"
    if cursor:
        url += "&cursor=" + urllib.parse.quote(cursor)
    cursor = json.load(urllib.request.urlopen(url))["next_cursor"]
print(cursor)
PY
)
  measure "list page, search \"Bäume\"" "/verfahren/lasttest?q=B%C3%A4ume"
  measure "list page 250 (5,000 deep)" "/verfahren/lasttest?sort=supported&cursor=$deep"
  measure "proposal page, 300 comments" "/vorschlaege/$first"
  local moderator
  moderator=$(curl -fs -H 'Content-Type: application/json' \
    -d '{"email":"bench-moderation@example.org","password":"Bench-Moderation-2026"}' \
    "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  measure "moderation queue, 5,000 open" "/moderation" "" "Cookie: mitreden_session=$moderator"
  BENCH_TOKENS=$tokens BENCH_FIRST=$first BENCH_COUNT=10000 measure "vote / unvote (PUT, DELETE)" "/" "$vote_script"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  rm -f "$tokens"
}

rm -rf "$data_dir"/*
scale_run "SQLite"

# ---------- a long discussion: one proposal with 250,000 comments ----------
rm -rf "$data_dir"/*
seeded=$("$BIN" seed scale --users 2000 --proposals 100 --votes 1000 --comments 250000)
long=$(sed -n 's/.* comments on proposal \([0-9]*\).*/\1/p' <<<"$seeded")
"$BIN" serve >/dev/null 2>&1 &
pid=$!
until curl -fs "$base/readyz" >/dev/null 2>&1; do sleep 0.05; done
curl -fs -o /dev/null "$base/"
before_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
echo
echo "-- SQLite: a proposal with 250,000 comments (target: first part p99 <= 50 ms, RSS unchanged) --"
measure "proposal page, first part" "/vorschlaege/$long"
measure "comments API, first part" "/api/v1/proposals/$long/comments"
after_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
printf '%-34s %s\n' "RSS before and after" "$(( before_kb / 1024 )) MB, $(( after_kb / 1024 )) MB"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

# ---------- exports at scale: 20,000 proposals, 1,000,000 votes ----------
rm -rf "$data_dir"/*
"$BIN" seed scale --users 5000 --proposals 20000 --votes 1000000 --comments 2000 >/dev/null
echo
echo "-- SQLite: export of a procedure with 20,000 proposals, 1,000,000 votes (target < 15 s, < 150 MB) --"
for format in csv json; do
  python3 - "$BIN" "$format" "$data_dir/export.$format" <<'PY'
import resource, subprocess, sys, time
binary, fmt, out = sys.argv[1:4]
start = time.monotonic()
subprocess.run([binary, "export", "lasttest", "--format", fmt, "--out", out],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{'export ' + fmt:<34} {elapsed:.1f} s, peak RSS {peak} MB")
PY
done
# The planners' dashboard counts these figures live (the public page caches final results).
printf 'Bench-Planung-2026\n' | "$BIN" user create --email bench-planung@example.org --role planner >/dev/null
"$BIN" serve >/dev/null 2>&1 &
pid=$!
until curl -fs "$base/readyz" >/dev/null 2>&1; do sleep 0.05; done
planner=$(curl -fs -H 'Content-Type: application/json' \
  -d '{"email":"bench-planung@example.org","password":"Bench-Planung-2026"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
times=""
for _ in 1 2 3 4 5; do
  times="$times $(curl -fs -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $planner" \
    "$base/api/v1/procedures/lasttest/results")"
done
printf '%-34s %s\n' "results, counted live" "$(python3 -c 'import sys; t=sorted(float(x) for x in sys.argv[1:]); print(f"median {t[2]*1000:.0f} ms of 5 requests")' $times)"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
rm -rf "$data_dir"/*

if pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_db="mitreden_bench_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pg_db" postgres
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pg_db"
  scale_run "PostgreSQL"
  unset DATABASE_URL
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $pg_db WITH (FORCE)" postgres
else
  echo "(PostgreSQL figures skipped: nothing answers on 127.0.0.1:5432)"
fi
rm -f "$vote_script"
