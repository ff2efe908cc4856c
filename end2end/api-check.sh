#!/usr/bin/env bash
# `make api-check`: Schemathesis (from PyPI) against the live OpenAPI description of the
# release build, signed in as the demo resident and again as the demo planner. It fuzzes
# every operation and fails on any 5xx and on any answer that does not match the
# description (status code, content type, headers, body schema). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=target/release/mitreden
VENV=target/schemathesis
VERSION=$(sed -n 's/^schemathesis==//p' end2end/requirements-api.txt)
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q " $VERSION\$"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r end2end/requirements-api.txt
fi

data_dir=$(mktemp -d /tmp/mitreden-api-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:${port}"
# The fuzzer sends thousands of requests from one address: no rate limits here.
export MITREDEN_DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:${port}" RUST_LOG=error \
  MITREDEN_RATE_LIMIT=0 MITREDEN_RATE_LIMIT_ACCOUNT=0
unset DATABASE_URL MITREDEN_SMTP_URL MITREDEN_CONFIG
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

"$BIN" seed demo >/dev/null
"$BIN" serve >/dev/null 2>&1 &
pid=$!
until curl -fs "$base/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "server died" >&2; exit 1; fi
  sleep 0.05
done

token() {
  curl -fs -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"Mitreden-Demo-2026\"}" "$base/api/v1/auth/login" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

for account in bewohnerin@mitreden.test planung@mitreden.test; do
  echo "== Schemathesis as $account =="
  # Operations that would end the session the run signs in with are left out.
  "$VENV/bin/schemathesis" run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $(token "$account")" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${API_CHECK_EXAMPLES:-25}" \
    --exclude-path-regex '^/auth/logout' \
    --exclude-operation-id delete_me \
    --exclude-operation-id post_me_password \
    --exclude-operation-id post_me_email \
    --no-color
done
