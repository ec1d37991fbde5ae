#!/usr/bin/env bash
# Tests the web demo: its server (files under its root only, loopback only)
# and the simulator page end to end in headless Chromium (Debian's, driven by
# playwright-core). Builds what is missing first (scripts/build-web-demo.sh);
# Chromium is installed by scripts/setup-wasm.sh. Screenshots go to
# web-demo/tests/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

bash scripts/setup-wasm.sh
bash scripts/build-web-demo.sh

say "web demo: server and simulator tests (headless Chromium)"
node --test web-demo/tests/
