#!/usr/bin/env bash
# dockerd 20.10 (with the containerd it starts itself and the io.containerd.runc.v2 shim), the runtime added
# as `--add-runtime nrunc=<logging wrapper>` and made the default. Private: --data-root, --exec-root,
# --pidfile, -H unix://$T/docker.sock, --config-file, cgroups under /$CGPARENT, no iptables/bridge, and
# `--network none` on every run. dockerd runs in a private mount namespace with tmpfs on /run (containerd 1.6's
# shim sockets are hard-coded under /run/containerd) and on /etc/docker (20.10 writes its key.json there and has
# no flag to move it). The client is /usr/bin/docker (20.10) with DOCKER_CONFIG in $T.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

eng_begin docker
DOCKER=/usr/bin/docker
if ! have dockerd || [ ! -x "$DOCKER" ] || ! have containerd; then
  skip engine "dockerd/docker 20.10/containerd not installed (apt-get install docker.io)"
  exit 0
fi
IMG=$ENG_IMAGE
WRAP=$T/bin/nrunc-logged
make_wrapper "$WRAP" "$ENG_RUNTIME"
host_before=$(ls -d /var/lib/docker /run/docker /run/docker.sock /run/containerd /etc/docker/key.json 2>/dev/null | tr '\n' ' ')

mkdir -p "$T/data" "$T/exec" "$T/cli"
echo '{}' >"$T/daemon.json"
export DOCKER_CONFIG=$T/cli
DK=("$DOCKER" -H "unix://$T/docker.sock")

privdirs='mount -t tmpfs -o mode=755 tmpfs /run'
[ -d /etc/docker ] && privdirs="$privdirs && mount -t tmpfs -o mode=755 tmpfs /etc/docker"
unshare --mount --propagation private -- /bin/sh -c "$privdirs"' && exec "$@"' sh \
  dockerd --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/docker.pid" -H "unix://$T/docker.sock" \
  --config-file "$T/daemon.json" --iptables=false --ip6tables=false --bridge=none --ip-masq=false --ip-forward=false \
  --userland-proxy=false --storage-driver vfs --cgroup-parent "/$CGPARENT" \
  --add-runtime "nrunc=$WRAP" --default-runtime nrunc >"$T/dockerd.log" 2>&1 </dev/null &
daemon_pid=$!
on_cleanup 'stop_pid "$daemon_pid" 20; cp "$T/dockerd.log" "$ENG_OUT/dockerd.log" 2>/dev/null'
docker_cleanup() {
  local ids
  ids=$(timeout 10 "${DK[@]}" ps -aq 2>/dev/null)
  [ -z "$ids" ] || timeout 60 "${DK[@]}" rm -f $ids >/dev/null 2>&1
}
on_cleanup docker_cleanup

if wait_until 40 "${DK[@]}" version; then pass daemon-start; else
  fail daemon-start "dockerd did not answer on $T/docker.sock: $(tail -5 "$T/dockerd.log")"; exit 1
fi
t image-load 0 "$IMG" "${DK[@]}" load -i "$ENG_IMAGE_TAR" || exit 1

