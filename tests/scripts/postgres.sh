#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on a free port of 127.0.0.1.
#
#   tests/scripts/postgres.sh [start]   installs Debian's postgresql if missing, starts a fresh
#                                       cluster (or finds the running one) and prints its URL
#   tests/scripts/postgres.sh stop      stops it and deletes its files
#
# Use: export RHYME_TEST_DATABASE_URL="$(tests/scripts/postgres.sh)"
# Everything but the URL goes to stderr. The cluster lives in $RHYME_PG_STATE (default
# ${TMPDIR:-/tmp}/rhyme-pg); when run as root it is owned by, and runs as, the postgres user.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

STATE="${RHYME_PG_STATE:-${TMPDIR:-/tmp}/rhyme-pg}"

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && echo "$dir"
}

install_postgres() {
    if [ -n "$(pg_bin)" ]; then return; fi
    say "installing Debian's postgresql"
    apt_install postgresql
    [ -n "$(pg_bin)" ] || { say "postgresql installed, but no server binaries under /usr/lib/postgresql"; exit 1; }
}

running() {
    [ -f "$STATE/url" ] && as_owner "$(pg_bin)/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1
}

start() {
    install_postgres
    local bin; bin="$(pg_bin)"
    if running; then cat "$STATE/url"; return; fi
    rm -rf "$STATE"
    mkdir -p "$STATE"
    local password port
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    port="$(free_port 54329 54529)"
    printf '%s\n' "$password" > "$STATE/password"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$STATE"; fi
    chmod 700 "$STATE"
    as_owner "$bin/initdb" -D "$STATE/data" -U rhyme --pwfile="$STATE/password" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >"$STATE/initdb.log" 2>&1 \
        || { cat "$STATE/initdb.log" >&2; exit 1; }
    # Many test binaries run side by side, each opening a few pools.
    as_owner "$bin/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $STATE -c max_connections=500 -c fsync=off" \
        start >&2 || { cat "$STATE/server.log" >&2; exit 1; }
    PGPASSWORD="$password" as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U rhyme rhyme
    local url="postgres://rhyme:${password}@127.0.0.1:${port}/rhyme"
    printf '%s\n' "$url" > "$STATE/url"
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') is up on 127.0.0.1:$port (files in $STATE)"
    echo "$url"
}

stop() {
    local bin; bin="$(pg_bin || true)"
    if [ -n "$bin" ] && [ -d "$STATE/data" ]; then
        as_owner "$bin/pg_ctl" -D "$STATE/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$STATE"
    say "stopped"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) say "usage: $0 [start|stop]"; exit 2 ;;
esac
