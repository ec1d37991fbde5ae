#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS_PER_TARGET seconds (default 10),
# seeded from the repository's example bundles, scenarios and option exports.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# Installs what it needs first (the nightly toolchain, cargo-fuzz), skipping
# what is there. Without a nightly toolchain and no way to install one, it
# says so and exits 0: the rest of CI does not depend on fuzzing. It exits
# non-zero when a target finds a crash; the input is kept under
# fuzz/artifacts/TARGET/ and the command that replays it is printed.
#
# Builds go to $CARGO_TARGET_DIR/fuzz when CARGO_TARGET_DIR is set, else to
# fuzz/target. Corpora live in a temporary folder, removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '==> %s\n' "$*"; }
skip() {
  printf '==> skipping fuzz smoke: %s\n' "$*"
  exit 0
}

seconds=${1:-10}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || {
  echo "usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
}
targets=(bundle_json bundle_toml cfg scenario_json input_json engine)
started=$SECONDS

# cargo-fuzz needs nightly (sanitizers, -Z flags).
command -v rustup >/dev/null || skip "rustup is not installed, so no nightly toolchain can be added"
# The `nightly` channel itself (`cargo +nightly`), not only a dated nightly.
has_nightly() { rustup toolchain list | grep -E '^nightly-[^0-9]' >/dev/null; }
if ! has_nightly; then
  say "installing the nightly toolchain (minimal profile)"
  # A failed rustup self-update check after the install does not matter:
  # what counts is whether nightly is there afterwards.
  rustup toolchain install nightly --profile minimal --no-self-update || true
  has_nightly || skip "no nightly toolchain, and installing one failed (no network?)"
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz ||
    skip "cargo-fuzz is not installed, and installing it failed (no network?)"
fi

target_dir=()
if [[ -n ${CARGO_TARGET_DIR:-} ]]; then
  target_dir=(--target-dir "$CARGO_TARGET_DIR/fuzz")
fi

cd fuzz
# Fetch first, so that a registry that cannot be reached skips rather than fails.
if ! fetch=$(cargo +nightly fetch 2>&1); then
  printf '%s\n' "$fetch" | tail -n 5
  skip "the fuzz crate's dependencies cannot be fetched (no network?)"
fi

say "building the fuzz targets ($(cargo fuzz --version))"
cargo +nightly fuzz build "${target_dir[@]}"

corpora=$(mktemp -d)
trap 'rm -rf "$corpora"' EXIT

# Seeds: copies of the repository's examples, named after their folder so
# that files of the same name do not overwrite each other.
seed() {
  local target=$1
  shift
  mkdir -p "$corpora/$target"
  local file
  for file in "$@"; do
    [[ -f $file ]] || continue
    cp "$file" "$corpora/$target/$(basename "$(dirname "$file")")-$(basename "$file")"
  done
}
shopt -s nullglob
seed bundle_json "$root"/tests/scenarios/bundles/*.json "$root"/examples/bundles/*.json "$root"/core/tests/data/*.json
seed bundle_toml "$root"/core/tests/data/*.toml "$root"/examples/bundles/*.toml "$root"/tests/scenarios/bundles/*.toml
seed cfg "$root"/tests/scenarios/bundles/exports/*.cfg "$root"/examples/bundles/*.cfg "$root"/core/tests/data/*.cfg
seed scenario_json "$root"/tests/scenarios/*.json "$root"/examples/*.json
seed engine
# Inputs: each distinct one-level `"input": {…}` of the scenario corpus.
mkdir -p "$corpora/input_json"
n=0
while IFS= read -r input; do
  n=$((n + 1))
  printf '%s\n' "${input#*:}" >"$corpora/input_json/input-$n.json"
done < <(for scenario in "$root"/tests/scenarios/*.json; do
  tr -d '\n' <"$scenario" | grep -o '"input": *{[^{}]*}' | tr -s ' ' || true
  echo
done | sort -u | grep . || true)
shopt -u nullglob

failed=()
for target in "${targets[@]}"; do
  say "fuzzing $target for $seconds s ($(find "$corpora/$target" -type f | wc -l) seeds)"
  log="$corpora/$target.log"
  if cargo +nightly fuzz run "${target_dir[@]}" "$target" "$corpora/$target" -- \
    -max_total_time="$seconds" -timeout=10 -dict="$root/fuzz/schema.dict" -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^Done [0-9]+ runs' "$log" || true
  else
    # The panic (or sanitizer / timeout report) and the failing input; the whole log is kept.
    mkdir -p "artifacts/$target"
    cp "$log" "artifacts/$target/fuzz.log"
    grep -m1 -A3 -E 'panicked at|ERROR: (AddressSanitizer|libFuzzer)' "$log" || true
    sed -n '/^Failing input:/,/^Minimize/p' "$log"
    echo "(whole log: fuzz/artifacts/$target/fuzz.log)"
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo
  echo "fuzz smoke: a crash in: ${failed[*]}" >&2
  for target in "${failed[@]}"; do
    grep -o 'Test unit written to [^ ]*' "$corpora/$target.log" | while read -r _ _ _ _ artifact; do
      echo "  replay: (cd fuzz && cargo +nightly fuzz run $target ${artifact#"$root"/fuzz/})" >&2
    done || true
  done
  exit 1
fi
say "fuzz smoke passed: ${#targets[@]} targets, $seconds s each, $((SECONDS - started)) s in all"
