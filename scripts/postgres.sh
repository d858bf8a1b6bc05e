# PostgreSQL 15 for tests, from Debian's package: a throwaway cluster in a fresh directory,
# listening on 127.0.0.1 at a free port, trust authentication for local and loopback
# connections, fsync on. Sourced, not run:
#
#     source scripts/postgres.sh
#     dir="$(mktemp -d)"
#     pg_start "$dir"      # exports WPN_PG_URL=postgres://postgres@127.0.0.1:PORT/inbox
#     pg_createdb NAME     # prints postgres://postgres@127.0.0.1:PORT/NAME, a fresh database
#     pg_stop "$dir"       # stops the server and removes the directory
#
# Tests run as root and initdb refuses root, so the cluster belongs to the `postgres` user of
# the package and initdb, pg_ctl and the server run as that user (runuser).
# shellcheck shell=bash

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Installs Debian's `postgresql` package (PostgreSQL 15 on Debian 12) when its binaries are
# missing.
pg_install() {
    if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ] || ! id postgres >/dev/null 2>&1; then
        echo "installing postgresql"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq postgresql >/dev/null
    fi
}

# Prints a TCP port of 127.0.0.1 that is free now.
pg_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# pg_start DIR: creates a cluster in DIR/data (DIR must exist and be empty or new), starts it
# and creates the database `inbox`; exports WPN_PG_URL (that database) and WPN_PG_ADMIN_URL
# (the `postgres` database, for creating more). The server's log is DIR/postgres.log.
pg_start() {
    local dir="$1"
    pg_install
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    chown postgres: "$dir"
    # The path down to DIR must be traversable by the postgres user.
    chmod 0755 "$dir"
    runuser -u postgres -- "$PG_BIN/initdb" --pgdata="$dir/data" --username=postgres \
        --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    local port
    port="$(pg_free_port)"
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 200
EOF
    cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
    runuser -u postgres -- "$PG_BIN/pg_ctl" --pgdata="$dir/data" --log="$dir/postgres.log" \
        --wait --timeout=60 start >/dev/null || {
        cat "$dir/postgres.log" >&2
        return 1
    }
    export WPN_PG_ADMIN_URL="postgres://postgres@127.0.0.1:$port/postgres"
    "$PG_BIN/psql" --quiet --no-psqlrc --set=ON_ERROR_STOP=1 "$WPN_PG_ADMIN_URL" \
        --command="CREATE DATABASE inbox" >/dev/null
    export WPN_PG_URL="postgres://postgres@127.0.0.1:$port/inbox"
    echo "postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# pg_createdb NAME: creates the database NAME on the server of pg_start and prints its URL.
pg_createdb() {
    local name="$1"
    "$PG_BIN/psql" --quiet --no-psqlrc --set=ON_ERROR_STOP=1 "$WPN_PG_ADMIN_URL" \
        --command="CREATE DATABASE \"$name\"" >/dev/null
    echo "${WPN_PG_ADMIN_URL%/*}/$name"
}

# pg_stop DIR: stops the server of pg_start DIR (fast shutdown) and removes DIR.
pg_stop() {
    local dir="$1"
    if [ -f "$dir/data/postmaster.pid" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" --pgdata="$dir/data" --mode=fast \
            --wait --timeout=60 stop >/dev/null || true
    fi
    rm -rf "$dir"
}
