#!/usr/bin/env bash
# Non-gating: runs the advisory regression suite (tests/Runc.Privileged.Tests/Security, issue 8) against another
# runtime, by default Debian's runc 1.1.5, and prints which probes fail there. Tests marked StrongerThanRunc are
# forced on (NRUNC_FORCE_STRONGER=1) so that runc's known weaknesses show up instead of being skipped.
#   tests/security/run-against-runc.sh [RUNTIME]        (root; RUNTIME defaults to /usr/sbin/runc)
# Known on runc 1.1.5: DevNullSymlink_NeverBecomesAMask (CVE-2025-31133), DevSymlinkToHost_* (CVE-2026-41579),
# CrashSafetyTests (cgroups and the hook process leak after SIGKILL).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runtime=${1:-/usr/sbin/runc}
[ "$(id -u)" -eq 0 ] || { echo "run-against-runc: needs root" >&2; exit 2; }
[ -x "$runtime" ] || { echo "run-against-runc: $runtime is not executable" >&2; exit 2; }
log=$(mktemp /tmp/run-against-runc.XXXXXX)
NRUNC_BIN="$runtime" NRUNC_FORCE_STRONGER=1 NRUNC_RACE_ROUNDS=${NRUNC_RACE_ROUNDS:-100} \
  dotnet test "$here/tests/Runc.Privileged.Tests" --filter "FullyQualifiedName~Runc.Privileged.Tests.Security" >"$log" 2>&1
echo "== probes failing on $runtime =="
grep -oE 'Runc\.Privileged\.Tests\.Security\.[A-Za-z]+\.[A-Za-z0-9_]+(\([^)]*\))? \[FAIL\]' "$log" | sed 's/ \[FAIL\]//' | sort -u
grep -E '^(Passed|Failed)!' "$log"
echo "(full log: $log)"
exit 0
