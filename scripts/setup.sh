#!/usr/bin/env bash
# Installs what the tests need on a fresh machine. Idempotent: every step
# checks first and skips what is already there at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

command -v cargo >/dev/null || { echo "error: cargo is not installed; install Rust with rustup first" >&2; exit 1; }

# rustfmt and clippy gate every change.
installed=$(rustup component list --installed 2>/dev/null || true)
for component in rustfmt clippy; do
  if ! grep "^$component" <<<"$installed" >/dev/null; then
    say "installing rust component $component"
    rustup component add "$component"
  fi
done

# The module-graph check (scripts/check-module-cycles.py) runs on Python 3.
if ! command -v python3 >/dev/null; then
  say "installing python3 (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt_get() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi; }
  apt_get -o DPkg::Lock::Timeout=600 update -q
  apt_get -o DPkg::Lock::Timeout=600 install -y -q python3-minimal
fi

# Fetch every crate once, up front, so the later steps fail early and clearly
# when the registry cannot be reached.
say "fetching crates"
cargo fetch --locked 2>/dev/null || cargo fetch

# A real SIP server (Kamailio, from Debian) for the SIP OPTIONS health-check tests;
# the tests start and stop their own instances on 127.0.0.1.
bash scripts/sip-server.sh install
