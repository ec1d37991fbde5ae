#!/usr/bin/env bash
# Installs what the WebAssembly package needs to build and be tested, on a
# fresh machine: the wasm32 target, wasm-bindgen-cli at exactly the
# Cargo.lock version of wasm-bindgen, Chromium with ChromeDriver for the
# browser tests, and the package's npm tools (wasm-opt from the npm
# `binaryen` package, TypeScript, playwright-core). Idempotent: every step
# checks first and skips what is already there at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep '^wasm32-unknown-unknown$' >/dev/null; then
  say "installing rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the crate byte for byte in its schema version.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$want" ] || { echo "error: wasm-bindgen is not in Cargo.lock" >&2; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none})"
  # `--locked` pins a crate the registry no longer serves; fall back to a
  # fresh resolution of the same version.
  cargo install wasm-bindgen-cli --version "$want" --locked \
    || cargo install wasm-bindgen-cli --version "$want"
fi

# Debian's chromium and chromedriver run the browser tests; never a browser
# downloaded by a test tool.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi; }
  apt_get -o DPkg::Lock::Timeout=600 update -q
  apt_get -o DPkg::Lock::Timeout=600 install -y -q chromium chromium-driver
fi

command -v npm >/dev/null || { echo "error: npm is not installed; install Node.js 20 or later" >&2; exit 1; }
if ! (cd wasm && npm ls --depth=0 >/dev/null 2>&1); then
  say "installing npm tools (binaryen, typescript, playwright-core)"
  (cd wasm && npm ci --no-audit --no-fund)
fi
