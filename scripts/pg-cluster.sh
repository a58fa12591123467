#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL 15 cluster for tests.
#
#   pg-cluster.sh start DIR PORT     initdb DIR if it is not a cluster yet, then start it on
#                                    127.0.0.1:PORT; prints the connection URL on stdout
#   pg-cluster.sh stop DIR [MODE]    stop it (MODE: fast (default), smart, immediate);
#                                    a cluster that is not running is not an error
#   pg-cluster.sh status DIR         exit 0 if running, 3 if not (pg_ctl's codes)
#
# A stopped cluster keeps its data: `start` on the same DIR restarts it. The server runs as
# the `postgres` user (we must be root, or postgres itself); DIR is created and chowned to
# postgres, and its parent directories under /tmp are made traversable (o+x) if they are not.
# The server log is DIR/server.log; the Unix socket goes in DIR (or /tmp if DIR is too long).
# initdb's output goes to a temp file (PG_CLUSTER_INITDB_LOG=FILE to choose it), shown on failure.
# If IR_SERVICES_PG_REGISTRY names a file (scripts/with-services.sh sets it), started
# clusters are listed there so the wrapper can stop any a test left running.
set -uo pipefail

PG_BIN=${IR_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
TIMEOUT=${PG_CLUSTER_TIMEOUT:-30}
INITDB_TMP=''

die() { printf 'pg-cluster: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: pg-cluster.sh start DIR PORT | stop DIR [fast|smart|immediate] | status DIR"; }

# Run a command line (already quoted) as postgres, from a directory postgres can enter.
as_pg() {
  if [[ $(id -un) == postgres ]]; then (cd / && bash -c "$1"); else (cd / && su postgres -s /bin/sh -c "$1"); fi
}

abs() { realpath -m -- "$1"; }

start() {
  local dir port log sockdir q
  dir=$(abs "$1") port=$2
  [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [[ -x $PG_BIN/pg_ctl ]] || die "$PG_BIN/pg_ctl not found (install postgresql)"
  log=$dir/server.log

  if [[ $(id -un) != postgres ]]; then
    mkdir -p -- "$dir" || die "cannot create $dir"
    chown postgres:postgres -- "$dir" && chmod 700 -- "$dir" || die "cannot chown $dir to postgres"
    # postgres must be able to reach DIR: open up parents under /tmp (e.g. a 0700 mkdtemp dir).
    local p
    p=$(dirname -- "$dir")
    while [[ $p != / ]]; do
      if [[ $p == /tmp/* || ( -n ${TMPDIR:-} && $p == "$TMPDIR"/* ) ]] &&
        [[ $(stat -c %A -- "$p") != ?????????[xt] ]]; then
        chmod o+x -- "$p" || die "postgres cannot reach $dir and $p cannot be opened up"
      fi
      p=$(dirname -- "$p")
    done
  fi

  if [[ ! -f $dir/PG_VERSION ]]; then
    # initdb's output goes to a file, not a pipe, so that initdb and its bootstrap backend
    # never get SIGPIPE if this script is killed half-way
    local initlog=${PG_CLUSTER_INITDB_LOG:-}
    if [[ -z $initlog ]]; then
      INITDB_TMP=$(mktemp /tmp/pg-cluster-initdb.XXXXXX) || die "mktemp failed"
      initlog=$INITDB_TMP
      trap 'rm -f -- "$INITDB_TMP"' EXIT
      trap 'exit 143' TERM
      trap 'exit 130' INT
    fi
    printf -v q '%q ' "$PG_BIN/initdb" -D "$dir" -A trust -U postgres --encoding=UTF8 --locale=C --no-sync
    if ! as_pg "$q" >"$initlog" 2>&1; then
      tail -n 20 "$initlog" >&2
      die "initdb failed for $dir (is it empty and reachable by the postgres user?)"
    fi
    # Everyone is trusted but two roles, which must give a password over TCP (SCRAM and MD5):
    # the tests that connect with a password create them.
    printf -v q '%q ' sh -c '{ printf "%s\n" "$2" "$3"; cat "$1"; } >"$1.new" && mv "$1.new" "$1"' sh \
      "$dir/pg_hba.conf" "host all ir_password_scram 127.0.0.1/32 scram-sha-256" \
      "host all ir_password_md5 127.0.0.1/32 md5"
    as_pg "$q" || die "could not write $dir/pg_hba.conf"
  fi

  if [[ -f $dir/postmaster.pid ]] && status "$dir"; then die "a server is already running in $dir"; fi
  sockdir=$dir
  (( ${#dir} + 20 > 100 )) && sockdir=/tmp # Unix socket paths are limited to 107 bytes
  printf -v sockdir '%q' "$sockdir"        # pg_ctl passes -o through /bin/sh
  printf -v q '%q ' "$PG_BIN/pg_ctl" -D "$dir" \
    -o "-p $port -k $sockdir -c listen_addresses=127.0.0.1 -c max_connections=40" \
    -l "$log" -w -t "$TIMEOUT" start
  if [[ -n ${IR_SERVICES_PG_REGISTRY:-} ]]; then printf '%s\n' "$dir" >>"$IR_SERVICES_PG_REGISTRY"; fi
  if ! out=$(as_pg "$q" 2>&1); then
    printf '%s\n' "$out" >&2
    [[ -f $log ]] && { printf -- '--- tail of %s ---\n' "$log" >&2; tail -n 20 -- "$log" >&2; }
    die "PostgreSQL did not start (dir $dir, port $port)"
  fi
  printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$port"
}

stop() {
  local dir mode q out
  dir=$(abs "$1") mode=${2:-fast}
  [[ $mode == fast || $mode == smart || $mode == immediate ]] || die "unknown stop mode '$mode'"
  [[ -f $dir/postmaster.pid ]] || return 0
  status "$dir" || return 0 # stale postmaster.pid: nothing is running
  printf -v q '%q ' "$PG_BIN/pg_ctl" -D "$dir" -m "$mode" -w -t "$TIMEOUT" stop
  if ! out=$(as_pg "$q" 2>&1); then
    printf '%s\n' "$out" >&2
    die "could not stop PostgreSQL in $dir"
  fi
}

status() {
  local q
  printf -v q '%q ' "$PG_BIN/pg_ctl" -D "$(abs "$1")" status
  as_pg "$q" >/dev/null 2>&1
}

case ${1:-} in
  start) (( $# == 3 )) || usage; start "$2" "$3" ;;
  stop) (( $# == 2 || $# == 3 )) || usage; stop "$2" "${3:-fast}" ;;
  status) (( $# == 2 )) || usage; status "$2" ;;
  *) usage ;;
esac
