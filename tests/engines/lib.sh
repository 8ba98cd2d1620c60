# shellcheck shell=bash
# Shared helpers for the engine scripts (sourced; not executable on its own).
#
# Environment (set by run.sh, or by hand when running one script):
#   ENG_RUNTIME   absolute path of the runtime under test (nrunc or /usr/sbin/runc)
#   ENG_OUT       directory for this engine's kept artifacts (calls log, daemon log, runtime logs)
#   ENG_RESULTS   file that receives one line per step: PASS|FAIL|SKIP <engine>/<step> [:: detail]
#   ENG_IMAGE_TAR docker-archive tarball of the busybox image (run.sh builds it with mkimage.py)
#   ENG_ROOTFS    the busybox rootfs the tarball was made from
#   ENG_IMAGE     the image reference inside the tarball
#
# Safety: everything an engine writes lives under one `mktemp -d` ($T); daemons run in a private mount
# namespace with a tmpfs on /run (containerd 1.6 hard-codes /run/containerd/s for shim sockets), cgroups live
# under a parent named after $T's random suffix, and the EXIT trap stops daemons by pid, kills only processes
# whose cgroup or command line is ours, removes our (empty) cgroups with rmdir, and removes $T.

set -u -o pipefail

ENG_RUNTIME=${ENG_RUNTIME:?ENG_RUNTIME must be the runtime binary under test}
ENG_OUT=${ENG_OUT:?}
ENG_RESULTS=${ENG_RESULTS:?}
ENG_IMAGE=${ENG_IMAGE:-localhost/nrunc-busybox:test}
ENG_STEP_TIMEOUT=${ENG_STEP_TIMEOUT:-30}
mkdir -p "$ENG_OUT"

ENG_NAME=""
T=""
CGPARENT=""
CALLS=""
declare -a ENG_CLEANUPS=()
declare -A ENG_FLAGS=()

log() { printf '%s\n' "$*"; }
hr() { printf -- '----- %s\n' "$*"; }

# ---------- results ----------
pass() { printf 'PASS %s/%s\n' "$ENG_NAME" "$1" >>"$ENG_RESULTS"; log "  ok   $1"; }
fail() {
  local name=$1; shift
  local detail="$*"
  printf 'FAIL %s/%s :: %s\n' "$ENG_NAME" "$name" "$(printf '%s' "$detail" | tr '\n' ' ' | cut -c1-600)" >>"$ENG_RESULTS"
  log "  FAIL $name"
  printf '%s\n' "$detail" | sed 's/^/       | /'
}
skip() { printf 'SKIP %s/%s :: %s\n' "$ENG_NAME" "$1" "$2" >>"$ENG_RESULTS"; log "  skip $1 ($2)"; }

# Flags let later steps skip (not fail) when an earlier step they depend on failed.
flag_set() { ENG_FLAGS[$1]=1; }
flag() { [ -n "${ENG_FLAGS[$1]:-}" ]; }
# needs STEP FLAG...: returns 1 and records a SKIP if a flag is missing
needs() {
  local name=$1 f; shift
  for f in "$@"; do
    flag "$f" || { skip "$name" "depends on '$f', which failed"; return 1; }
  done
}

calls_mark() { CALLS_MARK=$(wc -l <"$CALLS" 2>/dev/null || echo 0); }
calls_since_mark() { [ -f "$CALLS" ] && tail -n +"$((CALLS_MARK + 1))" "$CALLS"; }

# t NAME WANT_RC REGEX CMD...
#   WANT_RC: a number, or "!0" (any failure), or "*" (any); REGEX: extended regex the combined output must
#   match ("" = no check). On failure the detail holds the command, rc, output, and the runtime calls
#   (argv, exit status and error text from the logging wrapper) made during the step.
# The combined output stays in $OUT (file $T/out) for further checks.
T_STDIN=/dev/null
t() {
  local name=$1 want_rc=$2 want_re=$3; shift 3
  local rc ok=1 why=""
  calls_mark
  timeout -k 5 "$ENG_STEP_TIMEOUT" "$@" >"$T/out" 2>&1 <"$T_STDIN"
  rc=$?
  OUT=$(cat "$T/out")
  RC=$rc
  case $want_rc in
    '*') ;;
    '!0') [ "$rc" -ne 0 ] || { ok=0; why="exit 0, wanted a failure"; } ;;
    *) [ "$rc" -eq "$want_rc" ] || { ok=0; why="exit $rc, wanted $want_rc"; } ;;
  esac
  [ "$rc" -ne 124 ] || why="timed out after ${ENG_STEP_TIMEOUT}s"
  if [ "$ok" = 1 ] && [ -n "$want_re" ] && ! grep -Eq -- "$want_re" "$T/out"; then
    ok=0; why="output does not match /$want_re/"
  fi
  if [ "$ok" = 1 ]; then pass "$name"; return 0; fi
  fail "$name" "$why
