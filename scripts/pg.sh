#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the test suite.
#
#   scripts/pg.sh start DIR   initdb in DIR/data, start on a free 127.0.0.1 port,
#                             create database "suggestions" and print its URL
#                             (the only thing written to stdout)
#   scripts/pg.sh stop DIR    stop the cluster (no-op if it is not running)
#
# As root the server runs as the "postgres" user (via runuser); otherwise as
# the current user. DIR must not be inside a directory the postgres user
# cannot enter (e.g. /root); mktemp -d under /tmp is fine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    echo "usage: $0 start|stop DIR"
    exit 2
}

[ $# -eq 2 ] || usage
action="$1"
dir="$2"

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a server binary as the cluster owner.
as_owner() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_bindir() {
    local candidates
    candidates="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' || true)"
    [ -n "$candidates" ] || return 1
    dirname "$(printf '%s\n' "$candidates" | sort -V | tail -n 1)"
}

is_running() {
    [ -f "$dir/data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

start() {
    if ! bindir="$(find_bindir)"; then
        "$here/install-system.sh" --postgres
        bindir="$(find_bindir)" || {
            echo "pg.sh: no PostgreSQL server found under /usr/lib/postgresql" >&2
            exit 1
        }
    fi

    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    # postgres refuses to run from a cwd it cannot read; stay out of the way.
    cd /

    if is_root; then
        chown postgres: "$dir"
        chmod 700 "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "pg.sh: user postgres cannot write to $dir (is a parent directory private?)" >&2
            exit 1
        fi
    fi

    if is_running; then
        port="$(cat "$dir/port")"
        echo "pg.sh: already running on port $port" >&2
    else
        if [ ! -f "$dir/data/PG_VERSION" ]; then
            rm -rf "$dir/data"
            if ! as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres \
                --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
                echo "pg.sh: initdb with C.UTF-8 failed, retrying with --no-locale" >&2
                as_owner rm -rf "$dir/data"
                as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres \
                    --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
                    cat "$dir/initdb.log" >&2
                    exit 1
                }
            fi
        fi
        as_owner mkdir -p "$dir/sock"

        # The port is free when probed but could be taken before the server binds it.
        started=false
        for _ in 1 2 3; do
            port="$(free_port)"
            # Durability is pointless for a throwaway cluster; skip the fsyncs.
            if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
                -o "-h 127.0.0.1 -p $port -k $dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
                start >/dev/null; then
                started=true
                break
            fi
        done
        if ! $started; then
            echo "pg.sh: PostgreSQL failed to start; log follows" >&2
            tail -n 50 "$dir/log" >&2 || true
            exit 1
        fi
        echo "$port" >"$dir/port.tmp"
        mv "$dir/port.tmp" "$dir/port"
    fi

    exists="$("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq \
        -c "select 1 from pg_database where datname = 'suggestions'")"
    if [ "$exists" != 1 ]; then
        "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres suggestions
    fi

    url="postgresql://postgres@127.0.0.1:$port/suggestions"
}

stop() {
    [ -d "$dir" ] || exit 0
    dir="$(cd "$dir" && pwd)"
    cd /
    bindir="$(find_bindir)" || exit 0
    if is_running; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ||
            echo "pg.sh: pg_ctl stop failed" >&2
    fi
    return 0
}

# stdout carries the URL alone: the work runs with stdout sent to stderr. (No spare
# copy of stdout is kept open either: the server would inherit it, and a caller's
# $(scripts/pg.sh start DIR) would then wait for EOF forever.)
case "$action" in
    start)
        start >&2
        echo "$url"
        ;;
    stop) stop >&2 ;;
    *) usage >&2 ;;
esac