RUNF=(--network none)
state_of() { "${DK[@]}" inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
state_is() { [ "$(state_of "$1")" = "$2" ]; }

hr "foreground runs and exit codes"
t run-exit-code 3 "" "${DK[@]}" run --rm "${RUNF[@]}" "$IMG" sh -c 'exit 3'
t run-stdout 0 '^hello-from-container' "${DK[@]}" run --rm "${RUNF[@]}" "$IMG" echo hello-from-container
t run-user-env-cwd-readonly 1 '^65534:65534:bar:/tmp$' "${DK[@]}" run --rm "${RUNF[@]}" --user 65534:65534 \
  --workdir /tmp -e FOO=bar --read-only "$IMG" sh -c 'echo "$(id -u):$(id -g):$FOO:$(pwd)"; touch /probe' &&
  { grep -q 'Read-only file system' "$T/out" && pass read-only-root || fail read-only-root "output: $OUT"; }
t run-127-not-found 127 'no such file|not found' "${DK[@]}" run --rm "${RUNF[@]}" "$IMG" /nonexistent
t run-126-not-executable 126 'permission denied' "${DK[@]}" run --rm "${RUNF[@]}" "$IMG" /etc/passwd
t run-125-bad-flag 125 'unknown flag' "${DK[@]}" run --rm "${RUNF[@]}" --bogus-flag "$IMG" true
t run-stdin 0 '^piped-stdin' sh -c "printf 'piped-stdin\n' | $(printf '%q ' "${DK[@]}") run --rm -i ${RUNF[*]} $IMG cat"

hr "detached container"
n=d1
if t run-detached 0 "" "${DK[@]}" run -d --name "$n" "${RUNF[@]}" "$IMG" \
  sh -c 'echo started; trap "echo got-hup" HUP; trap "echo got-term; exit 9" TERM; while :; do sleep 0.2; done'; then
  if wait_until 10 state_is "$n" running; then pass detached-running; flag_set d1; else fail detached-running "state: $(state_of "$n")"; fi
fi
if needs exec d1; then
  t exec 4 '^exec-ok' "${DK[@]}" exec "$n" sh -c 'echo exec-ok; exit 4'
  printf 'piped-stdin\n' >"$T/stdin"
  T_STDIN=$T/stdin t exec-stdin 0 '^piped-stdin' "${DK[@]}" exec -i "$n" cat
  if have script; then
    t exec-tty 0 '/dev/pts/' script -qec "$(printf '%q ' "${DK[@]}") exec -t $n tty" /dev/null
  else
    skip exec-tty "util-linux script(1) missing"
  fi
  t exec-user-cwd 0 '^65534:/tmp$' "${DK[@]}" exec --user 65534 --workdir /tmp "$n" sh -c 'echo "$(id -u):$(pwd)"'
  # docker 20.10's CLI exits 126 for any failed exec start (the 127 mapping exists only for `run`)
  t exec-missing-binary 126 'no such file|not found' "${DK[@]}" exec "$n" /nonexistent
  t exec-126-not-executable 126 'permission denied' "${DK[@]}" exec "$n" /etc/passwd
fi
needs top d1 && t top 0 'sleep|while' "${DK[@]}" top "$n"
if needs pause d1; then
  t pause 0 "" "${DK[@]}" pause "$n" &&
    { wait_until 5 state_is "$n" paused && pass paused-state || fail paused-state "state: $(state_of "$n")"; } && flag_set paused
  if needs unpause paused; then
    t unpause 0 "" "${DK[@]}" unpause "$n" &&
      { wait_until 5 state_is "$n" running && pass unpaused-state || fail unpaused-state "state: $(state_of "$n")"; }
  fi
fi
if needs kill-hup d1; then
  t kill-hup 0 "" "${DK[@]}" kill -s HUP "$n"
  if wait_until 5 sh -c "$(printf '%q ' "${DK[@]}") logs $n 2>&1 | grep -q got-hup"; then pass kill-hup-delivered
  else fail kill-hup-delivered "logs: $("${DK[@]}" logs "$n" 2>&1 | head -c 500)"; fi
  t logs 0 '^started' "${DK[@]}" logs "$n"
  t stop 0 "" "${DK[@]}" stop -t 5 "$n"
  t stopped-exit-code 0 '^exited 9$' "${DK[@]}" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$n"
  t rm 0 "" "${DK[@]}" rm "$n"
fi

hr "limits, update, kill, restart policy"
n=lim1
if t run-limits 0 "" "${DK[@]}" run -d --name "$n" "${RUNF[@]}" --memory 32m --pids-limit 20 --cpus 0.5 "$IMG" sleep 1000; then
  cid=$("${DK[@]}" inspect -f '{{.Id}}' "$n")
  check memory-limit "memory.limit_in_bytes should be 33554432" grep -qx 33554432 "/sys/fs/cgroup/memory/$CGPARENT/$cid/memory.limit_in_bytes"
  check pids-limit "pids.max should be 20" grep -qx 20 "/sys/fs/cgroup/pids/$CGPARENT/$cid/pids.max"
  check cpu-quota "cpu.cfs_quota_us should be 50000" grep -qx 50000 "/sys/fs/cgroup/cpu/$CGPARENT/$cid/cpu.cfs_quota_us"
  t update 0 "" "${DK[@]}" update --pids-limit 30 --cpus 0.25 "$n" && {
    check update-pids-applied "pids.max should be 30" grep -qx 30 "/sys/fs/cgroup/pids/$CGPARENT/$cid/pids.max"
    check update-cpu-applied "cpu.cfs_quota_us should be 25000" grep -qx 25000 "/sys/fs/cgroup/cpu/$CGPARENT/$cid/cpu.cfs_quota_us"
  }
  t kill 0 "" "${DK[@]}" kill "$n"
  wait_until 10 state_is "$n" exited && pass killed-state || fail killed-state "state: $(state_of "$n")"
  t rm-killed 0 "" "${DK[@]}" rm "$n"
fi
t rm-force-running 0 "" sh -c "$(printf '%q ' "${DK[@]}") run -d --name rmf ${RUNF[*]} $IMG sleep 1000 >/dev/null && $(printf '%q ' "${DK[@]}") rm -f rmf"
n=rst1
if t run-restart-policy 0 "" "${DK[@]}" run -d --name "$n" "${RUNF[@]}" --restart on-failure:2 "$IMG" sh -c 'exit 1'; then
  rc_is() { [ "$("${DK[@]}" inspect -f '{{.RestartCount}} {{.State.Status}}' "$n" 2>/dev/null)" = "2 exited" ]; }
  if wait_until 20 rc_is; then pass restart-policy-restarted-twice
  else fail restart-policy-restarted-twice "restart count and state: $("${DK[@]}" inspect -f '{{.RestartCount}} {{.State.Status}}' "$n" 2>&1)"; fi
  "${DK[@]}" rm -f "$n" >/dev/null 2>&1
fi

hr "runtime calls"
for sub in create start delete exec kill ps update pause; do calls_has "$sub"; done
calls_has resume paused
host_after=$(ls -d /var/lib/docker /run/docker /run/docker.sock /run/containerd /etc/docker/key.json 2>/dev/null | tr '\n' ' ')
if [ "$host_before" = "$host_after" ]; then pass host-untouched
else fail host-untouched "before: [$host_before] after: [$host_after]"; fi
