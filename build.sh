#!/usr/bin/env bash
# nrunc build entry point. Verbs: build (default), test, demo, install [PREFIX] [--as-runc], bench, clean.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ART="$ROOT/artifacts"
BIN="$ART/bin/nrunc"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# Install Debian packages that are missing, saying so; when not root, print the exact command instead.
need_packages() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
  fi
  say "installing missing Debian packages: ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
}

build() {
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is required"
  need_packages clang zlib1g-dev
  say "publishing nrunc (NativeAOT) to $BIN"
  dotnet publish "$ROOT/src/Runc/Runc.csproj" -c Release -r linux-x64 -o "$ART/publish" -nologo -v:q \
    -p:DebugType=none -p:DebugSymbols=false >"$ART.publish.log" 2>&1 || { cat "$ART.publish.log" >&2; die "publish failed"; }
  mkdir -p "$ART/bin"
  install -m 0755 "$ART/publish/nrunc" "$BIN"
  rm -f "$ART.publish.log"
  say "built $BIN ($(stat -c %s "$BIN") bytes)"
}

# Runs one dotnet test project, appending its counts to $COUNTS.
run_tests() {
  local proj=$1 log
  log=$(mktemp)
  say "test $(basename "$proj" .csproj)"
  set +e
  dotnet test "$proj" -c Release -nologo -v:q --logger "console;verbosity=minimal" 2>&1 | tee "$log" | grep -vE '^\s*$' | sed 's/^/    /' >&2
  local rc=${PIPESTATUS[0]}
  set -e
  # VSTest summary: "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, ..."
  local line
  line=$(grep -E 'Failed:\s+[0-9]+, Passed:\s+[0-9]+' "$log" | tail -1 || true)
  if [ -n "$line" ]; then
    local f p s
    f=$(sed -E 's/.*Failed:\s+([0-9]+).*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passed:\s+([0-9]+).*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped:\s+([0-9]+).*/\1/' <<<"$line")
    echo "$p $f $s" >>"$COUNTS"
  elif [ "$rc" -ne 0 ]; then
    echo "0 1 0" >>"$COUNTS"   # build failure counts as a failure
  fi
  rm -f "$log"
}

test_all() {
  need_packages busybox-static runc crun jq strace iproute2 bats hyperfine dbus-daemon
  build
  export NRUNC_BIN="$BIN"
  COUNTS=$(mktemp)
  local p
  say "generated spec reader is current (tools/json-gen/gen.py --check)"
  if python3 "$ROOT/tools/json-gen/gen.py" --check >&2; then echo "1 0 0" >>"$COUNTS"; else echo "0 1 0" >>"$COUNTS"; fi
  for p in "$ROOT"/tests/*.Tests/*.csproj; do run_tests "$p"; done
  if [ -x "$ROOT/tests/engines/run.sh" ]; then
    need_packages containerd podman conmon uidmap docker.io
    say "engines with runc (the oracle; reported, not counted)"
    set +e; ENG_LABEL=runc-oracle "$ROOT/tests/engines/run.sh" /usr/sbin/runc >&2; set -e
    say "engines with nrunc"
    rm -f "$ART/engines.counts"
    set +e; "$ROOT/tests/engines/run.sh" "$BIN" >&2; local erc=$?; set -e
    if [ -f "$ART/engines.counts" ]; then cat "$ART/engines.counts" >>"$COUNTS"; elif [ $erc -ne 0 ]; then echo "0 1 0" >>"$COUNTS"; fi
  fi
  if [ -x "$ROOT/tests/oci-conformance/run.sh" ]; then
    say "oci-conformance"
    set +e; "$ROOT/tests/oci-conformance/run.sh" "$BIN" >&2; local rc=$?; set -e
    if [ -f "$ART/conformance.counts" ]; then cat "$ART/conformance.counts" >>"$COUNTS"; elif [ $rc -ne 0 ]; then echo "0 1 0" >>"$COUNTS"; fi
  fi
  if [ -x "$ROOT/tools/fuzz/afl.sh" ]; then
    need_packages afl++
    say "fuzz: AFL++ (SharpFuzz) over the config parser and validator, ${NRUNC_AFL_SECONDS:-60} s"
    set +e; "$ROOT/tools/fuzz/afl.sh" "${NRUNC_AFL_SECONDS:-60}" >&2; local frc=$?; set -e
    if [ $frc -eq 0 ]; then echo "1 0 0" >>"$COUNTS"; else echo "0 1 0" >>"$COUNTS"; fi
  fi
  local tp=0 tf=0 ts=0 a b c
  while read -r a b c; do tp=$((tp + a)); tf=$((tf + b)); ts=$((ts + c)); done <"$COUNTS"
  rm -f "$COUNTS"
  echo "$tp passed, $tf failed, $ts skipped"
  [ "$tf" -eq 0 ]
}

demo() {
  need_packages busybox-static
  build
  "$ROOT/tools/demo.sh" "$BIN"
}

install_bin() {
  local prefix=/usr/local as_runc=0 a
  for a in "$@"; do case $a in --as-runc) as_runc=1;; *) prefix=$a;; esac; done
  [ -x "$BIN" ] || build
  install -D -m 0755 "$BIN" "$prefix/bin/nrunc"
  say "installed $prefix/bin/nrunc"
  if [ $as_runc -eq 1 ]; then ln -sf nrunc "$prefix/bin/runc"; say "linked $prefix/bin/runc -> nrunc"; fi
}

verb=${1:-build}; shift || true
case $verb in
  build) build ;;
  test) test_all ;;
  demo) demo ;;
  install) install_bin "$@" ;;
  bench) build; "$ROOT/tools/bench/bench.sh" "$BIN" "$@" ;;
  clean) rm -rf "$ART"; find "$ROOT/src" "$ROOT/tests" "$ROOT/tools" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + ;;
  *) die "unknown verb '$verb' (build, test, demo, install, bench, clean)" ;;
esac
