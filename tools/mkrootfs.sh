#!/usr/bin/env bash
# Makes a minimal busybox-static root filesystem (and optionally a bundle around it).
#   tools/mkrootfs.sh ROOTFS            -> ROOTFS with /bin/busybox and its applet links
#   tools/mkrootfs.sh --bundle DIR      -> DIR/rootfs plus DIR/config.json from `RUNTIME spec` (RUNTIME defaults to nrunc's
#                                          artifacts/bin/nrunc, else runc), with args ["sh"] untouched
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "mkrootfs: $BUSYBOX missing; install Debian's busybox-static" >&2; exit 1; }
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || { "$BUSYBOX" --list >/dev/null 2>&1 || { echo "mkrootfs: $BUSYBOX is not usable" >&2; exit 1; }; }

bundle=""
if [ "${1:-}" = "--bundle" ]; then bundle=${2:?usage: mkrootfs.sh --bundle DIR}; rootfs="$bundle/rootfs"; else rootfs=${1:?usage: mkrootfs.sh ROOTFS | --bundle DIR}; fi

mkdir -p "$rootfs"
rootfs=$(cd "$rootfs" && pwd)
[ -z "$bundle" ] || bundle=$(cd "$bundle" && pwd)
cd "$rootfs"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root home var/run run
chmod 1777 tmp
cp "$BUSYBOX" bin/busybox
for applet in $(bin/busybox --list); do
  [ "$applet" = busybox ] && continue
  [ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > etc/group
: > etc/hosts
: > etc/resolv.conf

if [ -n "$bundle" ]; then
  runtime=${RUNTIME:-}
  [ -n "$runtime" ] || { [ -x "$here/artifacts/bin/nrunc" ] && runtime="$here/artifacts/bin/nrunc"; } || true
  [ -n "$runtime" ] || runtime=runc
  rm -f "$bundle/config.json"
  "$runtime" spec --bundle "$bundle"
fi
