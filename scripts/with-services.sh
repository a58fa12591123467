#!/usr/bin/env bash
# Run a command with the real services the integration tests need:
#
#   bash scripts/with-services.sh COMMAND [ARGS...]
#
# Starts (on free 127.0.0.1 ports, all state in one temp dir) a throwaway PostgreSQL 15
# cluster, Alertmanager, Prometheus and a private Docker Engine with a busybox image,
# exports where each one is, runs COMMAND and exits with its exit code. On any exit
# (normal, error, SIGINT/SIGTERM/SIGHUP) it stops every process it started and removes
# its temp dirs.
#
# Exported to COMMAND:
#   IR_TEST_PG_URL                 postgres://postgres@127.0.0.1:PORT/postgres (trust auth)
#   IR_TEST_PG_BIN                 /usr/lib/postgresql/15/bin
#   IR_TEST_PG_CLUSTER_SCRIPT      scripts/pg-cluster.sh (start DIR PORT / stop DIR [MODE])
#   IR_SERVICES_PG_REGISTRY        file where pg-cluster.sh lists clusters (stopped on exit)
#   IR_TEST_ALERTMANAGER_URL       http://127.0.0.1:PORT
#   IR_TEST_ALERTMANAGER_CONFIG    its config file (rewrite it, then POST /-/reload)
#   IR_TEST_PROMETHEUS_URL         http://127.0.0.1:PORT (--web.enable-lifecycle: POST /-/reload)
#   IR_TEST_PROMETHEUS_CONFIG      its config file
#   IR_TEST_PROMETHEUS_TARGETS_FILE  file_sd JSON for job "ir-test" (initially [])
#   IR_TEST_PROMETHEUS_RULES_DIR   rule_files: RULES_DIR/*.yml
#   IR_TEST_DOCKER_SOCKET          Unix socket of the private dockerd
#   IR_TEST_DOCKER_IMAGE           ir-test/busybox:latest (static busybox, PATH=/bin)
#   IR_TEST_CHROMIUM_PATH          Debian's Chromium (/usr/bin/chromium), for the browser tests
#
# IR_SERVICES_SKIP="pg,docker" (names: pg, prometheus, alertmanager, docker, chromium; comma or
# space separated) skips services. The integration tests that need a skipped service are then
# skipped (the summary of scripts/test.sh says so); without IR_SERVICES_SKIP, a test whose
# service is missing fails (scripts/test-support/requireService.ts), with or without CI.
# IR_SERVICES_TIMEOUT (default 30) bounds every wait.
# If the services cannot be started the script exits 125 without running COMMAND.
set -uo pipefail

if (( $# == 0 )); then
  echo "usage: bash scripts/with-services.sh COMMAND [ARGS...]" >&2
  exit 2
fi

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
TIMEOUT=${IR_SERVICES_TIMEOUT:-30}
IMAGE=ir-test/busybox:latest
T_START=${EPOCHREALTIME//[!0-9]/}

# ---------------------------------------------------------------------------- helpers

log() { printf '[services] %s\n' "$*" >&2; }
now_us() { local t=${EPOCHREALTIME//[!0-9]/}; printf '%s' "$t"; }
since() { local t; t=$(now_us); printf '%d.%02ds' $(( (t - $1) / 1000000 )) $(( (t - $1) / 10000 % 100 )); }
tail_log() { [[ -s $1 ]] && { printf -- '--- last lines of %s ---\n' "$1"; tail -n "${2:-25}" -- "$1"; printf -- '---\n'; } >&2; }
# fail SERVICE MESSAGE [LOGFILE]: report a startup failure and exit (the EXIT trap cleans up)
fail() { log "FAILED: $1: $2"; [[ -n ${3:-} ]] && tail_log "$3"; exit 125; }

SKIP_LIST=${IR_SERVICES_SKIP:-}
SKIP_LIST=${SKIP_LIST//,/ }
skipped() {
  local s
  for s in $SKIP_LIST; do
    [[ $s == postgres || $s == postgresql ]] && s=pg
    [[ $s == "$1" ]] && return 0
  done
  return 1
}
for s in $SKIP_LIST; do
  case $s in pg | postgres | postgresql | prometheus | alertmanager | docker) ;;
    chromium) ;;
    *) log "warning: IR_SERVICES_SKIP: unknown service '$s' (known: pg, prometheus, alertmanager, docker, chromium)" ;;
  esac
done

descendants() { # all descendant PIDs of $1
  ps -e -o pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 }
    END { for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q]; if (q == root && p != root) print p } }'
}

