#!/usr/bin/env bash
# Measures the fleet simulation: `continuity fleet` natively on every core
# and on one, and the same fleet through the package's tools module in Node
# (WebAssembly), side by side, on the example deployment with 1 simulated
# hour. Checks that the three give the same report, byte for byte, and
# prints seconds, desktop-hours per second, and WebAssembly ÷ native
# single-threaded against the goal of at most 1.5. Each figure is the
# median of three fresh processes.
#
# Usage: bash scripts/bench-fleet.sh [--quick] [--desktops N]
#   --desktops N  fleet size (default 100000)
#   --quick       5,000 desktops, one run each: checks the three agree (CI)
#
# Builds what it needs: the CLI (release) and the package (scripts/build-wasm.sh)
# when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

desktops=100000
runs=3
while (($#)); do
  case $1 in
    --quick) desktops=5000 runs=1 ;;
    --desktops)
      desktops=${2:?--desktops needs a number}
      shift
      ;;
    -h | --help)
      sed -n '2,15s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "bench-fleet.sh: unknown option $1 (usage: bash scripts/bench-fleet.sh [--quick] [--desktops N])" >&2
      exit 2
      ;;
  esac
  shift
done

say() { printf '==> %s\n' "$*" >&2; }

if [[ ! -f wasm/pkg/node/tools.js ]]; then
  bash scripts/build-wasm.sh >&2
fi
say "building the CLI (release)"
cargo build -q --locked --release -p continuity-native
cli=${CARGO_TARGET_DIR:-target}/release/continuity
bundle=examples/bundles/workspace.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seconds of one native run (wall clock, process included), its report in $2.
native() {
  local threads=$1 out=$2 start end
  start=$(date +%s.%N)
  "$cli" fleet "$bundle" --desktops "$desktops" --threads "$threads" --json --no-progress >"$out"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }

cores=$(nproc)
say "native, $cores threads ($runs runs)"
for _ in $(seq "$runs"); do native "$cores" "$work/native-all.json"; done >"$work/t-all"
say "native, 1 thread ($runs runs)"
for _ in $(seq "$runs"); do native 1 "$work/native-1.json"; done >"$work/t-1"
say "WebAssembly in Node $(node --version) ($runs runs)"
for _ in $(seq "$runs"); do node wasm/bench/fleet.mjs "$bundle" "$desktops" "$work/wasm.json"; done >"$work/t-wasm"

for other in native-1 wasm; do
  if ! cmp -s "$work/native-all.json" "$work/$other.json"; then
    echo "bench-fleet.sh: the reports differ ($other vs native on $cores threads)" >&2
    exit 1
  fi
done

t_all=$(median <"$work/t-all")
t_one=$(median <"$work/t-1")
t_wasm=$(median <"$work/t-wasm")
rate() { awk -v n="$desktops" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
ratio=$(awk -v w="$t_wasm" -v n="$t_one" 'BEGIN { printf "%.2f", w / n }')
goal=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5) ? "met" : "**not met**" }')

echo
echo "Fleet: $desktops desktops × 1 simulated hour of $bundle (median of $runs; same report from all three)"
echo
echo "| run | seconds | desktop-hours per second |"
echo "|---|---:|---:|"
echo "| native, $cores threads | $t_all | $(rate "$t_all") |"
echo "| native, 1 thread | $t_one | $(rate "$t_one") |"
echo "| WebAssembly (Node), 1 thread | $t_wasm | $(rate "$t_wasm") |"
echo
echo "WebAssembly ÷ native single-threaded: $ratio (goal ≤ 1.5: $goal)"
