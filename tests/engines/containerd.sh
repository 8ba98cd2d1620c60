#!/usr/bin/env bash
# containerd 1.6 + the io.containerd.runc.v2 shim, driven by `ctr`, with the shim's runc binary set to a
# logging wrapper in front of $ENG_RUNTIME (ctr's --runc-binary = the shim's BinaryName option).
# Private daemon: root/state/opt/sockets under $T, /run is a private tmpfs in the daemon's mount namespace
# (1.6 hard-codes /run/containerd/s for shim sockets), ctr keeps its fifos in $T (--fifo-dir).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

eng_begin containerd
if ! have containerd || ! have ctr || ! have containerd-shim-runc-v2; then
  skip engine "containerd/ctr/containerd-shim-runc-v2 not installed (apt-get install containerd)"
  exit 0
fi

NS=$CGPARENT            # ctr's default cgroup path is /<namespace>/<id>: the namespace is our cgroup parent
IMG=$ENG_IMAGE
WRAP=$T/bin/nrunc-logged
RROOT=$T/runc-root
make_wrapper "$WRAP" "$ENG_RUNTIME"
host_run_containerd_before=$([ -e /run/containerd ] && echo yes || echo no)

mkdir -p "$T/root" "$T/state" "$T/opt" "$T/fifo"
cat >"$T/config.toml" <<EOF
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$T/containerd.sock"
[ttrpc]
  address = "$T/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
EOF

CTR=(ctr --address "$T/containerd.sock" -n "$NS")
RUNOPTS=(--fifo-dir "$T/fifo" --runc-binary "$WRAP" --runc-root "$RROOT")
ctr_() { "${CTR[@]}" "$@"; }

daemon_pid=$(start_in_private_mountns "$T/containerd.log" containerd --config "$T/config.toml")
on_cleanup 'stop_pid "$daemon_pid" 15; cp "$T/containerd.log" "$ENG_OUT/containerd.log" 2>/dev/null'
on_cleanup 'ctr_cleanup'
ctr_cleanup() {
  local id
  for id in $("${CTR[@]}" task ls -q 2>/dev/null); do
    timeout 10 "${CTR[@]}" task resume "$id" >/dev/null 2>&1
    timeout 10 "${CTR[@]}" task kill -s SIGKILL "$id" >/dev/null 2>&1
  done
  sleep 0.5
  for id in $("${CTR[@]}" task ls -q 2>/dev/null); do timeout 20 "${CTR[@]}" task delete -f "$id" >/dev/null 2>&1; done
  for id in $("${CTR[@]}" container ls -q 2>/dev/null); do timeout 20 "${CTR[@]}" container delete "$id" >/dev/null 2>&1; done
}

if wait_until 20 "${CTR[@]}" version; then pass daemon-start; else
  fail daemon-start "containerd did not answer on $T/containerd.sock: $(tail -5 "$T/containerd.log")"; exit 1
fi

