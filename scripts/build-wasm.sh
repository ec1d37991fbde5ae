#!/usr/bin/env bash
# Builds the WebAssembly package into wasm/pkg: the web target (ES module,
# async init) and the Node target (CommonJS glue behind an ES module entry)
# of the runtime module (built for size) and of the tools module (the fleet,
# built for speed, behind `continuity-engine/tools`),
# the shared JavaScript API, driver and worker, TypeScript declarations,
# package.json, and the vocabulary tables wire.js and wire.d.ts generated from
# the Rust declarations (wasm/src/bin/wire.rs). Installs what it needs first
# (scripts/setup-wasm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

bash scripts/setup-wasm.sh

target_dir=${CARGO_TARGET_DIR:-target}
# Built beside wasm/pkg and moved in at the end, so a test reading the
# package never sees half of it.
out=$(mktemp -d wasm/.pkg.XXXXXX)
trap 'rm -rf "$out"' EXIT
wasm_opt=wasm/node_modules/.bin/wasm-opt

say "building continuity-wasm (wasm32-unknown-unknown, profile wasm-release)"
cargo build -q --locked -p continuity-wasm --lib --target wasm32-unknown-unknown --profile wasm-release
module="$target_dir/wasm32-unknown-unknown/wasm-release/continuity_wasm.wasm"

mkdir -p "$out/web" "$out/node"
say "binding (wasm-bindgen $(wasm-bindgen --version | awk '{ print $2 }'))"
wasm-bindgen --target web --no-typescript --out-dir "$out/web" --out-name continuity_wasm "$module"
wasm-bindgen --target nodejs --no-typescript --out-dir "$out/node" --out-name continuity_wasm "$module"
# The package is an ES module package; the Node glue is CommonJS.
mv "$out/node/continuity_wasm.js" "$out/node/continuity_wasm.cjs"

say "building continuity-wasm-tools, the tools module (profile wasm-tools: for speed)"
cargo build -q --locked -p continuity-wasm-tools --lib --target wasm32-unknown-unknown --profile wasm-tools
tools="$target_dir/wasm32-unknown-unknown/wasm-tools/continuity_wasm_tools.wasm"
wasm-bindgen --target web --no-typescript --out-dir "$out/web" --out-name continuity_tools "$tools"
wasm-bindgen --target nodejs --no-typescript --out-dir "$out/node" --out-name continuity_tools "$tools"
mv "$out/node/continuity_tools.js" "$out/node/continuity_tools.cjs"

say "optimizing ($("$wasm_opt" --version))"
# optimize PASS… -- FILE…: wasm-opt in place, PASSes in order, with the
# features rustc enables by default for wasm32-unknown-unknown.
optimize() {
  local flags=() wasm
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  for wasm in "$@"; do
    "$wasm_opt" "${flags[@]}" --strip-debug --strip-producers \
      --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$wasm" -o "$wasm"
  done
}
# The runtime for size, the tools for speed. The fleet's desktop loop stays a
# function of its own (wasm-opt would inline it into its one caller): V8
# moves a function to its optimizing tier between two calls, never inside
# one, so the loop runs optimized from the first desktops on instead of in
# the baseline tier for a whole run (measured: one 100,000-desktop run 7%
# faster in Node 20).
optimize -Oz -- "$out/web/continuity_wasm_bg.wasm" "$out/node/continuity_wasm_bg.wasm"
optimize --no-inline='continuity_fleet::desktop::Desktop::run*' -O3 \
  -- "$out/web/continuity_tools_bg.wasm" "$out/node/continuity_tools_bg.wasm"

say "vocabulary tables (wire.js, wire.d.ts, from the Rust declarations)"
cargo run -q --locked -p continuity-wasm --bin wire -- "$out"
for generated in "$out/wire.js" "$out/wire.d.ts"; do
  if [[ ! -s "$generated" ]]; then
    echo "error: the generator wrote no ${generated##*/}" >&2
    exit 1
  fi
done
node --check "$out/wire.js"

cp wasm/js/package.json wasm/js/README.md wasm/js/index.d.ts wasm/js/tools.d.ts wasm/js/api.js wasm/js/tools-api.js wasm/js/loader.js wasm/js/driver.js wasm/js/errors.js wasm/js/trace.js "$out/"
cp wasm/js/web.js "$out/web/index.js"
cp wasm/js/worker.js "$out/web/worker.js"
cp wasm/js/node.js "$out/node/index.js"
cp wasm/js/web-tools.js "$out/web/tools.js"
cp wasm/js/node-tools.js "$out/node/tools.js"
chmod 755 "$out"
rm -rf wasm/pkg
mv "$out" wasm/pkg
say "package ready in wasm/pkg"
