#!/usr/bin/env bash
# Non-gating: runs the advisory regression suite (tests/Runc.Privileged.Tests/Security plus the concurrency and id
# canary tests, issue 8; map in docs/security-suite.md) against another
# runtime, by default Debian's runc 1.1.5, and prints which probes fail there. Tests marked StrongerThanRunc are
# forced on (NRUNC_FORCE_STRONGER=1) so that runc's known weaknesses show up instead of being skipped.
#   tests/security/run-against-runc.sh [RUNTIME]        (root; RUNTIME defaults to /usr/sbin/runc)
# Known on runc 1.1.5 (21 of 99, docs/security-suite.md): caller fds leak into the container (CVE-2024-21626),
# DevSymlinkToHost_* (CVE-2026-41579), /dev/console bound over core_pattern (CVE-2025-52565), procfs writes by path
# (CVE-2025-52881), one-id create race, CrashSafetyTests (cgroups and the hook process leak after SIGKILL; the 7
# named-step probes cannot place their kill in runc's Go threads), `null` config panic, `--user 4294967296` = root.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runtime=${1:-/usr/sbin/runc}
[ "$(id -u)" -eq 0 ] || { echo "run-against-runc: needs root" >&2; exit 2; }
[ -x "$runtime" ] || { echo "run-against-runc: $runtime is not executable" >&2; exit 2; }
log=$(mktemp /tmp/run-against-runc.XXXXXX)
NRUNC_BIN="$runtime" NRUNC_FORCE_STRONGER=1 NRUNC_RACE_ROUNDS=${NRUNC_RACE_ROUNDS:-100} \
  dotnet test "$here/tests/Runc.Privileged.Tests" --logger "console;verbosity=normal" \
  --filter "FullyQualifiedName~Runc.Privileged.Tests.Security|FullyQualifiedName~ConcurrencyTests|FullyQualifiedName~IdValidationCanaryTests" >"$log" 2>&1
echo "== probes failing on $runtime =="
grep -oE '^\s+Failed Runc\.Privileged\.Tests\.[A-Za-z.]+\.[A-Za-z0-9_]+(\([^)]*\))?' "$log" | sed -E 's/^\s+Failed Runc\.Privileged\.Tests\.//' | sort -u
grep -E '^\s*(Total tests|Passed|Failed|Skipped):' "$log"
echo "(full log: $log)"
exit 0
