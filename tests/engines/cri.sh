#!/usr/bin/env bash
# Kubernetes' path: containerd 1.6's CRI plugin with a runtime handler `nrunc` (runtime_type io.containerd.runc.v2,
# BinaryName = the logging wrapper in front of $ENG_RUNTIME), driven over the CRI gRPC API by tools/cri-client (run.sh
# builds it and passes ENG_CRI_CLIENT): the calls a kubelet makes for one pod with one container.
# Private daemon as in containerd.sh (root/state/opt/sockets under $T, /run a private tmpfs in its mount namespace).
# No CNI plugins exist here: the pod uses the host network (NamespaceOption network NODE), CNI dirs point at empty dirs.
# Images cannot be pulled offline: the busybox image and a busybox "pause" image (`sleep infinity`) are imported with
# `ctr -n k8s.io images import`, and the pause image is the CRI's sandbox_image.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

eng_begin cri
if ! have containerd || ! have ctr || ! have containerd-shim-runc-v2; then
  skip engine "containerd/ctr/containerd-shim-runc-v2 not installed (apt-get install containerd)"
  exit 0
fi
CLIENT=${ENG_CRI_CLIENT:-}
if [ -z "$CLIENT" ] || [ ! -x "$CLIENT" ]; then
  fail cri-client "no CRI client (ENG_CRI_CLIENT='$CLIENT'; run.sh builds tools/cri-client)"
  exit 1
fi

IMG=$ENG_IMAGE
PAUSE=localhost/nrunc-pause:test
WRAP=$T/bin/nrunc-logged
RROOT=$T/runc-root
make_wrapper "$WRAP" "$ENG_RUNTIME"
host_run_containerd_before=$([ -e /run/containerd ] && echo yes || echo no)

if ! python3 "$here/mkimage.py" "$ENG_ROOTFS" "$T/pause.tar" "$PAUSE" '["sleep","infinity"]' >"$T/mkimage.log" 2>&1; then
  fail pause-image "$(cat "$T/mkimage.log")"
  exit 1
fi

mkdir -p "$T/root" "$T/state" "$T/opt" "$T/cni/bin" "$T/cni/conf" "$T/pod-logs"
# restrict_oom_score_adj: the CRI gives the sandbox oom_score_adj -998, and lowering it needs CAP_SYS_RESOURCE, which
# root does not have on this VM; the option caps it at containerd's own value.
cat >"$T/config.toml" <<EOF
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$T/containerd.sock"
[ttrpc]
  address = "$T/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$T/cni/bin"
    conf_dir = "$T/cni/conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "nrunc"    # the CRI refuses to start without a default; pods below still name the handler
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nrunc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nrunc.options]
        BinaryName = "$WRAP"
        Root = "$RROOT"
        SystemdCgroup = false
EOF

CTR=(ctr --address "$T/containerd.sock" -n k8s.io)
CRI=("$CLIENT" --socket "$T/containerd.sock" --timeout 20)

daemon_pid=$(start_in_private_mountns "$T/containerd.log" containerd --config "$T/config.toml")
on_cleanup 'stop_pid "$daemon_pid" 15; cp "$T/containerd.log" "$ENG_OUT/containerd.log" 2>/dev/null'
on_cleanup 'cri_cleanup'
# On failure: stop and remove whatever pods and containers are left, through the CRI (bounded: the EXIT trap's
# process and cgroup sweep in lib.sh catches anything a hanging runtime leaves behind).
cri_cleanup() {
  kill -0 "$daemon_pid" 2>/dev/null || return 0
  timeout 40 "$CLIENT" --socket "$T/containerd.sock" --timeout 10 cleanup >/dev/null 2>&1
}

if wait_until 20 "${CRI[@]}" version; then pass daemon-start; else
  fail daemon-start "containerd's CRI did not answer on $T/containerd.sock: $(tail -5 "$T/containerd.log")"; exit 1
fi
t cri-version 0 'runtime_api_version: v1' "${CRI[@]}" version

