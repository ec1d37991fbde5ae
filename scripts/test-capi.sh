#!/usr/bin/env bash
# Tests the C ABI (capi/): checks that the committed header
# capi/include/continuity.h is what cbindgen makes of the source, then runs
# `cargo test -p continuity-capi` (bad input through the ABI, the C examples,
# every scenario of tests/scenarios/ through the C scenario runner).
# Installs what it needs first: cbindgen 0.29.4, and gcc/g++ if missing.
#
#   bash scripts/test-capi.sh            check the header, run the tests
#   bash scripts/test-capi.sh --bless    rewrite the header from the source, run the tests
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's cbindgen (0.24) cannot parse `#[unsafe(no_mangle)]` (edition 2024).
CBINDGEN_VERSION=0.29.4
HEADER=capi/include/continuity.h

say() { printf '==> %s\n' "$*"; }

bless=false
case "${1-}" in
  "") ;;
  --bless) bless=true ;;
  *)
    echo "usage: bash scripts/test-capi.sh [--bless]" >&2
    exit 2
    ;;
esac

# cbindgen: the one of the pinned version, from cargo's bin folder or PATH;
# installed with cargo when there is none.
install_root="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}"
cbindgen=""
for candidate in "$install_root/bin/cbindgen" "$(command -v cbindgen || true)"; do
  if [[ -n "$candidate" && -x "$candidate" &&
    "$("$candidate" --version 2>/dev/null || true)" == "cbindgen $CBINDGEN_VERSION" ]]; then
    cbindgen="$candidate"
    break
  fi
done
if [[ -z "$cbindgen" ]]; then
  say "installing cbindgen $CBINDGEN_VERSION (cargo install, about a minute)"
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
  cbindgen="$install_root/bin/cbindgen"
fi

# The tests build C with $CC (cc) and the header as C++ with $CXX (c++).
if ! command -v "${CC:-cc}" >/dev/null || ! command -v "${CXX:-c++}" >/dev/null; then
  say "installing gcc and g++ (apt-get)"
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq gcc g++ >/dev/null
fi

say "header ($HEADER, cbindgen $CBINDGEN_VERSION)"
generated="$(mktemp)"
trap 'rm -f "$generated"' EXIT
"$cbindgen" --config capi/cbindgen.toml --crate continuity-capi --output "$generated" capi
if ! cmp -s "$generated" "$HEADER"; then
  if $bless; then
    cp "$generated" "$HEADER"
    say "rewrote $HEADER: review the diff and commit it"
  else
    diff -u "$HEADER" "$generated" | head -n 60 >&2 || true
    echo "error: $HEADER does not match capi/src (diff above: committed, then generated)." >&2
    echo "       Run \`bash scripts/test-capi.sh --bless\` to regenerate it, and commit the header." >&2
    exit 1
  fi
fi

say "tests (cargo test -p continuity-capi)"
cargo test --locked -p continuity-capi

say "C ABI tests passed"