# alive PID: running and not a zombie (processes whose parent exited are reaped late here)
alive() {
  local st
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) }
  [[ ${st:0:1} != Z ]]
}

any_alive() { local p; for p in "$@"; do alive "$p" && return 0; done; return 1; }

# kill_hard PID...: SIGKILL, wait, and drop the SysV shared memory they had attached (a
# SIGKILLed postmaster leaves its small segment behind)
kill_hard() {
  local p keys=() i
  (( $# )) || return 0
  for p in "$@"; do
    keys+=($(grep -o 'SYSV[0-9a-f]\{8\}' "/proc/$p/maps" 2>/dev/null | sort -u | sed 's/^SYSV/0x/'))
    kill -KILL "$p" 2>/dev/null
  done
  for (( i = 0; i < 40; i++ )); do any_alive "$@" || break; sleep 0.05; done
  for p in $(printf '%s\n' "${keys[@]}" | sort -u); do ipcrm -M "$p" 2>/dev/null; done
}

# stop_pid NAME PID [SECONDS]: SIGTERM, wait, then SIGKILL
stop_pid() {
  local name=$1 pid=$2 secs=${3:-10} i
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for (( i = 0; i < secs * 20; i++ )); do alive "$pid" || break; sleep 0.05; done
    if alive "$pid"; then
      log "$name (pid $pid) did not stop within ${secs}s; killing it"
      kill_hard "$pid"
    fi
  fi
  wait "$pid" 2>/dev/null # reap it if it is our child
  return 0
}

http_ok() { # http_ok URL [UNIX_SOCKET]
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 ${2:+--unix-socket "$2"} "$1" 2>/dev/null
  else
    node -e '
      const [url, sock] = process.argv.slice(1), u = new URL(url);
      const req = require("http").get({ socketPath: sock || undefined, host: u.hostname, port: u.port, path: u.pathname, timeout: 2000 },
        (res) => process.exit(res.statusCode === 200 ? 0 : 1));
      req.on("error", () => process.exit(1)).on("timeout", () => process.exit(1));' "$1" "${2:-}"
  fi
}

# wait_ready NAME PID LOG CHECK...: poll CHECK until it succeeds, the process dies or TIMEOUT
wait_ready() {
  local name=$1 pid=$2 logf=$3 deadline
  shift 3
  deadline=$(( $(now_us) + TIMEOUT * 1000000 ))
  until "$@"; do
    alive "$pid" || fail "$name" "process exited during startup" "$logf"
    (( $(now_us) < deadline )) || fail "$name" "not ready after ${TIMEOUT}s" "$logf"
    sleep 0.05
  done
}

free_ports() { # free_ports N: N distinct free loopback ports
  node -e '
    const net = require("net"), n = +process.argv[1], servers = [];
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        if (++ready === n) { console.log(servers.map((x) => x.address().port).join(" ")); servers.forEach((x) => x.close()); }
      });
      servers.push(s);
    }' "$1"
}

# -------------------------------------------------------------------- cleanup (trap)

BASE='' EXEC_ROOT='' CMD_PID='' CMD_TREE='' CLEANED=0 DOCKER_CMD=()
AM_PID='' PROM_PID='' DOCKERD_PID='' DOCKER_BRIDGE='' DOCKER0_EXISTED=1
declare -A JOB=() # background startup jobs
CREATED_GLOBAL=() # host paths dockerd/containerd create that did not exist before (removed if empty)

