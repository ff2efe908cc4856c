#!/usr/bin/env bash
# `make bench`: the release build under load from wrk, on loopback only, on SQLite and (when
# it answers on 127.0.0.1:5432) PostgreSQL. Prints start-up, memory and bundle figures, then
# one table: scenario, backend, requests/s, p50, p99, errors, server peak RSS, and the ratio
# to a static file served by the same server in the same run.
#
#   BENCH_SCALE=madrid (default)  500,000 accounts, 30,000 proposals, 5,000,000 votes,
#                                 250,000 comments on one proposal, 300 on another,
#                                 5,000 open moderation items (`seed scale --madrid`)
#   BENCH_SCALE=small             2,000 accounts, 1,000 proposals, 20,000 votes, 2,000 and
#                                 300 comments, 1,000 open items: a quick run
#   BENCH_DURATION (5s), BENCH_CONNECTIONS (16)
#   BENCH_ONLY                    an extended regular expression: only the scenarios whose
#                                 label matches (and the static file, the rows' yardstick),
#                                 e.g. BENCH_ONLY='map|search'
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=target/release/mitreden
SCALE=${BENCH_SCALE:-madrid}
DURATION=${BENCH_DURATION:-5s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=2
case "$SCALE" in
  madrid) seed_args=(--madrid) ;;
  small) seed_args=(--users 2000 --proposals 1000 --votes 20000 --comments 2000 --discussion 300 --queue 1000 --places) ;;
  *) echo "BENCH_SCALE is madrid or small" >&2; exit 2 ;;
esac

data_dir=$(mktemp -d /tmp/mitreden-bench-XXXXXX)
work=$(mktemp -d /tmp/mitreden-bench-work-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:${port}"
# The load comes from one address and thousands of accounts at a time: no API rate limits.
# Pages are rendered for every request (no page memory), except in the rows that say so.
export MITREDEN_DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:${port}" RUST_LOG=warn \
  MITREDEN_RATE_LIMIT=0 MITREDEN_RATE_LIMIT_ACCOUNT=0 MITREDEN_PAGE_MEMORY_MS=0
unset DATABASE_URL
pid=""
pg_db=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" postgres || true; fi
  rm -rf "$data_dir" "$work"
}
trap cleanup EXIT

