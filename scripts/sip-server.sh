#!/usr/bin/env bash
# A real SIP server (Kamailio) for the SIP OPTIONS health-check tests.
#
#   bash scripts/sip-server.sh install      # apt-get install kamailio, once
#   bash scripts/sip-server.sh start PORT   # serve udp:127.0.0.1:PORT, wait until it answers
#   bash scripts/sip-server.sh stop [PORT]  # stop that instance (every instance without PORT)
#   bash scripts/sip-server.sh status       # list the running instances
#
# The server runs with native/tests/kamailio/kamailio.cfg: OPTIONS get
# "200 OK", every other request "404 Not Found"; no database, no TCP, bound
# to 127.0.0.1 only. Each instance keeps its pid file and log in
# $CONTINUITY_SIP_DIR/PORT (default: ${TMPDIR:-/tmp}/continuity-sip-server/PORT),
# so tests can run several at once on different ports.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian installs kamailio in /usr/sbin, which a non-root PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

CFG="$PWD/native/tests/kamailio/kamailio.cfg"
STATE_ROOT="${CONTINUITY_SIP_DIR:-${TMPDIR:-/tmp}/continuity-sip-server}"
# How long `start` waits for the first answer, in tenths of a second.
START_TENTHS="${CONTINUITY_SIP_START_TENTHS:-100}"

installed() { command -v kamailio >/dev/null && kamailio -v >/dev/null 2>&1; }

install() {
  # The web demo's live mode (web-demo/live) also needs Kamailio's WebSocket
  # transport, which Debian ships apart: kamailio-websocket-modules.
  websocket_module() {
    local dir
    for dir in /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules /usr/local/lib*/kamailio/modules; do
      [ -e "$dir/websocket.so" ] && { printf '%s\n' "$dir/websocket.so"; return 0; }
    done
    return 1
  }
  if installed && websocket_module >/dev/null; then
    say "kamailio already installed: $(kamailio -v 2>/dev/null | head -n 1), with $(websocket_module)"
    return
  fi
  [ "$(id -u)" = 0 ] || die "installing kamailio and kamailio-websocket-modules needs root (apt-get)"
  # Debian starts a package's service on install through invoke-rc.d unless
  # policy-rc.d says no (101). Keep an existing policy; add a temporary one
  # otherwise, and remove only the one added here.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# added by continuity scripts/sip-server.sh during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  local started=$SECONDS
  say "installing kamailio and kamailio-websocket-modules (apt-get)"
  local status=0
  {
    apt-get -o DPkg::Lock::Timeout=600 update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
        kamailio kamailio-websocket-modules
  } || status=$?
  [ -n "$added_policy" ] && rm -f "$policy"
  [ "$status" = 0 ] || die "apt-get install kamailio kamailio-websocket-modules failed (exit $status)"
  installed || die "kamailio was installed but 'kamailio -v' does not run"
  websocket_module >/dev/null || die "kamailio-websocket-modules was installed but websocket.so is not in Kamailio's module folder"
  # The tests start their own instances; a system service would hold port
  # 5060 and run for nothing. Stop and disable it if the install started it.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now kamailio >/dev/null 2>&1 || true
  fi
  if [ -s /run/kamailio/kamailio.pid ] && kill -0 "$(cat /run/kamailio/kamailio.pid)" 2>/dev/null; then
    say "stopping the kamailio system service the install started"
    invoke-rc.d --force kamailio stop >/dev/null 2>&1 || kill "$(cat /run/kamailio/kamailio.pid)" || true
  fi
  say "kamailio installed in $((SECONDS - started)) s: $(kamailio -v 2>/dev/null | head -n 1), with $(websocket_module)"
}

module_dir() {
  local dir
  for dir in /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules /usr/local/lib*/kamailio/modules; do
    [ -e "$dir/sl.so" ] && { printf '%s\n' "$dir"; return; }
  done
  die "cannot find Kamailio's modules (sl.so); reinstall with: bash scripts/sip-server.sh install"
}

check_port() {
  [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] || die "not a UDP port: '$1'"
}

