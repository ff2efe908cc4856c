# Mitreden: `make run` serves the platform, `make test` runs every test.
# Both set up whatever this machine lacks first, and do nothing more when it has it.

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130

# wasm-opt comes pinned from end2end/node_modules (npm binaryen); cargo-leptos uses the
# first one on PATH and would otherwise try to download one.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Compile-time name of the wasm bundle; the same for every cargo invocation, so cargo
# never rebuilds leptos because it changed.
export LEPTOS_OUTPUT_NAME := mitreden
export CARGO_TERM_COLOR := never
# The release build erases component types (Leptos' erase_components: each component
# returns an AnyView), which cuts the wasm by about a quarter. Server and browser must be
# built alike or hydration fails, so it is set for the whole `cargo leptos build` (and
# only there: the test and clippy builds keep their own artifacts).
RELEASE_RUSTFLAGS := --cfg erase_components

# The map pages' Leaflet (npm, see end2end/package.json).
LEAFLET := end2end/node_modules/leaflet

# The site's files that get gzip and Brotli siblings (`make build`), as shell globs.
COMPRESSED := target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css \
	target/site/map/*.js target/site/map/*.css

PG_SERVER ?= postgres://postgres@127.0.0.1:5432
PG_URL ?= $(PG_SERVER)/postgres
RELEASE_BIN := target/release/mitreden

.PHONY: run build test bench fuzz setup tools npm system-packages fmt lint unit integration-postgres e2e api-check budget-check clean help

help:
	@echo "make run    build and serve http://127.0.0.1:3000 with SQLite and demo content"
	@echo "make test   formatting, clippy (ssr + hydrate), unit, integration (SQLite + PostgreSQL), end-to-end"
	@echo "make build  release binary $(RELEASE_BIN) and the site under target/site"
	@echo "make bench  load test of the release build, with figures"
	@echo "make fuzz   every parser of hostile input, MITREDEN_FUZZ_SECS (60) seconds each"

## ---------- set-up (idempotent) ----------

setup: tools npm

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@cargo leptos --version 2>/dev/null | grep -q ' $(CARGO_LEPTOS_VERSION)$$' \
		|| cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	@# Without --locked: its lockfile names a crate version the registry no longer has.
	@wasm-bindgen --version 2>/dev/null | grep -q ' $(WASM_BINDGEN_VERSION)$$' \
		|| cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

npm: end2end/node_modules/.package-lock.json

end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund
	@touch $@

# Debian packages the tests and benchmarks drive: Chromium, the PostgreSQL client, wrk,
# pdftotext (poppler-utils), which reads the PDF report back in the tests, and Python's
# venv for Schemathesis.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pg_isready >/dev/null || missing="$$missing postgresql-client"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" -ne 0 ]; then echo "please install:$$missing"; exit 1; fi; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

## ---------- build and run ----------

build: setup
	RUSTFLAGS="$(RELEASE_RUSTFLAGS)" cargo leptos build --release --split
	@# Leaflet for the map pages (beside style/public/map/map.js), with its licence.
	mkdir -p target/site/map
	cp $(LEAFLET)/dist/leaflet.js $(LEAFLET)/dist/leaflet.css target/site/map/
	cp $(LEAFLET)/LICENSE target/site/map/leaflet-LICENSE.txt
	@# Precompressed siblings, gzip and Brotli: the server sends them as they are.
	gzip -k -9 -f $(COMPRESSED)
	node end2end/precompress.mjs $(COMPRESSED)

run: build
	$(RELEASE_BIN) seed demo --if-empty
	$(RELEASE_BIN) serve

## ---------- tests ----------

fmt:
	cargo fmt --all --check

lint:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

# Unit tests and the integration suite on SQLite.
unit:
	cargo test --workspace

# The integration suite again on PostgreSQL. Required in CI; skipped loudly elsewhere
# when no server answers.
integration-postgres:
	@if pg_isready -q -h 127.0.0.1 -p 5432; then \
		MITREDEN_TEST_BACKEND=postgres MITREDEN_TEST_PG_URL=$(PG_URL) cargo test -p server --test it; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL on 127.0.0.1:5432 is required in CI but does not answer"; exit 1; \
	else \
		echo; echo "!!!!! SKIPPED: the PostgreSQL integration leg (nothing answers on 127.0.0.1:5432) !!!!!"; echo; \
	fi

# The whole suite on SQLite; then the journeys (the click paths of every role) once more on
# PostgreSQL, each server with a database of its own (required in CI).
e2e: build system-packages
	cd end2end && npm test
	@if pg_isready -q -h 127.0.0.1 -p 5432; then \
		cd end2end && MITREDEN_E2E_POSTGRES=$(PG_SERVER) node --test --test-concurrency=1 tests/journeys.test.js tests/instances.test.js; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL on 127.0.0.1:5432 is required in CI but does not answer"; exit 1; \
	else \
		echo; echo "!!!!! SKIPPED: the journeys on PostgreSQL (nothing answers on 127.0.0.1:5432) !!!!!"; echo; \
	fi

# Schemathesis (PyPI, pinned in end2end/requirements-api.txt, installed into target/) fuzzes
# the live API against its OpenAPI description.
api-check: build system-packages
	bash end2end/api-check.sh

# The budget's counting against the reference implementation pabutools (PyPI, pinned in
# end2end/requirements-budget.txt, installed into target/): examples and 200 random instances.
budget-check: build system-packages
	bash end2end/budget-check.sh

test: setup system-packages fmt lint unit integration-postgres e2e api-check budget-check

## ---------- fuzzing ----------

# The fuzz targets of app/src/backend/fuzz.rs (Markdown, raw-text escaping, tokens, CSV
# import, logo, forwarded addresses, OParl documents), each for MITREDEN_FUZZ_SECS seconds;
# prints executions and findings. `make test` runs them for a moment each.
MITREDEN_FUZZ_SECS ?= 60
fuzz:
	MITREDEN_FUZZ_SECS=$(MITREDEN_FUZZ_SECS) cargo test --workspace --lib backend::fuzz -- --ignored --nocapture

## ---------- benchmarks ----------

bench: build system-packages
	bash server/bench/run.sh

clean:
	cargo clean
	rm -rf end2end/node_modules
