#!/usr/bin/env bash
# Tests the WebAssembly package where it runs: wasm-bindgen tests in Node and
# in headless Chromium, the Node suite and the scenario conformance against
# the built package, the TypeScript example, the browser suite (Driver, Web
# Worker), a quick size/speed run, and the fleet in WebAssembly against the
# native CLI. Builds the package first, installing
# what it needs (scripts/build-wasm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

bash scripts/build-wasm.sh

say "lints for wasm32 (cargo clippy -D warnings)"
cargo clippy -q --locked -p continuity-wasm -p continuity-wasm-shared -p continuity-wasm-tools --target wasm32-unknown-unknown --all-targets -- -D warnings

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
say "wasm-bindgen tests in Node"
cargo test --locked -p continuity-wasm -p continuity-wasm-tools --target wasm32-unknown-unknown
say "wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_USE_BROWSER=1 \
  cargo test --locked -p continuity-wasm -p continuity-wasm-tools --target wasm32-unknown-unknown

say "package tests in Node (API, bad input, drivers, scenario conformance)"
node --test wasm/tests/node

say "TypeScript example (tsc --noEmit)"
(cd wasm && node_modules/.bin/tsc -p tsconfig.json --noEmit)

say "package tests in headless Chromium (page, Driver, Web Worker)"
node --test wasm/tests/browser

say "the package in Vite and webpack 5 builds, and as published (npm pack)"
bash scripts/test-bundlers.sh

say "size and speed (quick)"
bash scripts/bench-wasm.sh --quick

say "the fleet natively and in WebAssembly: the same report (quick)"
bash scripts/bench-fleet.sh --quick
