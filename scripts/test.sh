#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first.
# This is the command the README quotes and CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

bash scripts/setup.sh

say "formatting (cargo fmt --check)"
cargo fmt --all -- --check

say "lints (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "module graph (no import cycles)"
python3 scripts/check-module-cycles.py core/src native/src capi/src wasm/src wasm/tools/src wasm/shared/src

# Before the workspace tests: it installs cbindgen and the C and C++
# compilers the C ABI tests use, and checks the committed header.
say "C ABI (generated header, C and C++ examples, the scenario corpus through C)"
bash scripts/test-capi.sh

say "C# binding (Mono: typed API, bad input, driver on a fake clock, the scenario corpus through C#)"
bash scripts/test-dotnet.sh

say "tests (unit, scenario corpus, property tests, doc tests)"
cargo test --workspace --locked --exclude continuity-capi

say "documentation (rustdoc -D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked -q

say "benchmark smoke run (allocation check, criterion test mode)"
cargo bench -p continuity-core --bench engine --locked -- --test
cargo bench -p continuity-capi --bench shims --locked -- --test

say "fuzz smoke run (10 s per parser)"
bash scripts/fuzz.sh 10

bash scripts/test-wasm.sh

say "web demo (server, live sites, simulator and live mode end to end in headless Chromium)"
bash scripts/test-web-demo.sh

say "command-line smoke run"
cargo run -q --locked -p continuity-native -- simulate examples/site-a-outage.json >/dev/null

say "all tests passed"
