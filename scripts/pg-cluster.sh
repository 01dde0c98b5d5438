# A throw-away PostgreSQL cluster, shared by scripts/test-postgresql and benchmarks/web.py.
# Source it, then:
#   pg_cluster_start PORT [postgres options...]   e.g. pg_cluster_start 54329 -c fsync=off
#   pg_cluster_stop                               stops it and removes its directory
# pg_cluster_start installs Debian's postgresql if missing (needs root), runs initdb as user
# postgres when we are root, listens on 127.0.0.1:PORT only (socket in the cluster directory),
# and exports NWD_PG_CLUSTER (the directory), NWD_PG_BIN and NWD_DATABASE_URL. Options are
# the caller's: tests pass -c fsync=off, a benchmark measures the server's defaults.

pg_cluster_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$bin" ]; then
        if [ "$(id -u)" != 0 ]; then
            echo "pg-cluster: PostgreSQL is not installed and we are not root to apt-get it" >&2
            return 1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$bin"
}

pg_cluster_as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_cluster_start() {
    local port=$1
    shift
    NWD_PG_BIN=$(pg_cluster_bin) || return 1
    NWD_PG_CLUSTER=$(mktemp -d /tmp/nwd-pg.XXXXXX)
    chmod 755 "$NWD_PG_CLUSTER"
    mkdir -p "$NWD_PG_CLUSTER/data" "$NWD_PG_CLUSTER/sock"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres "$NWD_PG_CLUSTER"
    fi
    if ! pg_cluster_as_postgres "$NWD_PG_BIN/initdb" -D "$NWD_PG_CLUSTER/data" -A trust \
        -U postgres >/dev/null ||
        ! pg_cluster_as_postgres "$NWD_PG_BIN/pg_ctl" -D "$NWD_PG_CLUSTER/data" \
            -l "$NWD_PG_CLUSTER/log" -w \
            -o "-p $port -k $NWD_PG_CLUSTER/sock -c listen_addresses=127.0.0.1 $*" start >/dev/null
    then
        cat "$NWD_PG_CLUSTER/log" >&2 2>/dev/null || true
        pg_cluster_stop
        return 1
    fi
    export NWD_PG_BIN NWD_PG_CLUSTER
    export NWD_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
}

pg_cluster_stop() {
    [ -n "${NWD_PG_CLUSTER:-}" ] || return 0
    pg_cluster_as_postgres "$NWD_PG_BIN/pg_ctl" -D "$NWD_PG_CLUSTER/data" -w stop -m fast \
        >/dev/null 2>&1 || true
    rm -rf "$NWD_PG_CLUSTER"
    NWD_PG_CLUSTER=
}