t image-import 0 "$IMG" "${CTR[@]}" image import "$ENG_IMAGE_TAR" || exit 1
t pause-image-import 0 "$PAUSE" "${CTR[@]}" image import "$T/pause.tar" || exit 1
# the CRI plugin learns about imported images from containerd's events
if wait_until 10 "${CRI[@]}" image-status "$PAUSE" && wait_until 10 "${CRI[@]}" image-status "$IMG"; then pass images-visible-to-cri; else
  fail images-visible-to-cri "$("${CRI[@]}" image-status "$IMG" 2>&1)"; exit 1
fi

# Host network (no CNI here), private IPC shared by the pod, a PID namespace per container (the kubelet's default).
# dns_config: the CRI writes it as the pod's resolv.conf (without it, the host's /etc/resolv.conf is copied, and a
# host may have none).
cat >"$T/pod.json" <<EOF
{
  "metadata": {"name": "nrunc-pod", "uid": "nrunc-pod-${T##*.}", "namespace": "nrunc-test", "attempt": 0},
  "log_directory": "$T/pod-logs",
  "dns_config": {"servers": ["127.0.0.53"], "searches": ["nrunc.test"]},
  "linux": {
    "cgroup_parent": "/$CGPARENT",
    "security_context": {"namespace_options": {"network": "NODE", "pid": "CONTAINER", "ipc": "POD"}}
  }
}
EOF
cat >"$T/container.json" <<EOF
{
  "metadata": {"name": "busy"},
  "image": {"image": "$IMG"},
  "command": ["sh", "-c", "trap 'echo got-term; exit 7' TERM; echo started; while :; do sleep 3600 & wait \$!; done"],
  "envs": [{"key": "FOO", "value": "bar"}],
  "working_dir": "/tmp",
  "log_path": "busy.log",
  "linux": {
    "resources": {"memory_limit_in_bytes": 67108864, "cpu_period": 100000, "cpu_quota": 50000},
    "security_context": {"namespace_options": {"network": "NODE", "pid": "CONTAINER", "ipc": "POD"}}
  }
}
EOF
cat >"$T/resources.json" <<EOF
{"memory_limit_in_bytes": 50331648, "cpu_period": 100000, "cpu_quota": 25000}
EOF

