#!/usr/bin/env bash
# Serves the web demo on 127.0.0.1 (port 8080, or another one when it is
# taken; `--port N` to choose) and prints its URL, building whatever is
# missing first. Its live mode also starts, on loopback ports of their own,
# a Kamailio per site and the sites' link endpoints (web-demo/live/);
# Kamailio comes from Debian's packages (scripts/sip-server.sh install, as
# root). Without it, or with `--no-live`, the simulator runs alone.
# Ctrl-C stops the server and every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ " $* " != *" --no-live "* ]]; then
  bash scripts/sip-server.sh install ||
    echo "note: Kamailio could not be installed here (it needs root): the live mode will be off" >&2
fi
bash scripts/build-web-demo.sh
exec node web-demo/server.js "$@"
