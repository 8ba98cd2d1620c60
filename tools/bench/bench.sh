#!/usr/bin/env bash
# ./build.sh bench [--quick] [--rounds N] [--warmup N]: nrunc vs crun vs runc, interleaved (see README.md).
# Everything (the three runtimes, the driver) runs in one private mount namespace where /sys/fs/cgroup/unified is
# replaced by an empty tmpfs of that namespace, because crun 1.8.1 refuses the hybrid cgroup layout; the host's mounts
# are never touched. Only unmounting it is not enough: crun then mkdirs its "unified" cgroup in the tmpfs under the
# host's cgroup2 mount, hidden there and never removed (earlier bench runs left ~8000 such directories).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:?usage: bench.sh NRUNC_BIN [--quick] [--rounds N] [--warmup N]}; shift
BIN=$(readlink -f "$BIN")
OUT="$ROOT/artifacts/bench"

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (containers, cgroups, mount namespace)"
[ -x "$BIN" ] || die "$BIN missing; ./build.sh build first"
missing=()
for p in busybox-static runc crun strace; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
command -v python3 >/dev/null || die "python3 is required"
command -v unshare >/dev/null || die "unshare (util-linux) is required"

WORK=$(mktemp -d /tmp/nrbench.XXXXXX)
case $WORK in /tmp/nrbench.?*) ;; *) die "mktemp gave '$WORK'";; esac

# Runs the driver's cleanup inside a fresh private namespace (so crun sees the same cgroup layout), then removes WORK.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -d "$WORK" ]; then
    unshare -m --propagation private -- sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; mount -t tmpfs -o mode=755 nrbench /sys/fs/cgroup/unified; exec python3 "$0" --cleanup "$1" --nrunc "$2"' \
      "$HERE/bench.py" "$WORK" "$BIN" || true
    # Only our own mktemp dir, only after nothing is mounted below it.
    if [ -n "$WORK" ] && [ -d "$WORK" ] && ! grep -q " $WORK" /proc/self/mounts; then rm -rf --one-file-system "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
python3 -c 'import random,string;print("".join(random.choice(string.ascii_lowercase+string.digits) for _ in range(6)))' >"$WORK/tag"
mkdir -p "$OUT" "$WORK/etc"

echo "==> bundles in $WORK (busybox rootfs, config from runc spec)" >&2
RUNTIME=/usr/sbin/runc "$ROOT/tools/mkrootfs.sh" --bundle "$WORK/base" >/dev/null
printf 'nrbench\n' >"$WORK/etc/hostname"
printf '127.0.0.1\tlocalhost\n' >"$WORK/etc/hosts"
printf 'nameserver 127.0.0.53\n' >"$WORK/etc/resolv.conf"
touch "$WORK/base/rootfs/etc/hostname"

echo "==> measuring nrunc ($BIN), crun, runc interleaved in a private mount namespace" >&2
unshare -m --propagation private -- sh -c 'umount -l /sys/fs/cgroup/unified && mount -t tmpfs -o mode=755 nrbench /sys/fs/cgroup/unified || exit 1; exec python3 "$@"' sh \
  "$HERE/bench.py" --work "$WORK" --nrunc "$BIN" --out "$OUT" "$@"
