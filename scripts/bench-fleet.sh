#!/usr/bin/env bash
# Measures the fleet simulation: `continuity fleet` natively on every core
# and on one, and the same fleet through the package's tools module in Node
# (WebAssembly), side by side, on the example deployment with 1 simulated
# hour, in two workloads: one run of 100,000 desktops, and a capacity plan
# (--registrar-capacity: the run and the spread searches, about 25 runs) of
# 10,000. Checks that all three give the same report, byte for byte, and
# prints wall-clock and CPU seconds, desktop-hours per second, and
# WebAssembly ÷ native single-threaded in wall-clock time against the goal
# of at most 1.5 (CPU time beside it: Node's compiler threads are in it).
#
# The three take turns (each a fresh process: the module's compilation and
# V8's tier-up are in the WebAssembly figure), and each figure is the median.
# The ratio is the median of each turn's own ratio (native on one thread and
# WebAssembly run back to back), with the range of those ratios beside it: a
# shared machine's speed drifts over minutes, and a ratio of two medians
# taken at different moments mixes that drift in.
#
# Usage: bash scripts/bench-fleet.sh [--quick] [--runs N]
#   --runs N   turns of each workload (default 5 for the run, 3 for the plan)
#   --quick    5,000 desktops and a plan of 1,000, one turn: checks that the
#              three agree (CI)
#
# Builds what it needs: the CLI (release) and the package (scripts/build-wasm.sh)
# when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

run_desktops=100000 plan_desktops=10000 capacity=400
run_turns=5 plan_turns=3
while (($#)); do
  case $1 in
    --quick) run_desktops=5000 plan_desktops=1000 capacity=40 run_turns=1 plan_turns=1 ;;
    --runs)
      run_turns=${2:?--runs needs a number}
      plan_turns=$run_turns
      shift
      ;;
    -h | --help)
      sed -n '2,22s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "bench-fleet.sh: unknown option $1 (usage: bash scripts/bench-fleet.sh [--quick] [--runs N])" >&2
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
cores=$(nproc)

# native THREADS DESKTOPS CAPACITY REPORT: wall-clock and CPU seconds of one run.
native() {
  local TIMEFORMAT='%R %U %S' plan=()
  (($3)) && plan=(--registrar-capacity "$3")
  { time "$cli" fleet "$bundle" --desktops "$2" "${plan[@]}" --threads "$1" --json --no-progress >"$4"; } 2>&1 |
    awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

# median FILE COLUMN [DECIMALS]: the median of a column (3 decimals unless given).
median() { awk -v c="$2" '{ print $c }' "$1" | sort -g | awk -v d="${3:-3}" '{ v[NR] = $1 } END { printf "%.*f", d, v[int((NR + 1) / 2)] }'; }
# turn_ratios A B COLUMN: each turn's A ÷ B, one per line, sorted.
turn_ratios() { paste -d' ' "$1" "$2" | awk -v c="$3" '{ printf "%.2f\n", $c / $(c + 2) }' | sort -g; }
verdict() { awk -v r="$1" 'BEGIN { print (r <= 1.5) ? "met" : "**not met**" }'; }

# workload NAME DESKTOPS CAPACITY TURNS: takes turns, checks the reports, prints rows.
workload() {
  local name=$1 desktops=$2 capacity=$3 turns=$4 w=$work/$1
  mkdir -p "$w"
  say "$name: $turns turns of native on $cores threads, native on 1, WebAssembly in Node $(node --version)"
  for _ in $(seq "$turns"); do
    native "$cores" "$desktops" "$capacity" "$w/native-all.json" >>"$w/t-all"
    native 1 "$desktops" "$capacity" "$w/native-1.json" >>"$w/t-1"
    node wasm/bench/fleet.mjs "$bundle" "$desktops" "$capacity" "$w/wasm.json" >>"$w/t-wasm"
  done
  for other in native-1 wasm; do
    if ! cmp -s "$w/native-all.json" "$w/$other.json"; then
      echo "bench-fleet.sh: $name: the reports differ ($other vs native on $cores threads)" >&2
      exit 1
    fi
  done
  local wall cpu
  turn_ratios "$w/t-wasm" "$w/t-1" 1 >"$w/r-wall"
  turn_ratios "$w/t-wasm" "$w/t-1" 2 >"$w/r-cpu"
  wall=$(median "$w/r-wall" 1 2) cpu=$(median "$w/r-cpu" 1 2)
  rows+=("| $name | native, $cores threads | $(median "$w/t-all" 1) | $(median "$w/t-all" 2) | |")
  rows+=("| $name | native, 1 thread | $(median "$w/t-1" 1) | $(median "$w/t-1" 2) | |")
  rows+=("| $name | WebAssembly (Node $(node --version)), 1 thread | $(median "$w/t-wasm" 1) | $(median "$w/t-wasm" 2) | **$wall** ($(verdict "$wall"); turns $(head -1 "$w/r-wall")–$(tail -1 "$w/r-wall")); CPU $cpu |")
}

rows=()
workload "one run, $run_desktops desktops" "$run_desktops" 0 "$run_turns"
workload "capacity plan ($capacity/s), $plan_desktops desktops" "$plan_desktops" "$capacity" "$plan_turns"

one=$(median "$work/one run, $run_desktops desktops/t-1" 1)
all=$(median "$work/one run, $run_desktops desktops/t-all" 1)
echo
echo "Fleet of $bundle, 1 simulated hour each (medians; the same report from all three)"
echo
echo "| workload | run | wall-clock s | CPU s | WebAssembly ÷ native, 1 thread (goal ≤ 1.5) |"
echo "|---|---|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "One run: $(awk -v n="$run_desktops" -v t="$all" 'BEGIN { printf "%.0f", n / t }') desktop-hours per second on $cores threads, $(awk -v n="$run_desktops" -v t="$one" 'BEGIN { printf "%.0f", n / t }') on one."
