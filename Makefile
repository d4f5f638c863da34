# provlens: `make serve` builds and serves the app, `make test` is exactly what CI runs.
# Tool versions live in tools/versions.env; everything missing is installed, nothing is
# downloaded by Trunk itself (Trunk.toml sets offline = true).

include tools/versions.env

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export DEBIAN_FRONTEND := noninteractive

PORT ?= 8080
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
BROWSER_TESTS := browser
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The release wasm names each dependency's source files by a path relative to the registry, not
# by this machine's cargo home: the module is then the same wherever it is built (its size budget
# is asserted), and it carries no path of the machine that built it.
CARGO_REGISTRY_SRC := $(or $(CARGO_HOME),$(HOME)/.cargo)/registry/src
TRUNK_RELEASE := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--remap-path-prefix=$(CARGO_REGISTRY_SRC)=registry' \
	trunk build --release

header = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: serve dist test bench bench-browser tools node-tools browser fetch fuzz-tools fuzz fuzz-smoke \
	fmt clippy test-native test-browser build-release e2e clean

serve: tools fetch
	$(call header,Release build into dist/)
	$(TRUNK_RELEASE)
	node tools/single-file.mjs dist
	$(call header,Serving dist/)
	node tools/serve.mjs dist $(PORT)

dist: tools fetch
	$(call header,Release build into dist/ and the single file dist/provlens.html)
	$(TRUNK_RELEASE)
	node tools/single-file.mjs dist

test: browser tools fetch fmt clippy test-native fuzz-smoke test-browser build-release e2e
	$(call header,All checks passed)

# Benchmarks print figures; they assert nothing. DuckDB (pinned in bench/requirements.txt) is
# the yardstick for `provlens summary` on a generated 76k-event portal JSON.
bench:
	$(call header,Native benchmarks)
	cargo bench --bench ingest
	$(call header,provlens summary against DuckDB)
	cargo build --profile native --bin provlens
	rm -rf target/bench-data && target/native/provlens gen --format portal-json --events 76000 --days 14 -o target/bench-data
	python3 -m pip install --quiet -r bench/requirements.txt
	python3 bench/duckdb_compare.py target/bench-data/ProvisioningLogs.json target/native/provlens
	$(MAKE) --no-print-directory bench-browser

# A filter change on one million events, answered by the worker's code in headless Chromium,
# built with the release profile the app ships with.
bench-browser: browser
	$(call header,Browser benchmark (wasm in headless Chromium))
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CHROMEDRIVER=$(CHROMEDRIVER) \
	cargo test --release --target wasm32-unknown-unknown --test browser_bench -- --nocapture

# --- tools -------------------------------------------------------------------------------

tools: node-tools
	$(call header,Rust tools)
	@if rustup target list --installed | grep -qx wasm32-unknown-unknown; then \
		echo "wasm32-unknown-unknown target: present"; \
	else rustup target add wasm32-unknown-unknown; fi
	@if [ "$$(trunk --version 2>/dev/null)" = "trunk $(TRUNK_VERSION)" ]; then \
		echo "trunk $(TRUNK_VERSION): present"; \
	else cargo install --locked trunk --version $(TRUNK_VERSION); fi
	@# wasm-bindgen-cli cannot be installed with --locked (its lockfile wants a crate the
	@# registry no longer has).
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
		echo "wasm-bindgen $(WASM_BINDGEN_VERSION): present"; \
	else cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@locked=$$(grep -A1 '^name = "wasm-bindgen"$$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p'); \
	if [ "$$locked" != "$(WASM_BINDGEN_VERSION)" ]; then \
		echo "Cargo.lock has wasm-bindgen $$locked but tools/versions.env pins $(WASM_BINDGEN_VERSION)"; \
		exit 1; \
	fi

fuzz-tools:
	$(call header,cargo-fuzz $(CARGO_FUZZ_VERSION))
	@if [ "$$(cargo fuzz --version 2>/dev/null)" = "cargo-fuzz $(CARGO_FUZZ_VERSION)" ]; then \
		echo "cargo-fuzz $(CARGO_FUZZ_VERSION): present"; \
	else cargo install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION); fi

node-tools:
	$(call header,Node tools (binaryen $(BINARYEN_VERSION), playwright-core $(PLAYWRIGHT_CORE_VERSION)))
	@# npm ci writes node_modules/.package-lock.json; when it is older than package-lock.json
	@# a dependency was added or changed since the last install.
	@if [ "$$(wasm-opt --version 2>/dev/null)" = "wasm-opt version $(BINARYEN_VERSION) (version_$(BINARYEN_VERSION))" ] \
		&& [ node_modules/.package-lock.json -nt package-lock.json ] \
		&& npm ls --depth=0 > /dev/null 2>&1; then \
		echo "node_modules: present"; \
	else npm ci --no-audit --no-fund; fi

browser:
	$(call header,Chromium and chromedriver)
	@if [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ]; then \
		echo "chromium: present"; \
	else $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; fi

fetch:
	$(call header,cargo fetch)
	cargo fetch

# --- checks ------------------------------------------------------------------------------

fmt:
	$(call header,cargo fmt --check)
	cargo fmt --all -- --check

clippy:
	$(call header,clippy (native))
	cargo clippy --workspace --all-targets -- -D warnings
	$(call header,clippy (wasm32))
	cargo clippy --workspace --target wasm32-unknown-unknown --all-targets -- -D warnings

test-native:
	$(call header,Native tests (core logic, core purity))
	cargo test --workspace

test-browser:
	$(call header,wasm-bindgen tests in headless Chromium)
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CHROMEDRIVER=$(CHROMEDRIVER) \
	cargo test --target wasm32-unknown-unknown $(addprefix --test ,$(BROWSER_TESTS))

build-release:
	$(call header,Release build (trunk build --release) and dist/provlens.html)
	$(TRUNK_RELEASE)
	node tools/single-file.mjs dist
	@ls -l dist/*.wasm dist/provlens.html

e2e:
	$(call header,End-to-end tests (Playwright, system Chromium))
	CHROMIUM=$(CHROMIUM) node --test e2e/

# Fuzzing (libFuzzer via cargo-fuzz; see tools/fuzz.sh): `make fuzz` runs every target for
# FUZZ_SECONDS (60 s each by default, about 6 minutes with the build); `make fuzz-smoke`, part of
# `make test`, runs each for 4 s so that a crash on the seeds or nearby shows in CI.
FUZZ_SECONDS ?= 60

fuzz: fuzz-tools
	$(call header,Fuzzing each target for $(FUZZ_SECONDS) s)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh

fuzz-smoke: fuzz-tools
	$(call header,Fuzzing each target for 4 s)
	FUZZ_SECONDS=4 tools/fuzz.sh

clean:
	rm -rf dist e2e/out