start_server() {
  "$BIN" serve >/dev/null 2>"$work/server.log" &
  pid=$!
  until curl -fs "$base/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/server.log" >&2; echo "server died" >&2; exit 1; fi
    sleep 0.05
  done
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
rss_mb() { awk -v key="$1" '$1 == key":" {print int($2 / 1024)}' "/proc/$pid/status"; }

# ---------- start-up, memory, bundle (demo content) ----------
"$BIN" seed demo >/dev/null
start_ns=$(date +%s%N)
start_server
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 1
idle_mb=$(rss_mb VmRSS)
stop_server

gz() { gzip -9 -c "$1" | wc -c; }
# The Brotli sibling `make build` wrote (what a browser on HTTPS is sent).
br() { wc -c <"$1.br"; }
wasm=target/site/pkg/mitreden.wasm
scripts=0; scripts_br=0
for f in target/site/pkg/*.js; do
  scripts=$(( scripts + $(gz "$f") )); scripts_br=$(( scripts_br + $(br "$f") ))
done
bundle=$(( $(gz "$wasm") + scripts ))
bundle_br=$(( $(br "$wasm") + scripts_br ))
chunks=0; chunk_count=0; chunk_max=0
for f in target/site/pkg/*.wasm; do
  [ "$f" = "$wasm" ] && continue
  size=$(gz "$f"); chunks=$(( chunks + size )); chunk_count=$(( chunk_count + 1 ))
  [ "$size" -gt "$chunk_max" ] && chunk_max=$size
done
echo
echo "== Mitreden benchmark: release build, ${THREADS} wrk threads, ${CONNECTIONS} connections, ${DURATION} per scenario, scale ${SCALE} =="
printf '%-28s %s\n' "ready after start" "${ready_ms} ms (budget 1000 ms)"
printf '%-28s %s\n' "idle RSS" "${idle_mb} MB (budget 60 MB)"
printf '%-28s %s\n' "first visit: wasm + JS gzip" "$(( bundle / 1024 )) KB (budget 350 KB; wasm $(( $(gz "$wasm") / 1024 )) KB, JS $(( scripts / 1024 )) KB)"
printf '%-28s %s\n' "first visit: as Brotli" "$(( bundle_br / 1024 )) KB (wasm $(( $(br "$wasm") / 1024 )) KB, JS $(( scripts_br / 1024 )) KB)"
printf '%-28s %s\n' "lazy chunks, gzip" "${chunk_count} files, $(( chunks / 1024 )) KB in all, largest $(( chunk_max / 1024 )) KB"
printf '%-28s %s\n' "CSS, gzip" "$(( $(gz target/site/pkg/mitreden.css) / 1024 )) KB"

# ---------- the table ----------
table="$work/table"
: >"$table"
static_rps=""

# wanted LABEL: whether BENCH_ONLY (if set) asks for this scenario.
wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ "$1" =~ $BENCH_ONLY ]]; }

# measure LABEL PATH [LUA] [HEADER] [CONNECTIONS]: one wrk run, one row of the table.
measure() {
  local label=$1 path=$2 script=${3:-} header=${4:-} connections=${5:-$CONNECTIONS}
  if [ -n "$static_rps" ] && ! wanted "$label"; then return 0; fi
  local args=(-t"$THREADS" -c"$connections" --latency --timeout 10s)
  if [ -n "$script" ]; then args+=(-s "$script"); fi
  if [ -n "$header" ]; then args+=(-H "$header"); fi
  wrk "${args[@]}" -d1s "$base$path" >/dev/null
  local out rps p50 p99 errors ratio
  out=$(wrk "${args[@]}" -d"$DURATION" "$base$path")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
  if [ -z "$static_rps" ]; then static_rps=$rps; fi
  ratio=$(python3 -c "print(f'{float($rps) / float($static_rps) * 100:.1f} %')")
  printf '%-34s|%-10s|%10s|%9s|%9s|%6s|%7s MB|%8s\n' "$label" "$backend" "$rps" "$p50" "$p99" "$errors" "$(rss_mb VmHWM)" "$ratio" >>"$table"
}

# wrk gives each thread its own Lua state, and every state's math.random starts from the
# same seed: unseeded, the threads send the same requests in the same order, so half the
# votes would be one person's duplicate racing its twin. Each thread seeds its own.
seeding='local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
function init(args)
  math.randomseed(thread_number * 7919 + os.time())
end'
vote_script="$work/vote.lua"
{ printf '%s\n' "$seeding"; cat <<'LUA'
-- Each request a random resident of the 2,000 votes for a random proposal, or takes the
-- vote back: both paths, from many distinct accounts.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  if #tokens < 2000 then tokens[#tokens + 1] = line end
end
local first = tonumber(os.getenv("BENCH_FIRST"))
local count = tonumber(os.getenv("BENCH_COUNT"))
local counter = 0
request = function()
  counter = counter + 1
  local token = tokens[math.random(#tokens)]
  local id = first + math.random(count) - 1
  local method = (counter % 2 == 0) and "DELETE" or "PUT"
  return wrk.format(method, "/api/v1/proposals/" .. id .. "/vote",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    method == "PUT" and '{"value":1}' or "")
end
LUA
} >"$vote_script"
comment_script="$work/comment.lua"
{ printf '%s\n' "$seeding"; cat <<'LUA'
-- Residents comment on the proposal with the common-size discussion.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local target = os.getenv("BENCH_TARGET")
local counter = 0
request = function()
  counter = counter + 1
  local token = tokens[math.random(#tokens)]
  return wrk.format("POST", "/api/v1/proposals/" .. target .. "/comments",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    '{"body":"Lasttest-Kommentar ' .. counter .. ' ' .. math.random(1000000000) .. ': mehr Bäume bitte."}')
end
LUA
} >"$comment_script"

login() {
  curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" \
    "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# The cursor of list page N (of 20 proposals each), followed page by page through the API.
cursor_of_page() {
  python3 - "$base" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
base, pages, cursor = sys.argv[1], int(sys.argv[2]), None
for _ in range(pages - 1):
    url = base + "/api/v1/procedures/lasttest/proposals?sort=newest"
    if cursor:
        url += "&cursor=" + urllib.parse.quote(cursor)
    cursor = json.load(urllib.request.urlopen(url))["next_cursor"]
    if cursor is None:
        break
print(urllib.parse.quote(cursor or ""))
PY
}

# ballots LINE PART RATE: residents submit budget ballots, each a distinct resident: save
# the ballot (PUT), then submit it (POST), 16 at a time. PART is the first or second half of
# the tokens (up to 5,000: each resident votes once); RATE is ballots a minute to pace them
# at, 0 for as fast as the server takes them. One row: both requests' rate, p50 and p99;
# the ballots a minute reached go to the lines above the table.
ballots() {
  local line=$1 part=$2 rate=$3 label out
  wanted "ballots" || return 0
  out=$(python3 - "$base" "$work/tokens" "$line" "$CONNECTIONS" "$part" "$rate" <<'PY'
import http.client, json, random, sys, threading, time
base, tokens_file, line = sys.argv[1], sys.argv[2], sys.argv[3]
workers, part, rate = int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
host, port = base.removeprefix("http://").split(":")
budget = line.split()[1].rstrip(":")
projects = [int(p) for p in line.split()[3].split(",")]
tokens = open(tokens_file).read().split()
half = len(tokens) // 2
tokens = tokens[:half] if part == "first" else tokens[half:]
latencies, errors, lock = [], [0], threading.Lock()
begin = time.perf_counter()
def work(index, mine):
    conn = http.client.HTTPConnection(host, int(port))
    rng = random.Random(index)
    for k, token in enumerate(mine):
        if rate > 0:
            # The k-th resident of this worker is due at its share of the overall pace.
            due = begin + (k * workers + index) * 60.0 / rate
            time.sleep(max(0.0, due - time.perf_counter()))
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        choice = rng.sample(projects, rng.randint(1, 5))
        for method, path, body in (
            ("PUT", f"/api/v1/budgets/{budget}/ballot", json.dumps({"project_ids": choice})),
            ("POST", f"/api/v1/budgets/{budget}/ballot/submit", "{}"),
        ):
            start = time.perf_counter()
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                if response.status >= 300:
                    errors[0] += 1
threads = [threading.Thread(target=work, args=(i, tokens[i::workers])) for i in range(workers)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - begin
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"{len(tokens)} {len(latencies) / elapsed:.1f} {pick(0.5):.2f}ms {pick(0.99):.2f}ms {errors[0]} {len(tokens) / elapsed * 60:.0f}")
PY
)
  local residents rps p50 p99 errors per_minute ratio
  read -r residents rps p50 p99 errors per_minute <<<"$out"
  ratio=$(python3 -c "print(f'{float($rps) / float($static_rps) * 100:.1f} %')")
  if [ "$rate" = 0 ]; then label="ballots, flat out"; else label="ballots, paced at ${rate}/min"; fi
  printf '%-28s %s\n' "$label, $backend" "${residents} residents, ${per_minute} ballots a minute"
  printf '%-34s|%-10s|%10s|%9s|%9s|%6s|%7s MB|%8s\n' "$label" "$backend" "$rps" "$p50" "$p99" "$errors" "$(rss_mb VmHWM)" "$ratio" >>"$table"
}

run_backend() {
  backend=$1
  static_rps=""
  rm -rf "${data_dir:?}"/*
  local seeded seed_start seed_s
  seed_start=$(date +%s)
  seeded=$("$BIN" seed scale "${seed_args[@]}" --tokens "$work/tokens")
  seed_s=$(( $(date +%s) - seed_start ))
  printf '%-28s %s\n' "seed scale, $backend" "${seed_s} s: $seeded"
  printf 'Bench-Moderation-2026\n' | "$BIN" user create --email bench-moderation@example.org --role moderator >/dev/null
  printf 'Bench-Planung-2026\n' | "$BIN" user create --email bench-planung@example.org --role planner >/dev/null
  local long discussion count budget_line
  long=$(sed -n 's/.* comments on proposal \([0-9]*\),.*/\1/p' <<<"$seeded")
  discussion=$(sed -n 's/.* on proposal \([0-9]*\)$/\1/p' <<<"$seeded")
  count=$(sed -n 's/.*, \([0-9]*\) proposals,.*/\1/p' <<<"$seeded")
  budget_line=$(grep '^budget ' <<<"$seeded")
  start_server
  local moderator planner deep
  moderator=$(login bench-moderation@example.org Bench-Moderation-2026)
  planner=$(login bench-planung@example.org Bench-Planung-2026)
  deep=$(cursor_of_page $(( count / 20 < 1000 ? count / 20 : 1000 )))

  measure "static file (CSS)" "/pkg/mitreden.css"
  measure "start page" "/"
  measure "procedure page (list, default)" "/verfahren/lasttest"
  measure "list, newest" "/verfahren/lasttest?sort=newest"
  measure "list, most supported" "/verfahren/lasttest?sort=supported"
  measure "list, most discussed" "/verfahren/lasttest?sort=discussed"
  measure "list, random" "/verfahren/lasttest?sort=random"
  measure "list, page 1,000 by cursor" "/verfahren/lasttest?sort=newest&cursor=$deep"
  measure "list, search \"Bäume\"" "/verfahren/lasttest?q=B%C3%A4ume"
  measure "proposals API, first page" "/api/v1/procedures/lasttest/proposals"
  measure "map data, GeoJSON (first 1,000)" "/api/v1/procedures/lasttest/proposals.geojson"
  measure "map clusters, whole city (zoom 12)" "/api/v1/procedures/lasttest/proposals/clusters?zoom=12"
  measure "map clusters, a view at zoom 15" "/api/v1/procedures/lasttest/proposals/clusters?zoom=15&bbox=9.16,48.77,9.19,48.79"
  measure "map of a proposal (SVG)" "/karten/vorschlaege/$discussion"
  measure "proposal page, 300 comments" "/vorschlaege/$discussion"
  measure "proposal page, 250,000 comments" "/vorschlaege/$long"
  measure "comments API, 250,000 comments" "/api/v1/proposals/$long/comments"
  measure "moderation queue" "/moderation" "" "Cookie: mitreden_session=$moderator"
  measure "results page (planner, live)" "/verwaltung/verfahren/lasttest/ergebnisse" "" "Cookie: mitreden_session=$planner" 2
  measure "results API (planner, live)" "/api/v1/procedures/lasttest/results" "" "Authorization: Bearer $planner" 2
  # The results page's picture: the page's figures, as the page keeps them.
  measure "map by district (planner, SVG)" "/karten/verfahren/lasttest/ergebnis" "" "Cookie: mitreden_session=$planner"
  BENCH_TOKENS="$work/tokens" BENCH_FIRST=$long BENCH_COUNT=$count \
    measure "votes, 2,000 residents" "/" "$vote_script"
  BENCH_TOKENS="$work/tokens" BENCH_TARGET=$discussion \
    measure "comment posting" "/" "$comment_script"
  ballots "$budget_line" first 0
  ballots "$budget_line" second 5000
  printf '%-34s|%-10s|%10s|%9s|%9s|%6s|%7s MB|%8s\n' "RSS at the end (target <= 150 MB)" "$backend" "" "" "" "" "$(rss_mb VmRSS)" "" >>"$table"
  stop_server

  # As configured by default: anonymous pages kept in memory for a second.
  MITREDEN_PAGE_MEMORY_MS=1000 start_server
  measure "start page, kept a second" "/"
  measure "proposal page, 300, kept a second" "/vorschlaege/$discussion"
  stop_server

  # The whole procedure as CSV (every proposal, its tallies and outcome).
  wanted "CSV export" || return 0
  python3 - "$BIN" "$work/export.csv" "$backend" >>"$table" <<'PY'
import resource, subprocess, sys, time
binary, out, backend = sys.argv[1:4]
start = time.monotonic()
subprocess.run([binary, "export", "lasttest", "--format", "csv", "--out", out],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{'CSV export (CLI; p99 = its time)':<34}|{backend:<10}|{'':>10}|{'':>9}|{f'{elapsed:.1f}s':>9}|{'0':>6}|{peak:>7} MB|")
PY
}

run_backend SQLite
if pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_db="mitreden_bench_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pg_db" postgres
  # Over loopback, as a server on the database's own machine would connect (or by its
  # socket): without TLS, which the driver otherwise negotiates where the server offers it
  # (Debian's does), at 10-15 % of the votes' throughput on these two cores.
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pg_db?sslmode=disable"
  run_backend PostgreSQL
  unset DATABASE_URL
else
  echo "(PostgreSQL skipped: nothing answers on 127.0.0.1:5432)"
fi

# Counting a budget: 100,000 ballots over 300 projects (5 to 10 choices each), from its
# ballot file, by greedy and by Equal Shares (the CLI does both; p99 = its time).
if wanted "budget count"; then
python3 - "$BIN" "$work/budget.pb" >>"$table" <<'PY'
import random, resource, subprocess, sys, time
binary, path = sys.argv[1:3]
rng = random.Random(7)
costs = [rng.randint(5_000, 400_000) for _ in range(300)]
with open(path, "w") as f:
    f.write("META\nkey;value\nbudget;5000000\nvote_type;approval\nrule;equalshares\n")
    f.write("PROJECTS\nproject_id;cost\n")
    f.writelines(f"{i + 1};{c}\n" for i, c in enumerate(costs))
    f.write("VOTES\nvoter_id;vote\n")
    weights = [rng.random() ** 3 for _ in costs]
    for n in range(100_000):
        chosen = set(rng.choices(range(300), weights, k=rng.randint(5, 10)))
        f.write(f"{n + 1};{','.join(str(p + 1) for p in sorted(chosen))}\n")
start = time.monotonic()
subprocess.run([binary, "budget-count", path], check=True, stdout=subprocess.DEVNULL)
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{'budget count, 100k ballots (CLI)':<34}|{'-':<10}|{'':>10}|{'':>9}|{f'{elapsed:.1f}s':>9}|{'0':>6}|{peak:>7} MB|")
PY
fi

echo
# Each scenario's rows side by side, in the order they ran.
python3 - "$table" <<'PY'
import sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1]) if line.strip()]
order = []
for row in rows:
    if row[0] not in order:
        order.append(row[0])
print(f"{'scenario':<34}|{'backend':<10}|{'req/s':>10}|{'p50':>9}|{'p99':>9}|{'errors':>6}|{'peak RSS':>10}|{'vs static':>8}")
for name in order:
    for row in rows:
        if row[0] == name:
            print("|".join(row))
PY
if awk -F'|' '$6 + 0 > 0 { bad = 1 } END { exit !bad }' "$table"; then
  echo "errors during the run" >&2
  exit 1
fi