t image-import 0 "$IMG" "${CTR[@]}" image import "$ENG_IMAGE_TAR" || exit 1
task_status() { "${CTR[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }
status_is() { [ "$(task_status "$1")" = "$2" ]; }

hr "foreground runs"
t run-exit-code 3 "" "${CTR[@]}" run --rm "${RUNOPTS[@]}" "$IMG" r-exit sh -c 'exit 3'
t run-stdout 0 '^hello-from-container' "${CTR[@]}" run --rm "${RUNOPTS[@]}" "$IMG" r-out echo hello-from-container
t run-env-cwd 0 '^bar:/tmp$' "${CTR[@]}" run --rm "${RUNOPTS[@]}" --env FOO=bar --cwd /tmp "$IMG" r-env sh -c 'echo "$FOO:$(pwd)"'
t run-read-only-root 1 'Read-only file system' "${CTR[@]}" run --rm "${RUNOPTS[@]}" --read-only "$IMG" r-ro sh -c 'touch /probe'
t run-missing-binary '!0' 'no such file or directory' "${CTR[@]}" run --rm "${RUNOPTS[@]}" "$IMG" r-missing /nonexistent
if grep -q 'unable to retrieve OCI runtime error' "$T/out"; then
  fail run-missing-binary-error-text "the shim could not read the runtime's --log file: $OUT"
else
  pass run-missing-binary-error-text
fi

# A full spec (ctr 1.6 has no --user/--pids-limit flags): user 65534 with an additional group, pids limit 8.
"${CTR[@]}" oci spec >"$T/spec-base.json" 2>"$T/spec.err"
mkspec() { # mkspec OUT ID USER PIDS ARGS-JSON
  python3 - "$T/spec-base.json" "$1" "$ENG_ROOTFS" "/$CGPARENT/$2" "$3" "$4" "$5" <<'EOF'
import json, sys
base, out, rootfs, cg, user, pids, args = sys.argv[1:8]
s = json.load(open(base))
s["root"] = {"path": rootfs, "readonly": True}
s["process"]["args"] = json.loads(args)
s["process"]["env"] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FOO=spec"]
s["process"]["cwd"] = "/tmp"
uid, gid = (int(x) for x in user.split(":"))
s["process"]["user"] = {"uid": uid, "gid": gid, "additionalGids": [5]}
s["linux"]["cgroupsPath"] = cg
if int(pids) > 0:
    s["linux"].setdefault("resources", {})["pids"] = {"limit": int(pids)}
json.dump(s, open(out, "w"))
EOF
}
if mkspec "$T/spec-user.json" s-user 65534:65534 0 '["sh","-c","id; echo cwd=$(pwd) foo=$FOO"]' 2>"$T/spec.err"; then
  t run-user-spec 0 'uid=65534.*gid=65534.*groups=.*5.*' "${CTR[@]}" run --rm "${RUNOPTS[@]}" --config "$T/spec-user.json" s-user &&
    { grep -q 'cwd=/tmp foo=spec' "$T/out" && pass run-user-spec-cwd-env || fail run-user-spec-cwd-env "output: $OUT"; }
else
  fail run-user-spec "could not write the spec: $(cat "$T/spec.err")"
fi
if mkspec "$T/spec-pids.json" s-pids 0:0 8 '["sh","-c","n=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done; wait; echo forks-done"]' 2>"$T/spec.err"; then
  t run-pids-limit '*' "can't fork|Resource temporarily unavailable|Cannot fork" "${CTR[@]}" run --rm "${RUNOPTS[@]}" --config "$T/spec-pids.json" s-pids
else
  fail run-pids-limit "could not write the spec: $(cat "$T/spec.err")"
fi

hr "detached task: exec, ps, pause/resume, metrics, kill, delete"
if t run-detached 0 "" "${CTR[@]}" run -d --log-uri "file://$T/d1.out" "${RUNOPTS[@]}" "$IMG" d1 \
  sh -c 'echo started; trap "echo got-term; exit 7" TERM; while true; do sleep 0.2; done'; then
  if wait_until 10 status_is d1 RUNNING; then pass detached-running; flag_set d1; else fail detached-running "status: $(task_status d1)"; fi
fi
if needs exec d1; then
  t exec 5 '^exec-ok' "${CTR[@]}" task exec "--fifo-dir=$T/fifo" --exec-id e1 d1 sh -c 'echo exec-ok; exit 5'
  printf 'piped-stdin\n' >"$T/stdin"
  T_STDIN=$T/stdin t exec-stdin 0 '^piped-stdin' "${CTR[@]}" task exec --fifo-dir "$T/fifo" --exec-id e2 d1 cat
  if have script; then
    t exec-tty 0 '/dev/pts/' script -qec "$(printf '%q ' "${CTR[@]}") task exec --fifo-dir $T/fifo -t --exec-id e3 d1 tty" /dev/null
  else
    skip exec-tty "util-linux script(1) missing"
  fi
  t exec-missing-binary '!0' 'no such file or directory' "${CTR[@]}" task exec --fifo-dir "$T/fifo" --exec-id e4 d1 /nonexistent
  t exec-user-cwd 0 '^65534:/tmp$' "${CTR[@]}" task exec --fifo-dir "$T/fifo" --exec-id e5 --user 65534 --cwd /tmp d1 sh -c 'echo "$(id -u):$(pwd)"'
fi
needs ps d1 && t ps 0 '^PID' "${CTR[@]}" task ps d1
if needs pause d1; then
  t pause 0 "" "${CTR[@]}" task pause d1 && { wait_until 5 status_is d1 PAUSED && pass paused-status || fail paused-status "status: $(task_status d1)"; } && flag_set paused
  if needs resume paused; then
    t resume 0 "" "${CTR[@]}" task resume d1 && { wait_until 5 status_is d1 RUNNING && pass resumed-status || fail resumed-status "status: $(task_status d1)"; }
  fi
fi
needs metrics d1 && t metrics 0 'pids.current|memory.usage' "${CTR[@]}" task metrics d1
if needs kill d1; then
  t kill-term 0 "" "${CTR[@]}" task kill -s SIGTERM d1
  if wait_until 10 status_is d1 STOPPED; then pass kill-term-stopped; else fail kill-term-stopped "status: $(task_status d1)"; fi
  t delete-task-exit-status 0 'exit code 7' "${CTR[@]}" task delete d1
  grep -q got-term "$T/d1.out" && pass kill-term-delivered || fail kill-term-delivered "container output: $(cat "$T/d1.out" 2>&1)"
  t delete-container 0 "" "${CTR[@]}" container delete d1
fi

hr "limits"
if t run-memory-limit 0 "" "${CTR[@]}" run -d --null-io "${RUNOPTS[@]}" --memory-limit 33554432 --cpus 0.5 "$IMG" m1 sleep 1000; then
  f=/sys/fs/cgroup/memory/$CGPARENT/m1/memory.limit_in_bytes
  [ -f "$f" ] || f=/sys/fs/cgroup/$CGPARENT/m1/memory.max
  check memory-limit-applied "$f should read 33554432" grep -qx 33554432 "$f"
  f=/sys/fs/cgroup/cpu/$CGPARENT/m1/cpu.cfs_quota_us
  if [ -f "$f" ]; then check cpu-quota-applied "$f should read 50000" grep -qx 50000 "$f"
  else check cpu-quota-applied "cpu.max should start with 50000" grep -q '^50000 ' "/sys/fs/cgroup/$CGPARENT/m1/cpu.max"; fi
  t kill-all 0 "" "${CTR[@]}" task kill -a -s SIGKILL m1
  wait_until 10 status_is m1 STOPPED
  t delete-killed 0 "" "${CTR[@]}" task delete m1
  "${CTR[@]}" container delete m1 >/dev/null 2>&1
fi
t oom-kill 137 "" "${CTR[@]}" run --rm "${RUNOPTS[@]}" --memory-limit 16777216 "$IMG" oom1 sh -c 'exec dd if=/dev/zero of=/dev/null bs=64M count=1'

hr "runtime calls"
for sub in create start delete exec kill pause ps; do calls_has "$sub"; done
calls_has resume paused
if [ "$host_run_containerd_before" = no ] && [ -e /run/containerd ]; then
  fail host-untouched "/run/containerd appeared on the host"
else
  pass host-untouched
fi