# Sends one OPTIONS to 127.0.0.1:PORT from bash's own (connected) UDP socket
# and prints the status line of the answer; fails when nothing answers
# within 0.2 s. The request is written to a file first and sent by `cat`, in
# one write(): bash's printf would send every line as its own datagram.
ping_once() {
  local port=$1 dir=$2 line="" n=$RANDOM$RANDOM
  printf 'OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-ping-%s;rport\r\nMax-Forwards: 70\r\nFrom: <sip:ping@127.0.0.1>;tag=%s\r\nTo: <sip:127.0.0.1:%s>\r\nCall-ID: ping-%s@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
    "$port" "$n" "$n" "$port" "$n" >"$dir/ping.sip"
  exec 3<>"/dev/udp/127.0.0.1/$port" || return 1
  cat "$dir/ping.sip" >&3 2>/dev/null || { exec 3<&-; return 1; }
  # dd reads the datagram in one recv(); bash's read would take one byte of
  # it and lose the rest.
  line=$(timeout 0.2 dd bs=65535 count=1 <&3 2>/dev/null | head -n 1) || true
  exec 3<&-
  [[ "$line" == SIP/2.0\ * ]] || return 1
  printf '%s\n' "${line%$'\r'}"
}

start() {
  local port=${1:-}
  [ -n "$port" ] || die "usage: sip-server.sh start PORT"
  check_port "$port"
  installed || die "kamailio is not installed; run: bash scripts/sip-server.sh install"
  [ -r "$CFG" ] || die "missing $CFG"
  local dir="$STATE_ROOT/$port"
  mkdir -p "$dir"
  if [ -s "$dir/server.pid" ] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
    die "an instance already runs on port $port (pid $(cat "$dir/server.pid")); stop it first"
  fi
  # Kamailio refuses to start over a pid file of a live process; ours are
  # all stopped at this point, so a leftover one is stale.
  rm -f "$dir/kamailio.pid"
  : >"$dir/kamailio.log"
  # -DD: the main process stays in the foreground of its own (background)
  # job, so its pid is $! and SIGTERM to it stops all its workers.
  # -E: log to stderr (the log file). -l: the only socket. -m/-M: small
  # shared/private memory pools (MB), enough for a test server.
  kamailio -f "$CFG" -L "$(module_dir)" -l "udp:127.0.0.1:$port" \
    -P "$dir/kamailio.pid" -Y "$dir" -w "$dir" -m 16 -M 4 -DD -E \
    </dev/null >>"$dir/kamailio.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/server.pid"
  local tenths=0 answer=""
  while [ "$tenths" -lt "$START_TENTHS" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$dir/kamailio.log" >&2 || true
      rm -f "$dir/server.pid"
      die "kamailio exited during start-up on port $port (log above: $dir/kamailio.log)"
    fi
    if answer=$(ping_once "$port" "$dir"); then
      say "kamailio answers on udp:127.0.0.1:$port ($answer) after ~$((tenths * 100)) ms; pid $pid, log $dir/kamailio.log"
      return
    fi
    sleep 0.1
    tenths=$((tenths + 1))
  done
  stop_one "$port"
  die "kamailio did not answer OPTIONS on udp:127.0.0.1:$port within $((START_TENTHS / 10)) s (log: $dir/kamailio.log)"
}

stop_one() {
  local port=$1 dir="$STATE_ROOT/$1" pid
  [ -s "$dir/server.pid" ] || return 0
  pid=$(cat "$dir/server.pid")
  rm -f "$dir/server.pid"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  # Kamailio's main process stops its workers on SIGTERM; give it 3 s.
  local tenths=0
  while kill -0 "$pid" 2>/dev/null && [ "$tenths" -lt 30 ]; do
    sleep 0.1
    tenths=$((tenths + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "kamailio pid $pid ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  say "stopped kamailio on port $port"
}

stop() {
  if [ -n "${1:-}" ]; then
    check_port "$1"
    stop_one "$1"
    return
  fi
  local pidfile
  for pidfile in "$STATE_ROOT"/*/server.pid; do
    [ -e "$pidfile" ] || continue
    stop_one "$(basename "$(dirname "$pidfile")")"
  done
}

status() {
  local pidfile any=""
  for pidfile in "$STATE_ROOT"/*/server.pid; do
    [ -e "$pidfile" ] || continue
    local port pid
    port=$(basename "$(dirname "$pidfile")")
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      echo "port $port: pid $pid running"
      any=1
    fi
  done
  [ -n "$any" ] || echo "no instance running"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  status) status ;;
  *) die "usage: sip-server.sh install | start PORT | stop [PORT] | status" ;;
esac