command: $(printf '%q ' "$@")
output: $(head -c 2000 "$T/out")
runtime calls during this step:
$(calls_since_mark | head -c 4000)"
  return 1
}

# check NAME CONDITION-DESCRIPTION CMD...: a host-side assertion without output capture rules
check() {
  local name=$1 what=$2; shift 2
  if "$@" >"$T/chk" 2>&1; then pass "$name"; return 0; fi
  fail "$name" "$what: $(head -c 1500 "$T/chk")"
  return 1
}

# wait_until SECONDS CMD...: polls every 0.2 s
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  while ! "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# ---------- the logging wrapper ----------
# make_wrapper PATH REAL: PATH becomes a bash script that appends its argv to $CALLS and execs REAL.
# create/run/exec/restore are exec'd (the container process must stay a child of the runtime so the shim or
# conmon can reap it); other commands run as a child so the exit status and stderr can be recorded too.
# The wrapper does not export anything into the runtime's environment (PATH may be absent: podman calls
# `state` with only XDG_RUNTIME_DIR), so it uses absolute paths and bash builtins only.
make_wrapper() {
  local path=$1 real=$2
  mkdir -p "$(dirname "$path")"
  mkdir -p "$CALLS.runtime-logs"
  cat >"$path" <<EOF
#!/bin/bash
real=$(printf '%q' "$real")
calls=$(printf '%q' "$CALLS")
sub="" logf="" skipnext=0
for a in "\$@"; do
  if [ \$skipnext = 1 ]; then skipnext=0; [ "\$prev" = log ] && logf=\$a; continue; fi
  case \$a in
    --root|-root|--log-format|-log-format|--criu|-criu|--rootless|-rootless) skipnext=1; prev=other ;;
    --log|-log) skipnext=1; prev=log ;;
    --log=*|-log=*) logf=\${a#*=} ;;
    --version|-version|-v) sub=--version; break ;;
    -*) ;;
    *) sub=\$a; break ;;
  esac
done
line="\$EPOCHREALTIME \$\$ \${sub:-?}:"
for a in "\$@"; do printf -v q ' %q' "\$a"; line+=\$q; done
printf '%s\n' "\$line" >>"\$calls"
case \$sub in
  create|run|exec|restore) exec "\$real" "\$@" ;;
esac
err="\$calls.err.\$\$"
"\$real" "\$@" 2>"\$err"
rc=\$?
if [ \$rc -ne 0 ]; then
  msg=\$(<"\$err")
  printf '%s\n' "!! \$\$ \${sub:-?} exit \$rc; stderr: \${msg//\$'\n'/ \\\\n }" >>"\$calls"
  if [ -n "\$logf" ] && [ -f "\$logf" ]; then
    tl=\$(/usr/bin/tail -n 2 "\$logf")
    printf '%s\n' "!! \$\$ \${sub:-?} --log tail: \${tl//\$'\n'/ \\\\n }" >>"\$calls"
  fi
fi
[ -s "\$err" ] && /bin/cat "\$err" >&2
# keep the runtime's own --log file (containerd deletes it with the bundle): copied after every non-exec call
if [ -n "\$logf" ] && [ -f "\$logf" ]; then
  d=\${logf%/*}; d=\${d##*/}
  /bin/cp "\$logf" "\$calls.runtime-logs/\$d.\${logf##*/}" 2>/dev/null
fi
/bin/rm -f "\$err"
exit \$rc
EOF
  chmod 755 "$path"
}

