#!/usr/bin/env bash
# podman 4.3 + conmon 2.1 with --runtime set to a logging wrapper in front of $ENG_RUNTIME, twice:
#   own-name:  the wrapper is called `nrunc`: podman passes no --log/--log-format (its runtime_supports_json
#              list only names runc, crun, kata, runsc, krun), errors reach podman through conmon's stderr relay
#   runc-name: the wrapper is called `runc` (a private dir, in front of the runtime linked there as `runc`):
#              podman adds --log-format=json --log <userdata>/oci-log and reads errors from that file
# Private: --root/--runroot/--tmpdir/--network-config-dir under $T, CONTAINERS_CONF and CONTAINERS_STORAGE_CONF
# pointing to files in $T (nofile/nproc ulimits pinned: no CAP_SYS_RESOURCE here; file locks instead of
# /dev/shm/libpod_lock), --network none, cgroupfs under /$CGPARENT. All podman processes (and so conmon and
# the runtime) run in one private mount namespace with tmpfs on /run and /var/lib: podman calls the runtime
# without --root (its conmon exit command drops --runtime-flag), so the runtime's default root
# (/run/runc for runc) is private too, and c/image's blob cache (/var/lib/containers/cache) stays off the host.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

eng_begin podman
if ! have podman || ! have conmon; then
  skip engine "podman/conmon not installed (apt-get install podman conmon uidmap)"
  exit 0
fi
IMG=$ENG_IMAGE

mkdir -p "$T/storage" "$T/runroot" "$T/tmp" "$T/net" "$T/named"
cat >"$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]
[engine]
lock_type = "file"
events_logger = "file"
cgroup_manager = "cgroupfs"
[network]
network_config_dir = "$T/net"
EOF
cat >"$T/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$T/storage"
runroot = "$T/runroot"
EOF
export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf

# the namespace holder
unshare --mount --propagation private -- /bin/sh -c \
  'mount -t tmpfs -o mode=755 tmpfs /run && mount -t tmpfs -o mode=755 tmpfs /var/lib && mkdir -p /var/lib/containers && exec sleep 100000' \
  </dev/null >"$T/holder.log" 2>&1 &
holder=$!
on_cleanup 'stop_pid "$holder" 2'
if ! wait_until 10 grep -q ' /var/lib ' "/proc/$holder/mountinfo"; then
  fail namespace "could not set up the private mount namespace: $(cat "$T/holder.log")"; exit 1
fi
NSENTER=(nsenter "--mount=/proc/$holder/ns/mnt" --)

# Wrappers: own name (nrunc) and runc name (the runtime linked as $T/named/runc, wrapper $T/bin-runc/runc),
# each logging to its own calls file
calls_all=$CALLS
CALLS=$ENG_OUT/runtime-calls.own-name.log; : >"$CALLS"
make_wrapper "$T/bin-own/nrunc" "$ENG_RUNTIME"
ln -s "$ENG_RUNTIME" "$T/named/runc"
CALLS=$ENG_OUT/runtime-calls.runc-name.log; : >"$CALLS"
make_wrapper "$T/bin-runc/runc" "$T/named/runc"
CALLS=$calls_all

base_args() { # base_args RUNTIME
  PM=("${NSENTER[@]}" podman --root "$T/storage" --runroot "$T/runroot" --tmpdir "$T/tmp" --runtime "$1"
    --cgroup-manager cgroupfs --events-backend file --network-config-dir "$T/net" --storage-driver vfs)
}
base_args "$T/bin-own/nrunc"
RUNF=(--network none --cgroup-parent "/$CGPARENT")

