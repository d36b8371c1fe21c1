#!/usr/bin/env bash
# The project-local PostgreSQL cluster: unix socket only, no TCP port.
#
#   scripts/db.sh start   create (first time) and start it; write .local/database-url
#   scripts/db.sh stop    stop it
#   scripts/db.sh url     print its URL
#   scripts/db.sh check   with DATABASE_URL set: check that server answers
#
# With DATABASE_URL set, `start` only checks that server and never creates a
# cluster. Run as root, PostgreSQL runs as the `postgres` user (initdb and
# the server refuse to run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# --- where the PostgreSQL server binaries are ------------------------------
find_pg_bin() {
  # PG_BINDIR names the folder of initdb and pg_ctl when they are elsewhere.
  if [ -n "${PG_BINDIR:-}" ]; then
    [ -x "$PG_BINDIR/pg_ctl" ] && [ -x "$PG_BINDIR/initdb" ] && echo "$PG_BINDIR"
    return
  fi
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  done
  return 1
}

# --- where the cluster lives -------------------------------------------------
# Normally .local/postgres inside the checkout. As root the server runs as
# `postgres`, which must be able to reach that folder; a checkout in a private
# folder (e.g. one made by mktemp) is not reachable, so the cluster then lives
# in a folder of its own under /tmp, named after the checkout's path.
path_hash() { printf '%s' "$ROOT" | sha1sum | cut -c1-10; }

as_pg() {
  # From /, which `postgres` can always enter (the checkout may be private).
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_home() {
  local home="$LOCAL/postgres"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user (installed with the postgresql package: apt-get install postgresql)."
    if ! runuser -u postgres -- test -x "$LOCAL"; then
      home="/tmp/ictgov-pg-$(path_hash)"
    fi
  fi
  echo "$home"
}

socket_dir() {
  local dir="$1/run"
  # A unix socket path may be at most 107 bytes.
  if [ $(( ${#dir} + 20 )) -gt 107 ]; then
    dir="/tmp/ictgov-sock-$(path_hash)"
  fi
  echo "$dir"
}

database_url() {
  echo "postgres://app@/app?host=$(socket_dir "$(pg_home)")"
}

check_url() {
  # One clear sentence when the server named by DATABASE_URL does not answer.
  local py="${PYTHON:-$ROOT/.venv/bin/python}"
  "$py" - "$1" <<'PY' || exit 1
import sys
import psycopg

url = sys.argv[1]
try:
    # libpq reads the URL itself, query parameters (?host=...) included.
    psycopg.connect(url, connect_timeout=5).close()
except Exception as exc:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    sys.stderr.write(
        "error: the PostgreSQL server in DATABASE_URL does not answer (%s). "
        "Check the address, user and password, or unset DATABASE_URL to use "
        "the project-local cluster.\n" % first
    )
    sys.exit(1)
PY
}

start() {
  if [ -n "${DATABASE_URL:-}" ]; then
    check_url "$DATABASE_URL"
    return
  fi
  local bin home data sock log
  bin="$(find_pg_bin)" || die "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL to an existing PostgreSQL server."
  home="$(pg_home)"; data="$home/data"; sock="$(socket_dir "$home")"; log="$home/server.log"
  mkdir -p "$home" "$sock"
  if [ "$(id -u)" = 0 ]; then chown postgres "$home" "$sock"; fi

  if [ ! -f "$data/PG_VERSION" ]; then
    # Initialise into a scratch folder and move it into place only when
    # complete, so an interrupted first run leaves nothing half-made.
    rm -rf "$home/data.partial"
    as_pg mkdir -p "$home/data.partial"
    as_pg "$bin/initdb" -D "$home/data.partial" -U app --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 \
      || { say "$(tail -5 "$home/initdb.log")"; rm -rf "$home/data.partial"; die "initdb failed (log: $home/initdb.log)."; }
    cat >>"$home/data.partial/postgresql.conf" <<CONF

# Project-local cluster for development and tests (scripts/db.sh).
listen_addresses = ''
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
CONF
    as_pg mv "$home/data.partial" "$data"
  fi

  if ! as_pg "$bin/pg_isready" -q -h "$sock" -U app -d postgres 2>/dev/null; then
    # A stale pid file after a crash would make pg_ctl think it is running.
    if [ -f "$data/postmaster.pid" ] && ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      rm -f "$data/postmaster.pid"
    fi
    as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 30 start >/dev/null \
      || { say "$(tail -5 "$log" 2>/dev/null)"; die "PostgreSQL did not start (log: $log)."; }
  fi
  local tries=0
  until as_pg "$bin/pg_isready" -q -h "$sock" -U app -d postgres; do
    tries=$((tries + 1)); [ $tries -gt 50 ] && die "PostgreSQL is not accepting connections (log: $log)."
    sleep 0.2
  done
  if ! as_pg "$bin/psql" -h "$sock" -U app -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'app'" | grep -q 1; then
    as_pg "$bin/createdb" -h "$sock" -U app app
  fi
  database_url >"$LOCAL/database-url"
}

stop() {
  local bin home
  bin="$(find_pg_bin)" || die "PostgreSQL server binaries were not found."
  home="$(pg_home)"
  if [ -f "$home/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null && say "Project-local PostgreSQL stopped."
  else
    say "Project-local PostgreSQL is not running."
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; else database_url; fi ;;
  *) die "usage: scripts/db.sh start|stop|url" ;;
esac
