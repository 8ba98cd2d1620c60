#!/usr/bin/env bash
# Engine integration tests: containerd 1.6 (ctr + runc v2 shim), containerd 1.6's CRI plugin (Kubernetes' path, driven
# by tools/cri-client), podman 4.3 (+conmon), dockerd 20.10, each as a private daemon, each calling RUNTIME_PATH through
# a logging wrapper.
#
#   tests/engines/run.sh RUNTIME_PATH [ENGINE...]       ENGINE: containerd cri podman podman-rootless docker (default: all)
#
# Prints each step, then `N passed, N failed, N skipped` per engine and in total; writes
# artifacts/engines.counts as one line `PASSED FAILED SKIPPED` and keeps logs under artifacts/engines/<name>/:
# results.txt (one line per step), <engine>.log (the script's output), <engine>/runtime-calls.log (every argv
# the engine passed to the runtime, plus exit status and stderr of failed non-exec calls), daemon logs.
# Run it once with /usr/sbin/runc (the oracle) and once with nrunc; the scripts must pass with runc.
# Needs root. Missing engines are installed by .ci/run, not here; an engine that is not installed is a SKIP.
set -u -o pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

rt=${1:?usage: tests/engines/run.sh RUNTIME_PATH [ENGINE...]}
shift
case $rt in /*) ;; *) rt=$PWD/$rt ;; esac
[ -x "$rt" ] || { echo "engines: $rt is not an executable" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "engines: needs root" >&2; exit 2; }
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(containerd cri podman podman-rootless docker)

label=${ENG_LABEL:-$(basename "$rt")}
[[ $label =~ ^[A-Za-z0-9._-]+$ ]] || { echo "engines: bad label $label" >&2; exit 2; }
out=$repo/artifacts/engines/$label
rm -rf "${repo:?}/artifacts/engines/${label:?}"
mkdir -p "$out"
results=$out/results.txt
: >"$results"

work=$(mktemp -d /tmp/nrunc-eng-run.XXXXXX)
[ -n "$work" ] && [ -d "$work" ] || exit 2
trap 'rm -rf --one-file-system "$work"' EXIT
chmod 755 "$work"

start=$SECONDS
echo "engines: runtime $rt ($("$rt" --version 2>&1 | head -1)), logs in $out"
if ! "$repo/tools/mkrootfs.sh" "$work/rootfs" >"$work/mkrootfs.log" 2>&1 ||
  ! python3 "$here/mkimage.py" "$work/rootfs" "$work/image.tar" localhost/nrunc-busybox:test >>"$work/mkrootfs.log" 2>&1; then
  cat "$work/mkrootfs.log" >&2
  echo "FAIL setup/image :: $(tail -3 "$work/mkrootfs.log" | tr '\n' ' ')" >>"$results"
fi

# The CRI client (a .NET tool, not part of nrunc) is built here, outside the engine's time limit.
cri_client=""
if [[ " ${engines[*]} " == *" cri "* ]] && command -v dotnet >/dev/null; then
  if dotnet build "$repo/tools/cri-client" -c Release -o "$repo/artifacts/cri-client" -nologo -v:q >"$work/cri-client.log" 2>&1; then
    cri_client=$repo/artifacts/cri-client/cri-client
  else
    cat "$work/cri-client.log" >&2
    echo "FAIL cri/client-build :: $(grep -m3 -E 'error|Error' "$work/cri-client.log" | tr '\n' ' ' | cut -c1-400)" >>"$results"
  fi
fi

for e in "${engines[@]}"; do
  [ -f "$here/$e.sh" ] || { echo "FAIL $e/script :: no $here/$e.sh" >>"$results"; continue; }
  grep -q '^FAIL setup/' "$results" && { echo "SKIP $e/engine :: image setup failed" >>"$results"; continue; }
  t0=$SECONDS
  ENG_RUNTIME=$rt ENG_OUT=$out/$e ENG_RESULTS=$results ENG_IMAGE_TAR=$work/image.tar ENG_ROOTFS=$work/rootfs \
    ENG_IMAGE=localhost/nrunc-busybox:test ENG_CRI_CLIENT=$cri_client timeout -k 150 -s TERM "${ENG_TIMEOUT:-150}" bash "$here/$e.sh" 2>&1 | tee "$out/$e.log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || echo "FAIL $e/script-exit :: $e.sh exited $rc$([ "$rc" -eq 124 ] && echo ' (timed out)')" >>"$results"
  echo "== $e: $(grep -c "^PASS $e/" "$results") passed, $(grep -c "^FAIL $e/" "$results") failed, $(grep -c "^SKIP $e/" "$results") skipped ($((SECONDS - t0)) s)"
done

p=$(grep -c '^PASS ' "$results"); f=$(grep -c '^FAIL ' "$results"); s=$(grep -c '^SKIP ' "$results")
mkdir -p "$repo/artifacts"
echo "$p $f $s" >"$repo/artifacts/engines.counts"
echo
grep '^FAIL ' "$results" | cut -c1-300
echo "engines ($label): $p passed, $f failed, $s skipped in $((SECONDS - start)) s"
[ "$f" -eq 0 ]