podman_cleanup() {
  [ ${#PM[@]} -gt 0 ] || return 0
  timeout 60 "${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1
  cp "$T/containers.conf" "$ENG_OUT/containers.conf" 2>/dev/null
}
on_cleanup podman_cleanup

t image-load 0 "$IMG" "${PM[@]}" load -i "$ENG_IMAGE_TAR" || exit 1

state_of() { "${PM[@]}" inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
state_is() { [ "$(state_of "$1")" = "$2" ]; }

scenario() { # scenario VARIANT WRAPPER
  local v=$1 n
  base_args "$2"
  n=$v-d
  hr "podman ($v): foreground runs and exit codes"
  t "$v/run-exit-code" 3 "" "${PM[@]}" run --rm "${RUNF[@]}" "$IMG" sh -c 'exit 3'
  t "$v/run-stdout" 0 '^hello-from-container' "${PM[@]}" run --rm "${RUNF[@]}" "$IMG" echo hello-from-container
  t "$v/run-user-env-cwd-readonly" 1 '^65534:65534:bar:/tmp$' "${PM[@]}" run --rm "${RUNF[@]}" --user 65534:65534 \
    --workdir /tmp -e FOO=bar --read-only "$IMG" sh -c 'echo "$(id -u):$(id -g):$FOO:$(pwd)"; touch /probe' &&
    { grep -q 'Read-only file system' "$T/out" && pass "$v/read-only-root" || fail "$v/read-only-root" "output: $OUT"; }
  t "$v/run-ulimits" 0 '^20000$' "${PM[@]}" run --rm "${RUNF[@]}" "$IMG" sh -c 'ulimit -n'
  t "$v/run-127-not-found" 127 'not found|no such file' "${PM[@]}" run --rm "${RUNF[@]}" "$IMG" /nonexistent
  t "$v/run-126-not-executable" 126 'permission denied' "${PM[@]}" run --rm "${RUNF[@]}" "$IMG" /etc/passwd
  t "$v/run-125-bad-flag" 125 'unknown flag' "${PM[@]}" run --rm "${RUNF[@]}" --bogus-flag "$IMG" true

  hr "podman ($v): detached container"
  if t "$v/run-detached" 0 "" "${PM[@]}" run -d --name "$n" "${RUNF[@]}" "$IMG" \
    sh -c 'echo started; trap "echo got-hup" HUP; trap "echo got-term; exit 9" TERM; while :; do sleep 0.2; done'; then
    if wait_until 10 state_is "$n" running; then pass "$v/detached-running"; flag_set "$v-d"; else fail "$v/detached-running" "state: $(state_of "$n")"; fi
  fi
  if needs "$v/exec" "$v-d"; then
    t "$v/exec" 4 '^exec-ok' "${PM[@]}" exec "$n" sh -c 'echo exec-ok; exit 4'
    printf 'piped-stdin\n' >"$T/stdin"
    T_STDIN=$T/stdin t "$v/exec-stdin" 0 '^piped-stdin' "${PM[@]}" exec -i "$n" cat
    if have script; then
      t "$v/exec-tty" 0 '/dev/pts/' script -qec "$(printf '%q ' "${PM[@]}") exec -t $n tty" /dev/null
    else
      skip "$v/exec-tty" "util-linux script(1) missing"
    fi
    t "$v/exec-user-cwd" 0 '^65534:/tmp$' "${PM[@]}" exec --user 65534 --workdir /tmp "$n" sh -c 'echo "$(id -u):$(pwd)"'
    t "$v/exec-127-not-found" 127 'not found|no such file' "${PM[@]}" exec "$n" /nonexistent
    t "$v/exec-126-not-executable" 126 'permission denied' "${PM[@]}" exec "$n" /etc/passwd
  fi
  if needs "$v/top" "$v-d"; then t "$v/top" 0 'sleep|while' "${PM[@]}" top "$n"; fi
  if needs "$v/pause" "$v-d"; then
    t "$v/pause" 0 "" "${PM[@]}" pause "$n" &&
      { wait_until 5 state_is "$n" paused && pass "$v/paused-state" || fail "$v/paused-state" "state: $(state_of "$n")"; } &&
      flag_set "$v-paused"
    if needs "$v/unpause" "$v-paused"; then
      t "$v/unpause" 0 "" "${PM[@]}" unpause "$n" &&
        { wait_until 5 state_is "$n" running && pass "$v/unpaused-state" || fail "$v/unpaused-state" "state: $(state_of "$n")"; }
    fi
  fi
  if needs "$v/kill-hup" "$v-d"; then
    t "$v/kill-hup" 0 "" "${PM[@]}" kill -s HUP "$n"
    if wait_until 5 sh -c "$(printf '%q ' "${PM[@]}") logs $n 2>&1 | grep -q got-hup"; then pass "$v/kill-hup-delivered"
    else fail "$v/kill-hup-delivered" "logs: $("${PM[@]}" logs "$n" 2>&1 | head -c 500)"; fi
    t "$v/logs" 0 '^started' "${PM[@]}" logs "$n"
    t "$v/stop" 0 "" "${PM[@]}" stop -t 5 "$n"
    t "$v/stopped-exit-code" 0 '^exited 9$' "${PM[@]}" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$n"
    t "$v/rm" 0 "" "${PM[@]}" rm "$n"
  fi

  hr "podman ($v): limits, update, kill, restart policy"
  n=$v-lim
  if t "$v/run-limits" 0 "" "${PM[@]}" run -d --name "$n" "${RUNF[@]}" --memory 32m --pids-limit 20 --cpus 0.5 "$IMG" sleep 1000; then
    local cid; cid=$("${PM[@]}" inspect -f '{{.Id}}' "$n")
    local cg=/sys/fs/cgroup/memory/$CGPARENT/libpod-$cid
    check "$v/memory-limit" "$cg/memory.limit_in_bytes should be 33554432" grep -qx 33554432 "$cg/memory.limit_in_bytes"
    check "$v/pids-limit" "pids.max should be 20" grep -qx 20 "/sys/fs/cgroup/pids/$CGPARENT/libpod-$cid/pids.max"
    check "$v/cpu-quota" "cpu.cfs_quota_us should be 50000" grep -qx 50000 "/sys/fs/cgroup/cpu/$CGPARENT/libpod-$cid/cpu.cfs_quota_us"
    t "$v/update" 0 "" "${PM[@]}" update --memory 64m "$n" &&
      check "$v/update-applied" "memory.limit_in_bytes should be 67108864" grep -qx 67108864 "$cg/memory.limit_in_bytes"
    t "$v/kill" 0 "" "${PM[@]}" kill "$n"
    wait_until 10 state_is "$n" exited && pass "$v/killed-state" || fail "$v/killed-state" "state: $(state_of "$n")"
    t "$v/rm-killed" 0 "" "${PM[@]}" rm -f "$n"
  fi
  n=$v-rst
  if t "$v/run-restart-policy" 0 "" "${PM[@]}" run -d --name "$n" "${RUNF[@]}" --restart on-failure:2 "$IMG" sh -c 'exit 1'; then
    rc_is() { [ "$("${PM[@]}" inspect -f '{{.RestartCount}} {{.State.Status}}' "$n" 2>/dev/null)" = "2 exited" ]; }
    if wait_until 20 rc_is; then pass "$v/restart-policy-restarted-twice"
    else fail "$v/restart-policy-restarted-twice" "restart count and state: $("${PM[@]}" inspect -f '{{.RestartCount}} {{.State.Status}}' "$n" 2>&1)"; fi
    "${PM[@]}" rm -f -t 0 "$n" >/dev/null 2>&1
  fi
}

CALLS=$ENG_OUT/runtime-calls.own-name.log
scenario own-name "$T/bin-own/nrunc"
hr "podman (own-name): runtime calls"
CALLS_PREFIX=own-name/
for sub in create start exec kill pause delete update; do calls_has "$sub"; done
calls_has resume own-name-paused
if grep -q -- '--log-format' "$CALLS"; then fail own-name/no-log-flags "podman passed --log-format to a runtime named nrunc"
else pass own-name/no-log-flags; fi

CALLS=$ENG_OUT/runtime-calls.runc-name.log
scenario runc-name "$T/bin-runc/runc"
hr "podman (runc-name): runtime calls"
CALLS_PREFIX=runc-name/
for sub in create start exec kill pause delete update; do calls_has "$sub"; done
calls_has resume runc-name-paused
if grep -Eq -- '^[0-9.]+ [0-9]+ create: --log-format=json --log ' "$CALLS"; then pass runc-name/log-flags
else fail runc-name/log-flags "podman did not pass --log-format=json --log to a runtime named runc"; fi
cat "$ENG_OUT/runtime-calls.own-name.log" "$CALLS" >"$calls_all"
CALLS=$calls_all
base_args "$T/bin-own/nrunc"