# calls_has SUBCOMMAND [FLAG]: assert the runtime was called with SUBCOMMAND at least once (the wrapper logs
# before it execs, so this proves the call was made to the binary under test, not that it succeeded).
calls_has() {
  local sub=$1
  local name="${CALLS_PREFIX:-}runtime-called-$sub"
  [ -z "${2:-}" ] || needs "$name" "$2" || return 0
  if grep -Eq "^[0-9.]+ [0-9]+ $sub:" "$CALLS" 2>/dev/null; then
    pass "$name"
  else
    fail "$name" "no '$sub' call recorded in $CALLS (calls: $(grep -v "^!!" "$CALLS" 2>/dev/null | cut -d' ' -f3 | sort | uniq -c | tr '\n' ' '))"
  fi
}

# ---------- setup and teardown ----------
eng_begin() {
  ENG_NAME=$1
  T=$(mktemp -d "/tmp/nrunc-eng-$ENG_NAME.XXXXXX")
  [ -n "$T" ] && [ -d "$T" ] || { echo "mktemp failed" >&2; exit 2; }
  chmod 755 "$T"
  CGPARENT="nrunceng-$ENG_NAME-${T##*.}"
  CALLS="$ENG_OUT/runtime-calls.log"
  : >"$CALLS"
  trap eng_cleanup EXIT
  trap 'exit 130' INT TERM
  hr "$ENG_NAME: runtime $ENG_RUNTIME, temp $T, cgroup parent /$CGPARENT"
}

on_cleanup() { ENG_CLEANUPS+=("$*"); }

# stop_pid PID [SECONDS]: SIGTERM, wait, SIGKILL
stop_pid() {
  local pid=$1 secs=${2:-15} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < secs * 5; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null
  sleep 0.2
}

# Processes that belong to this engine run: in one of our cgroups, or with $T in their command line.
our_pids() {
  local f pid c
  for f in /sys/fs/cgroup/*/"$CGPARENT"; do
    [ -d "$f" ] && find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
  done
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [ "$pid" != $$ ] || continue
    c=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")
    [[ $c == *"$T"* ]] && echo "$pid"
  done
}

eng_kill_leftovers() {
  local f pids pid n=0
  # thaw anything we froze, or SIGKILL cannot finish
  for f in /sys/fs/cgroup/freezer/"$CGPARENT"; do
    [ -d "$f" ] && find "$f" -name freezer.state | while read -r s; do echo THAWED >"$s" 2>/dev/null; done
  done
  pids=$(our_pids | sort -un)
  for pid in $pids; do
    [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] || continue
    kill -KILL "$pid" 2>/dev/null && n=$((n + 1))
  done
  [ $n -eq 0 ] || { log "  cleanup: killed $n leftover process(es): $(echo $pids)"; sleep 0.5; }
}

eng_remove_cgroups() {
  local f
  [ -n "$CGPARENT" ] || return 0
  for f in /sys/fs/cgroup/*/"$CGPARENT"; do
    [ -d "$f" ] || continue
    find "$f" -depth -type d -exec rmdir {} + 2>/dev/null
    [ ! -d "$f" ] || log "  cleanup: could not remove cgroup $f"
  done
}

eng_cleanup() {
  local rc=$? i
  set +e
  trap - EXIT
  for ((i = ${#ENG_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${ENG_CLEANUPS[$i]}"; done
  eng_kill_leftovers
  eng_remove_cgroups
  if [ -n "$T" ] && [ -d "$T" ] && [[ $T == /tmp/nrunc-eng-* ]]; then
    # anything still mounted under $T (there should be nothing in this namespace) must not be crossed
    grep -F " $T" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf --one-file-system "$T"
  fi
  log "$ENG_NAME: done"
  exit "$rc"
}

# start_in_private_mountns LOGFILE CMD...: runs CMD in the background in a new mount namespace whose /run is
# an empty tmpfs; prints the pid (the command execs, so the pid is the daemon's).
start_in_private_mountns() {
  local logf=$1; shift
  unshare --mount --propagation private -- /bin/sh -c 'mount -t tmpfs -o mode=755 tmpfs /run && exec "$@"' sh "$@" \
    >>"$logf" 2>&1 </dev/null &
  echo $!
}

have() { command -v "$1" >/dev/null 2>&1; }
