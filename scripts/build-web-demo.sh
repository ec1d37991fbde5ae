#!/usr/bin/env bash
# Builds the web demo into web-demo/dist, building what is missing first:
# the WebAssembly package (scripts/build-wasm.sh) when wasm/pkg is missing or
# older than the sources it is built from, and the demo's npm dependencies
# (exact versions, from web-demo/package-lock.json) when they are not
# installed or the lockfile changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

stamp=wasm/pkg/package.json
if [[ ! -f $stamp || -n $(find core/src wasm/src wasm/js fleet/src wasm/tools/src wasm/shared/src Cargo.lock Cargo.toml core/Cargo.toml wasm/Cargo.toml fleet/Cargo.toml wasm/tools/Cargo.toml wasm/shared/Cargo.toml -newer "$stamp" -print -quit) ]]; then
  bash scripts/build-wasm.sh
fi

if [[ ! -f web-demo/node_modules/.package-lock.json || web-demo/package-lock.json -nt web-demo/node_modules/.package-lock.json ]]; then
  say "web demo: npm ci (exact versions from web-demo/package-lock.json)"
  (cd web-demo && npm ci --no-audit --no-fund --loglevel=error)
fi

say "web demo: bundling (esbuild) into web-demo/dist"
node web-demo/build.js