pids_mentioning() { # PIDs whose command line contains one of the given (non-empty) strings
  local f pid a pats=()
  for a in "$@"; do [[ -n $a ]] && pats+=(-e "$a"); done
  (( ${#pats[@]} )) || return 0
  for f in $(grep -lsaF "${pats[@]}" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    [[ $pid != "$$" && $pid != "$BASHPID" ]] && printf '%s\n' "$pid"
  done
}

cleanup_docker() {
  local cli=("${DOCKER_CMD[@]}") ids id p f i
  if alive "$DOCKERD_PID"; then
    # remove containers first (SIGKILL), so dockerd need not wait for their stop timeouts
    ids=$(timeout 10 "${cli[@]}" ps -aq 2>/dev/null)
    [[ -n $ids ]] && timeout 20 "${cli[@]}" rm -f $ids >/dev/null 2>&1
    # Once dockerd has logged "Daemon shutdown complete" and its containerd has exited, it
    # only idles ~1 s in its containerd supervisor loop before exiting: cut that short.
    p=$(cat "$EXEC_ROOT/containerd/containerd.pid" 2>/dev/null)
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for (( i = 0; i < 200; i++ )); do
      alive "$DOCKERD_PID" || break
      if ! alive "$p" && grep -qs 'Daemon shutdown complete' "$BASE/docker/dockerd.log"; then
        kill -KILL "$DOCKERD_PID" 2>/dev/null
        break
      fi
      sleep 0.05
    done
    stop_pid dockerd "$DOCKERD_PID" 1
  fi
  wait "$DOCKERD_PID" 2>/dev/null
  # containerd, shims and anything else still pointing at our dirs
  for p in $(pids_mentioning "$EXEC_ROOT" "$BASE/docker"); do kill -TERM "$p" 2>/dev/null; done
  for (( i = 0; i < 40; i++ )); do [[ -z $(pids_mentioning "$EXEC_ROOT" "$BASE/docker") ]] && break; sleep 0.05; done
  kill_hard $(pids_mentioning "$EXEC_ROOT" "$BASE/docker")
  # processes of containers whose shim is gone (only possible if dockerd was killed)
  for id in "$BASE"/docker/data/containers/*/; do
    id=$(basename -- "$id")
    [[ $id == '*' ]] && continue
    for f in /sys/fs/cgroup/*/docker/"$id"/cgroup.procs /sys/fs/cgroup/docker/"$id"/cgroup.procs; do
      [[ -f $f ]] || continue
      while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$f"
      sleep 0.1
      rmdir -- "$(dirname -- "$f")" 2>/dev/null
    done
  done
  if [[ -n $DOCKER_BRIDGE ]]; then ip link delete "$DOCKER_BRIDGE" 2>/dev/null; fi
  # without our own bridge dockerd made docker0; remove it unless it was there before
  if (( ! DOCKER0_EXISTED )); then ip link delete docker0 2>/dev/null; fi
}

cleanup() {
  (( CLEANED )) && return
  CLEANED=1
  trap '' INT TERM HUP # finish cleaning up; every wait below is bounded
  local t p d i
  t=$(now_us)
  if [[ -n $CMD_PID ]]; then # interrupted: stop the command and what it started (test workers)
    alive "$CMD_PID" && CMD_TREE+=" $(descendants "$CMD_PID")"
    stop_pid "command" "$CMD_PID" 10
    for p in $CMD_TREE; do alive "$p" && kill -TERM "$p" 2>/dev/null; done
    for (( i = 0; i < 20; i++ )); do any_alive $CMD_TREE || break; sleep 0.05; done
    kill_hard $(for p in $CMD_TREE; do alive "$p" && echo "$p"; done)
  fi
  # startup jobs still running (interrupted during startup), with what they started
  # PostgreSQL processes are left out: `postgres --boot` (inside initdb) exits by itself
  # once initdb is gone, and a postmaster that got started is stopped with the cluster below.
  local jobtree=() pgpids=()
  for p in "${JOB[@]}"; do
    alive "$p" || continue
    for d in "$p" $(descendants "$p"); do
      if [[ $(cat "/proc/$d/comm" 2>/dev/null) == postgres ]]; then pgpids+=("$d"); else jobtree+=("$d"); fi
    done
  done
  if (( ${#jobtree[@]} )); then
    kill -TERM "${jobtree[@]}" 2>/dev/null
    for (( i = 0; i < 100; i++ )); do any_alive "${jobtree[@]}" || break; sleep 0.05; done
  fi

  [[ -n $BASE ]] || return
  if [[ -n $EXEC_ROOT ]]; then
    cleanup_docker
  fi
  [[ -n $PROM_PID ]] && stop_pid prometheus "$PROM_PID" 10
  [[ -n $AM_PID ]] && stop_pid alertmanager "$AM_PID" 10
  # the main cluster and any a test started with pg-cluster.sh and left running
  if [[ -d $BASE/pg ]]; then
    { [[ -f $BASE/pg/clusters ]] && sort -u "$BASE/pg/clusters"; echo "$BASE/pg/data"; } |
      while read -r d; do
        if [[ -f $d/postmaster.pid ]]; then
          timeout 15 "$SCRIPT_DIR/pg-cluster.sh" stop "$d" fast >/dev/null 2>&1 ||
            timeout 15 "$SCRIPT_DIR/pg-cluster.sh" stop "$d" immediate >/dev/null 2>&1
        fi
        # a postmaster whose data dir was deleted under it, or that would not stop
        kill_hard $(pids_mentioning "$d")
      done
  fi
  # last resort: anything still running from our dirs
  kill_hard $(pids_mentioning "$BASE" ${EXEC_ROOT:+"$EXEC_ROOT"})

  # leftover mounts (dockerd bind-mounts its data-root; overlays/netns if it died)
  for d in $(awk -v a="$BASE" -v b="${EXEC_ROOT:-//}" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount -l "$d" 2>/dev/null
  done
  rm -rf --one-file-system -- "$BASE" ${EXEC_ROOT:+"$EXEC_ROOT"} 2>/dev/null ||
    log "warning: could not remove all of $BASE ${EXEC_ROOT}"
  # an initdb interrupted at the wrong moment can leave its bootstrap backend's SysV
  # segment behind: drop segments created by the PostgreSQL processes of our startup job
  if (( ${#pgpids[@]} )); then
    for d in $(ipcs -m -p 2>/dev/null | awk -v pids=" ${pgpids[*]} " '$2 == "postgres" && index(pids, " " $3 " ") { print $1 }'); do
      ipcrm -m "$d" 2>/dev/null
    done
  fi
  for (( i = ${#CREATED_GLOBAL[@]} - 1; i >= 0; i-- )); do
    d=${CREATED_GLOBAL[i]}
    if [[ -d $d ]]; then rmdir -- "$d" 2>/dev/null; else rm -f -- "$d"; fi
  done
  log "services stopped in $(since "$t")"
}

on_signal() {
  log "received SIG$1, stopping"
  if alive "$CMD_PID"; then
    CMD_TREE=$(descendants "$CMD_PID") # before they are orphaned
    kill "-$1" "$CMD_PID" 2>/dev/null
  fi
  exit "$2"
}

trap 'rc=$?; cleanup; exit $rc' EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# ----------------------------------------------------------------------- packages

need_install=()
[[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] || need_install+=(postgresql)
command -v prometheus >/dev/null && command -v promtool >/dev/null || need_install+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need_install+=(prometheus-alertmanager)
command -v dockerd >/dev/null && [[ -x /usr/bin/docker ]] || need_install+=(docker.io)
# busybox-static: the image needs a static binary (plain `busybox` also has /bin/busybox)
[[ -x /bin/busybox ]] && dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
  need_install+=(busybox-static)
# Debian's check-postgres ships /usr/bin/check_postgres (+ check_postgres_* links), not check_postgres.pl
command -v check_postgres_backends >/dev/null && [[ -x /usr/bin/check_postgres ]] || need_install+=(check-postgres)
# strace: the journal tests watch the fsync calls a new journal makes on its directories
command -v strace >/dev/null || need_install+=(strace)
# Debian's Chromium: the web pages are tested in a real browser (playwright-core drives it)
skipped chromium || [[ -x /usr/bin/chromium ]] || need_install+=(chromium)
if (( ${#need_install[@]} )); then
  log "missing: ${need_install[*]}; installing packages (apt-get)"
  t=$(now_us)
  apt_log=$(mktemp /tmp/ir-services-apt.XXXXXX)
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade \
    "${need_install[@]}"; } >"$apt_log" 2>&1; then
    tail_log "$apt_log" 30
    rm -f "$apt_log"
    fail packages "apt-get install failed (we need root and the Debian repositories)"
  fi
  rm -f "$apt_log"
  log "packages installed in $(since "$t")"
fi

# ------------------------------------------------------------------------- layout

BASE=$(mktemp -d /tmp/ir-services.XXXXXX) || fail setup "mktemp failed"
chmod 711 "$BASE" # postgres must traverse it
read -r PG_PORT AM_PORT PROM_PORT < <(free_ports 3)
[[ -n ${PROM_PORT:-} ]] || fail setup "could not pick free ports (node missing?)"


# --------------------------------------------------------------------- PostgreSQL

start_pg() {
  local t logf=$BASE/pg/start.log
  t=$(now_us)
  install -d -o postgres -g postgres -m 700 "$BASE/pg" || fail postgres "cannot create $BASE/pg (no postgres user?)"
  # --foreground: on SIGTERM timeout would signal its whole process group, and a SIGTERMed
  # `postgres --boot` (inside initdb) leaks its SysV shared memory segment
  if ! IR_SERVICES_PG_REGISTRY='' PG_CLUSTER_TIMEOUT=$TIMEOUT PG_CLUSTER_INITDB_LOG=$BASE/pg/initdb.log timeout --foreground $(( TIMEOUT + 10 )) "$SCRIPT_DIR/pg-cluster.sh" start "$BASE/pg/data" "$PG_PORT" \
    >/dev/null 2>"$logf"; then
    cat "$logf" >&2
    fail postgres "could not start the cluster on 127.0.0.1:$PG_PORT" "$BASE/pg/data/server.log"
  fi
  log "postgres     ready at 127.0.0.1:$PG_PORT in $(since "$t")"
}

# ------------------------------------------------------------------- Alertmanager

start_alertmanager() {
  local t d=$BASE/alertmanager
  t=$(now_us)
  mkdir -p "$d/data"
  cat >"$d/alertmanager.yml" <<'EOF'
route:
  receiver: "null"
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: "null"
EOF
  setsid prometheus-alertmanager --config.file="$d/alertmanager.yml" --storage.path="$d/data" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= </dev/null >"$d/alertmanager.log" 2>&1 &
  AM_PID=$!
  wait_ready alertmanager "$AM_PID" "$d/alertmanager.log" http_ok "http://127.0.0.1:$AM_PORT/-/ready"
  log "alertmanager ready at http://127.0.0.1:$AM_PORT in $(since "$t")"
}

# --------------------------------------------------------------------- Prometheus

start_prometheus() {
  local t d=$BASE/prometheus out
  t=$(now_us)
  mkdir -p "$d/rules" "$d/data"
  echo '[]' >"$d/targets.json"
  {
    cat <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - "$d/rules/*.yml"
scrape_configs:
  - job_name: ir-test
    file_sd_configs:
      - files: ["$d/targets.json"]
        refresh_interval: 1s
EOF
    if [[ -n $AM_PID ]]; then
      cat <<EOF
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$AM_PORT"]
EOF
    fi
  } >"$d/prometheus.yml"
  out=$(promtool check config "$d/prometheus.yml" 2>&1) || { printf '%s\n' "$out" >&2; fail prometheus "promtool check config rejected $d/prometheus.yml"; }
  setsid prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle </dev/null >"$d/prometheus.log" 2>&1 &
  PROM_PID=$!
  wait_ready prometheus "$PROM_PID" "$d/prometheus.log" http_ok "http://127.0.0.1:$PROM_PORT/-/ready"
  log "prometheus   ready at http://127.0.0.1:$PROM_PORT in $(since "$t")"
}

# ------------------------------------------------------------------------- Docker

# A private bridge (instead of the shared docker0) so parallel runs do not collide and
# nothing is left on the host. Echoes the bridge name, or nothing if it cannot be made.
make_bridge() {
  command -v ip >/dev/null || return 0
  local name="irbr${BASE##*.}" n tries
  name=${name:0:15}
  for (( tries = 0; tries < 20; tries++ )); do
    n=$(( RANDOM % 250 + 2 ))
    # free if only the default route covers 10.213.n.0/24
    [[ -z $(ip -4 route show match "10.213.$n.0/24" | grep -v '^default') ]] || continue
    ip link add "$name" type bridge 2>/dev/null || return 0
    if ip addr add "10.213.$n.1/24" dev "$name" && ip link set "$name" up; then
      printf '%s' "$name"
      return 0
    fi
    ip link delete "$name" 2>/dev/null
    return 0
  done
}

# Done in the main shell, so cleanup knows about it even if the docker job is interrupted.
prepare_docker() {
  local g
  DOCKER_BIN=/usr/bin/docker # Debian's CLI, same version as dockerd (a newer one may come first in PATH)
  [[ -x $DOCKER_BIN ]] || DOCKER_BIN=$(command -v docker) || fail docker "no docker CLI found"
  DOCKER_CMD=("$DOCKER_BIN" -H "unix://$BASE/docker/d.sock")
  EXEC_ROOT=$(mktemp -d /tmp/ird.XXXXXX) || fail docker "mktemp failed" # short: socket paths
  mkdir -p "$BASE/docker/data"
  for g in /etc/docker/key.json /opt/containerd /opt/containerd/bin /opt/containerd/lib \
    /run/containerd /run/containerd/s /run/docker /run/docker/plugins /run/mount; do
    [[ -e $g ]] || CREATED_GLOBAL+=("$g")
  done
  for g in /sys/fs/cgroup/*/; do # cgroupfs driver: parent cgroup "docker" in each hierarchy
    [[ -e ${g}docker ]] || CREATED_GLOBAL+=("${g}docker")
  done
  DOCKER_BRIDGE=$(make_bridge)
  if [[ -z $DOCKER_BRIDGE ]] && ! ip link show docker0 >/dev/null 2>&1; then DOCKER0_EXISTED=0; fi
}

launch_dockerd() {
  local d=$BASE/docker sock=$BASE/docker/d.sock bridge_opt=()
  DOCKER_T0=$(now_us)
  # our own daemon.json: ignore the host's /etc/docker/daemon.json, keep key.json out of /etc/docker
  printf '{"deprecated-key-path": "%s/key.json"}\n' "$d" >"$d/daemon.json"
  if [[ -n $DOCKER_BRIDGE ]]; then bridge_opt=(--bridge="$DOCKER_BRIDGE"); fi
  # --ip-forward=false: do not flip the host's net.ipv4.ip_forward (published ports still
  # work through docker-proxy; containers have no outside network anyway)
  setsid dockerd --host "unix://$sock" --data-root "$d/data" --exec-root "$EXEC_ROOT" \
    --pidfile "$d/dockerd.pid" --config-file "$d/daemon.json" \
    --iptables=false --ip6tables=false --ip-forward=false "${bridge_opt[@]}" \
    </dev/null >"$d/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
}

# wait for dockerd, make the image, run one container (in the background)
start_docker() {
  local t=$DOCKER_T0 d=$BASE/docker sock=$BASE/docker/d.sock out a img=$BASE/docker/rootfs t_ready
  wait_ready dockerd "$DOCKERD_PID" "$d/dockerd.log" http_ok "http://docker/_ping" "$sock"
  t_ready=$(since "$t")

  # image: Debian's static busybox with an applet link for each command
  mkdir -p "$img/bin" "$img/etc" "$img/tmp" "$img/root"
  chmod 1777 "$img/tmp"
  cp /bin/busybox "$img/bin/busybox"
  # every applet (at least these); one process for ~270 links (perl-base is essential in Debian)
  local applets=(sh sleep echo httpd cat ls true false kill wget yes head printf env $(/bin/busybox --list 2>/dev/null))
  if command -v perl >/dev/null; then
    perl -e 'my $d = shift; for (@ARGV) { symlink "busybox", "$d/$_" unless $_ eq "busybox" || -l "$d/$_" }' "$img/bin" "${applets[@]}"
  else
    for a in "${applets[@]}"; do [[ $a == busybox || -L $img/bin/$a ]] || ln -s busybox "$img/bin/$a"; done
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$img/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$img/etc/group"
  if ! out=$(tar -C "$img" --numeric-owner --owner=0 --group=0 -cf - . |
    timeout "$TIMEOUT" "${DOCKER_CMD[@]}" import -c 'ENV PATH=/bin' - "$IMAGE" 2>&1); then
    printf '%s\n' "$out" >&2
    fail docker "docker import of $IMAGE failed" "$d/dockerd.log"
  fi
  rm -rf "$img"

  # one real container, to know that running them works here
  out=$(timeout "$TIMEOUT" "${DOCKER_CMD[@]}" run --rm "$IMAGE" echo ok 2>"$d/run-check.log")
  if [[ $out != ok ]]; then
    log "docker: 'docker run --rm $IMAGE echo ok' failed ($(tail -n 1 "$d/run-check.log")); retrying with --network none"
    out=$(timeout "$TIMEOUT" "${DOCKER_CMD[@]}" run --rm --network none "$IMAGE" echo ok 2>>"$d/run-check.log")
    [[ $out == ok ]] || fail docker "cannot run a container (see below)" "$d/run-check.log"
    log "docker: WARNING: containers only run with --network none (bridge networking is broken)"
  fi
  log "docker       ready at $sock in $t_ready (image + test container: $(since "$t"))${DOCKER_BRIDGE:+, bridge $DOCKER_BRIDGE}"
}

# ------------------------------------------------------------------------- start

# PostgreSQL and the Docker image/check run in the background while Alertmanager and
# Prometheus start here; each background job exits non-zero (after logging why) if its
# service failed. Long-running processes are started by this shell itself (or by pg_ctl),
# so cleanup knows their PIDs even if startup is interrupted.
if ! skipped pg; then
  ( trap - EXIT; start_pg ) &
  JOB[pg]=$!
fi
if ! skipped docker; then
  prepare_docker
  launch_dockerd
  ( trap - EXIT; start_docker ) &
  JOB[docker]=$!
fi
skipped alertmanager || start_alertmanager
skipped prometheus || start_prometheus

failed=()
for s in "${!JOB[@]}"; do wait "${JOB[$s]}" || failed+=("$s"); done
(( ${#failed[@]} == 0 )) || fail "${failed[*]}" "startup failed (see above)"

if ! skipped pg; then
  export IR_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export IR_TEST_PG_BIN=$PG_BIN
  export IR_TEST_PG_CLUSTER_SCRIPT=$SCRIPT_DIR/pg-cluster.sh
  export IR_SERVICES_PG_REGISTRY=$BASE/pg/clusters
  : >"$IR_SERVICES_PG_REGISTRY"
fi
if ! skipped alertmanager; then
  export IR_TEST_ALERTMANAGER_URL="http://127.0.0.1:$AM_PORT"
  export IR_TEST_ALERTMANAGER_CONFIG=$BASE/alertmanager/alertmanager.yml
fi
if ! skipped prometheus; then
  export IR_TEST_PROMETHEUS_URL="http://127.0.0.1:$PROM_PORT"
  export IR_TEST_PROMETHEUS_CONFIG=$BASE/prometheus/prometheus.yml
  export IR_TEST_PROMETHEUS_TARGETS_FILE=$BASE/prometheus/targets.json
  export IR_TEST_PROMETHEUS_RULES_DIR=$BASE/prometheus/rules
fi
if ! skipped chromium; then
  export IR_TEST_CHROMIUM_PATH=/usr/bin/chromium
fi
if ! skipped docker; then
  export IR_TEST_DOCKER_SOCKET=$BASE/docker/d.sock
  export IR_TEST_DOCKER_IMAGE=$IMAGE
fi
log "all services ready in $(since "$T_START") (state in $BASE)${IR_SERVICES_SKIP:+; skipped: $IR_SERVICES_SKIP}"

# ------------------------------------------------------------------------- run

# In the background so that a signal to this script is handled at once (bash defers traps
# while a foreground child runs); stdin is passed on explicitly (bash would give it /dev/null).
if { : <&0; } 2>/dev/null; then "$@" <&0 & else "$@" </dev/null & fi
CMD_PID=$!
wait "$CMD_PID"
rc=$?
CMD_PID=''
exit "$rc"
