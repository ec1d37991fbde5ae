#!/usr/bin/env bash
# Tests the continuity-engine package where desktop teams build and as it
# would be published, from the tarball `npm pack` makes of wasm/pkg:
# bundled by Vite and by webpack 5 and run in headless Chromium
# (wasm/tests/bundlers), and checked file by file, manifest field by field,
# then installed into an empty project for Node and for a page without a
# bundler (wasm/tests/pack). Installs what they need first: the suites' npm
# tools at the exact versions of wasm/tests/bundlers/package-lock.json (npm
# ci, when node_modules is missing or older than the lockfile) and Debian's
# Chromium when missing; builds the package only when wasm/pkg is missing
# (scripts/build-wasm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

# Seconds since $1 (date +%s%N), to a tenth.
seconds_since() { local ds=$(( ($(date +%s%N) - $1) / 100000000 )); printf '%d.%d s' $((ds / 10)) $((ds % 10)); }
started=$(date +%s%N)

if [[ ! -f wasm/pkg/package.json ]]; then
  bash scripts/build-wasm.sh
fi

# Debian's Chromium; never a browser downloaded by a test tool.
if [[ ! -x /usr/bin/chromium ]]; then
  say "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi; }
  apt_get -o DPkg::Lock::Timeout=600 update -q
  apt_get -o DPkg::Lock::Timeout=600 install -y -q chromium
fi

modules=wasm/tests/bundlers/node_modules
if [[ ! -f $modules/.package-lock.json || wasm/tests/bundlers/package-lock.json -nt $modules/.package-lock.json ]]; then
  say "bundler tests: npm ci (vite, webpack, webpack-cli, playwright-core; exact versions from the lockfile)"
  (cd wasm/tests/bundlers && npm ci --no-audit --no-fund --loglevel=error)
  say "npm ci done ($(seconds_since "$started"))"
fi

say "the package in Vite and webpack builds, and as published (npm pack, npm install, Node, Chromium)"
suites=$(date +%s%N)
node --test --test-concurrency=1 wasm/tests/bundlers/bundlers.test.js wasm/tests/pack/pack.test.js
say "bundler and publish tests passed: suites $(seconds_since "$suites"), in all $(seconds_since "$started")"
