#!/usr/bin/env bash
# Start a throw-away PostgreSQL on 127.0.0.1 for the PostgresStore tests and print its URL:
#   bash .ci/postgres.sh          start (or find running) and print the URL
#   bash .ci/postgres.sh stop     stop it (its data folder stays; `start` again reuses it)
#   bash .ci/postgres.sh url      print the URL without starting anything
# Installs the server from the OS packages when it is missing (needs root, as CI has).
set -euo pipefail
PORT="${WIRETRACE_PG_PORT:-54329}"
DATA="${WIRETRACE_PG_DATA:-/tmp/wiretrace-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
ACTION="${1:-start}"
URL="postgresql://wiretrace@127.0.0.1:$PORT/postgres"
case "$ACTION" in
  start|stop) ;;
  url) echo "$URL"; exit 0 ;;
  *) echo "usage: $0 [start|stop|url]" >&2; exit 2 ;;
esac
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(su postgres -s /bin/bash -c); fi
run() { if [ ${#RUN[@]} -gt 0 ]; then "${RUN[@]}" "$*"; else bash -c "$*"; fi; }
if [ "$ACTION" = stop ]; then
  if run "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
    run "$BIN/pg_ctl -D $DATA -m fast -w stop" >/dev/null && echo "stopped PostgreSQL in $DATA"
  else
    echo "no PostgreSQL running in $DATA"
  fi
  exit 0
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"; [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  run "$BIN/initdb -D $DATA -A trust -U wiretrace >/dev/null"
fi
if ! run "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
  run "$BIN/pg_ctl -D $DATA -l $DATA/server.log -o '-c listen_addresses=127.0.0.1 -p $PORT -k /tmp' -w start" >/dev/null
fi
echo "$URL"
