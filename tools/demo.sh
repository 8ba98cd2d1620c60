#!/usr/bin/env bash
# ./build.sh demo: a busybox container run by nrunc, showing what it isolates. Cleans up after itself.
set -euo pipefail
BIN=$(readlink -f "${1:?usage: demo.sh NRUNC_BINARY}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d /tmp/nrunc-demo.XXXXXX)
root="$work/state"
id="demo$$"
cleanup() {
  "$BIN" --root "$root" delete -f "$id" >/dev/null 2>&1 || true
  case "$work" in /tmp/nrunc-demo.*) rm -rf -- "$work" ;; esac
}
trap cleanup EXIT

RUNTIME="$BIN" "$here/mkrootfs.sh" --bundle "$work/bundle" >/dev/null
# The default `nrunc spec` config, with a script instead of an interactive shell.
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", """
echo "hostname:      $(hostname)"
echo "my pid:        $$ (pid 1 of a new pid namespace)"
echo "processes:     $(ls -d /proc/[0-9]* | wc -l) visible"
echo "user:          $(id)"
grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | sed 's/^/status:        /'
echo "namespaces:"
for ns in cgroup ipc mnt net pid user uts; do printf '  %-7s %s\\n' $ns "$(readlink /proc/self/ns/$ns)"; done
echo "mounts:"
awk '{printf "  %-22s %-8s %s\\n", $2, $3, substr($4,1,40)}' /proc/self/mounts
echo "root is read-only: $(touch /x 2>/dev/null && echo no || echo yes)"
echo "masked /proc/keys: $(wc -c </proc/keys) bytes"
"""]
json.dump(c, open(p, "w"), indent=1)
PY

echo "== nrunc: $("$BIN" --version | head -1), $(stat -c %s "$BIN") bytes"
echo "== host namespaces (for comparison):"
for ns in cgroup ipc mnt net pid user uts; do printf '  %-7s %s\n' $ns "$(readlink /proc/self/ns/$ns)"; done
echo "== nrunc run $id (inside the container):"
start=$(date +%s%N)
(cd "$work/bundle" && "$BIN" --root "$root" run "$id")
rc=$?
end=$(date +%s%N)
echo "== exit status $rc, create+start+run+delete took $(( (end - start) / 1000000 )) ms"
echo "== left behind under $root: $(ls -A "$root" 2>/dev/null | wc -l) entries"
