#!/usr/bin/env bash
# Serves the web demo on 127.0.0.1 (port 8080, or another one when it is
# taken; `--port N` to choose), building whatever is missing first, and
# prints its URL. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-web-demo.sh
exec node web-demo/server.js "$@"
