#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for tests: `source scripts/postgres.sh; pg_start; …; pg_stop`.
# pg_start exports PARLOUR_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:PORT/postgres). The cluster
# lives in a temp dir, listens on loopback only, trusts local connections, and is removed by pg_stop.

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || { echo "[postgres] initdb not found; run scripts/setup.sh" >&2; return 1; }
  echo "$dir"
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# initdb and postgres refuse to run as root: run them as the `postgres` system user then.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local bin port
  bin=$(pg_bin_dir) || return 1
  PG_TEST_DIR=$(mktemp -d /tmp/parlour-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_TEST_DIR"
  port=$(pg_free_port)
  pg_as_owner "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PG_TEST_DIR/initdb.log" 2>&1 \
    || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
  pg_as_owner "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -w -t 60 -l "$PG_TEST_DIR/server.log" \
    -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null \
    || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
  export PG_TEST_BIN=$bin PG_TEST_DIR
  export PARLOUR_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "[postgres] private cluster on 127.0.0.1:$port"
}

pg_stop() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  pg_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
  unset PG_TEST_DIR PARLOUR_TEST_POSTGRES_URL
}