# processes of this run other than containerd itself (shims, containers)
others() { our_pids | sort -un | grep -vx "$daemon_pid"; }
no_others() { [ -z "$(others)" ]; }
field() { "${CRI[@]}" status "$1" 2>/dev/null | sed -n "s/^$2: //p"; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
# cgroup_value CONTAINER_ID V1-CONTROLLER V1-FILE V2-FILE
cgroup_value() {
  local f=/sys/fs/cgroup/$2/$CGPARENT/$1/$3
  [ -f "$f" ] || f=/sys/fs/cgroup/$CGPARENT/$1/$4
  cat "$f" 2>&1
}
check_limits() { # check_limits STEP CID MEMORY QUOTA
  local mem quota
  mem=$(cgroup_value "$2" memory memory.limit_in_bytes memory.max)
  quota=$(cgroup_value "$2" cpu cpu.cfs_quota_us cpu.max)
  quota=${quota%% *}
  if [ "$mem" = "$3" ] && [ "$quota" = "$4" ]; then pass "$1"; else
    fail "$1" "memory limit '$mem' (want $3), cpu quota '$quota' (want $4) in the cgroup of $2 under /$CGPARENT"
  fi
}

hr "pod sandbox"
t runp-unknown-handler '!0' 'no-such-handler' "${CRI[@]}" runp --handler no-such-handler "$T/pod.json"
POD=""
if t runp 0 '^[0-9a-f]{64}$' "${CRI[@]}" runp --handler nrunc "$T/pod.json"; then
  POD=$OUT
  flag_set pod
fi
if needs pod-status pod; then
  t pod-status 0 'state: SANDBOX_READY' "${CRI[@]}" pod-status "$POD" &&
    { grep -qx 'runtime_handler: nrunc' "$T/out" && pass pod-runtime-handler || fail pod-runtime-handler "$OUT"; }
fi

hr "container"
CID=""
if needs create pod && t create 0 '^[0-9a-f]{64}$' "${CRI[@]}" create "$POD" "$T/container.json" "$T/pod.json"; then
  CID=$OUT
  flag_set created
  t status-created 0 '^state: CONTAINER_CREATED$' "${CRI[@]}" status "$CID"
fi
if needs start created && t start 0 "" "${CRI[@]}" start "$CID"; then
  if wait_until 10 state_is "$CID" CONTAINER_RUNNING; then pass status-running; flag_set running; else
    fail status-running "status: $("${CRI[@]}" status "$CID" 2>&1)"
  fi
  if wait_until 10 grep -q started "$T/pod-logs/busy.log"; then pass container-log; else
    fail container-log "no 'started' in the CRI log file: $(cat "$T/pod-logs/busy.log" 2>&1)"
  fi
fi
if needs exec running; then
  t exec-exit-code 3 '^hi$' "${CRI[@]}" exec "$CID" sh -c 'echo hi; echo oops >&2; exit 3' &&
    { grep -qx oops "$T/out" && pass exec-stderr || fail exec-stderr "output: $OUT"; }
  t exec-env-cwd 0 '^bar:/tmp$' "${CRI[@]}" exec "$CID" sh -c 'echo "$FOO:$(pwd)"'
  # namespaces: the pod's IPC namespace is the sandbox's (joined by path), the network is the host's (NODE)
  pause_pid=$("$ENG_RUNTIME" --root "$RROOT/k8s.io" state "$POD" 2>/dev/null | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$')
  want="$(readlink "/proc/${pause_pid:-0}/ns/ipc") $(readlink /proc/self/ns/net)"
  if t exec-namespaces 0 '' "${CRI[@]}" exec "$CID" sh -c 'echo $(readlink /proc/self/ns/ipc) $(readlink /proc/self/ns/net)'; then
    [ "$OUT" = "$want" ] && pass pod-ipc-and-host-net-namespaces ||
      fail pod-ipc-and-host-net-namespaces "container: '$OUT', sandbox ipc + host net: '$want' (sandbox pid '$pause_pid')"
  fi
  # the CRI's bind mounts of the pod's files
  t exec-resolv-conf 0 '^nameserver 127.0.0.53$' "${CRI[@]}" exec "$CID" cat /etc/resolv.conf
  # own PID namespace: the container's command is pid 1
  t exec-pid-namespace 0 '^1 ' "${CRI[@]}" exec "$CID" sh -c 'cat /proc/1/stat'
  t exec-missing-binary '!0' 'no such file or directory|not found' "${CRI[@]}" exec "$CID" /nonexistent
  # what the leftover checks below look for does exist while the pod runs (so those checks can fail)
  if [ -f "$RROOT/k8s.io/$CID/state.json" ] && [ -f "$RROOT/k8s.io/$POD/state.json" ] &&
    grep -qF " $T/state/io.containerd.runtime.v2.task/k8s.io/$CID/rootfs " "/proc/$daemon_pid/mountinfo" &&
    [ -d "$T/root/io.containerd.grpc.v1.cri/sandboxes/$POD" ] && [ -n "$(others)" ]; then
    pass state-present-while-running
  else
    fail state-present-while-running "runtime state, rootfs mount, CRI sandbox dir or shim missing: $(ls "$RROOT/k8s.io" 2>&1)"
  fi
fi

hr "resources"
if needs limits running; then
  check_limits limits-created "$CID" 67108864 50000
  t update 0 "" "${CRI[@]}" update "$CID" "$T/resources.json" && check_limits limits-updated "$CID" 50331648 25000
fi

hr "stop and remove"
if needs stop running; then
  t stop 0 "" "${CRI[@]}" stop --timeout 10 "$CID"
  if wait_until 10 state_is "$CID" CONTAINER_EXITED; then pass status-exited; else
    fail status-exited "status: $("${CRI[@]}" status "$CID" 2>&1)"
  fi
  t status-exit-code 0 '^exit_code: 7$' "${CRI[@]}" status "$CID"
  grep -q got-term "$T/pod-logs/busy.log" && pass stop-sigterm-delivered ||
    fail stop-sigterm-delivered "no got-term in the log: $(cat "$T/pod-logs/busy.log" 2>&1)"
fi
if needs rm created; then
  t rm 0 "" "${CRI[@]}" rm "$CID"
  t status-removed 125 'NotFound' "${CRI[@]}" status "$CID"
fi
if needs stopp pod; then
  t stopp 0 "" "${CRI[@]}" stopp "$POD"
  t pod-status-notready 0 'state: SANDBOX_NOTREADY' "${CRI[@]}" pod-status "$POD"
  t rmp 0 "" "${CRI[@]}" rmp "$POD"
  t pods-empty 0 '' "${CRI[@]}" pods && { [ -z "$OUT" ] && pass pods-empty-list || fail pods-empty-list "pods left: $OUT"; }
fi

hr "nothing left behind"
# processes: only containerd itself may still hold $T in its command line or live in our cgroups (the shim exits
# once its last task is deleted)
if wait_until 10 no_others; then pass no-leftover-processes; else
  fail no-leftover-processes "$(for p in $(others); do printf '%s: %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done)"
fi
left=$(for f in /sys/fs/cgroup/*/"$CGPARENT"; do [ -d "$f" ] && find "$f" -mindepth 1 -type d; done)
[ -z "$left" ] && pass no-leftover-cgroups || fail no-leftover-cgroups "$left"
left=$(grep -F " $T/" "/proc/$daemon_pid/mountinfo" | awk '{print $5}')
[ -z "$left" ] && pass no-leftover-mounts || fail no-leftover-mounts "mounts in containerd's namespace: $left"
left=$(find "$RROOT" -mindepth 2 -maxdepth 2 2>/dev/null
  find "$T/state/io.containerd.runtime.v2.task" -mindepth 2 -maxdepth 2 2>/dev/null
  find "$T/root/io.containerd.grpc.v1.cri/sandboxes" "$T/root/io.containerd.grpc.v1.cri/containers" \
    "$T/state/io.containerd.grpc.v1.cri/sandboxes" "$T/state/io.containerd.grpc.v1.cri/containers" -mindepth 1 -maxdepth 1 2>/dev/null)
[ -z "$left" ] && pass no-leftover-state || fail no-leftover-state "$left"

hr "runtime calls"
for sub in create start exec kill delete update; do calls_has "$sub"; done
# the important calls name the pod's or the container's id (the sandbox is a container of its own, run by the runtime)
while IFS='|' read -r name re; do
  if [ -n "$POD" ] && [ -n "$CID" ] && grep -Eq "^[0-9.]+ [0-9]+ $re" "$CALLS"; then pass "$name"; else
    fail "$name" "no call matching /$re/ in $CALLS"
  fi
done <<EOF
runtime-called-create-sandbox|create: .* $POD\$
runtime-called-start-sandbox|start: .* $POD\$
runtime-called-create-container|create: .* $CID\$
runtime-called-start-container|start: .* $CID\$
runtime-called-exec-container|exec: .* $CID\$
runtime-called-update-container|update: .* $CID\$
runtime-called-kill-container-sigterm|kill: .* $CID 15\$
runtime-called-delete-container|delete: .* $CID\$
runtime-called-kill-sandbox|kill: .* $POD 9\$
runtime-called-delete-sandbox|delete: .* $POD\$
EOF
if [ "$host_run_containerd_before" = no ] && [ -e /run/containerd ]; then
  fail host-untouched "/run/containerd appeared on the host"
else
  pass host-untouched
fi
