#!/usr/bin/env bash
# Tests the web demo: its server (files under its root only, loopback only,
# the live API), the live sites (Kamailio and the link endpoints, killed and
# restored for real), and the page end to end in headless Chromium (Debian's,
# driven by playwright-core), simulator and live mode. Builds what is missing
# first (scripts/build-web-demo.sh); Chromium is installed by
# scripts/setup-wasm.sh, Kamailio by scripts/sip-server.sh. Screenshots go to
# web-demo/tests/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

bash scripts/setup-wasm.sh
bash scripts/sip-server.sh install
bash scripts/build-web-demo.sh

say "web demo: server, live sites, simulator and live mode (headless Chromium)"
node --test --test-concurrency=1 web-demo/tests/
