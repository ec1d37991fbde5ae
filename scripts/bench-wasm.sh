#!/usr/bin/env bash
# Measures the WebAssembly package: its size (raw and gzip -9, against the
# 40 KB budget for the full web package) and the engine's speed in Node
# (ns/event through the typed fast path and through handle(), on the native
# benchmark's three workloads), compared with the native benchmark
# (`cargo bench -p continuity-core --bench engine`) against the goal of at
# most 1.5x native.
#
# Usage: bash scripts/bench-wasm.sh [--quick]
#   --quick   tiny iteration counts and no native bench: a CI smoke run
#             (well under 20 s once the package is built)
#
# Builds the package first (scripts/build-wasm.sh); --quick only when wasm/pkg is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    -h | --help)
      sed -n '2,13s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "bench-wasm.sh: unknown option $arg (usage: bash scripts/bench-wasm.sh [--quick])" >&2
      exit 2
      ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

# The full run measures a fresh build; the quick run (CI, right after the
# build) only builds when the package is missing.
if ((!quick)) || [[ ! -f wasm/pkg/web/continuity_wasm_bg.wasm || ! -f wasm/pkg/node/index.js ]]; then
  bash scripts/build-wasm.sh >&2
fi

speed_args=()
if ((quick)); then
  speed_args+=(--quick)
else
  native=$(mktemp)
  native_err=$(mktemp)
  trap 'rm -f "$native" "$native_err"' EXIT
  say "running the native benchmark (cargo bench -p continuity-core --bench engine; about a minute)"
  if ! cargo bench -q -p continuity-core --bench engine --locked >"$native" 2>"$native_err"; then
    cat "$native" "$native_err" >&2
    echo "bench-wasm.sh: the native benchmark failed" >&2
    exit 1
  fi
  speed_args+=(--native "$native")
  say "running the wasm benchmark in Node (about a minute)"
fi

echo
node wasm/bench/size.mjs
echo
node wasm/bench/speed.mjs "${speed_args[@]}"
