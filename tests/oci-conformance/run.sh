#!/usr/bin/env bash
# OCI runtime conformance suite runner.
#
#   tests/oci-conformance/run.sh [--manifest FILE] [--filter REGEX] [RUNTIME_PATH] [FILE.bats...]
#
# RUNTIME_PATH defaults to $RUNTIME, then nrunc's artifacts/bin/nrunc. The manifest defaults to
# $CONF_MANIFEST, else tests/oci-conformance/manifest.<basename of the runtime> if it exists
# (e.g. manifest.runc), else tests/oci-conformance/manifest (nrunc's expectations).
# Writes artifacts/conformance.tap and artifacts/conformance.counts ("PASSED FAILED SKIPPED")
# under the repository root; exits 1 if any case failed, 2 on a usage/environment error.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "run.sh: $*" >&2; exit 2; }

manifest=${CONF_MANIFEST:-}
filter=""
runtime=${RUNTIME:-}
files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--manifest) manifest=${2:?--manifest needs a file}; shift 2 ;;
	--filter) filter=${2:?--filter needs a regex}; shift 2 ;;
	-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
	*.bats) files+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
	-*) die "unknown option $1" ;;
	*) runtime=$1; shift ;;
	esac
done
[ -n "$runtime" ] || runtime="$repo/artifacts/bin/nrunc"
if [[ "$runtime" != /* ]]; then
	if [[ "$runtime" == */* ]]; then runtime="$(cd "$(dirname "$runtime")" && pwd)/$(basename "$runtime")"
	else runtime=$(command -v "$runtime") || die "runtime '$1' not found in PATH"; fi
fi
[ -x "$runtime" ] || die "runtime $runtime is not executable"
[ "$(id -u)" = 0 ] || die "must run as root"
for tool in bats jq python3 ip timeout; do command -v "$tool" >/dev/null || die "$tool missing (apt-get install bats jq iproute2)"; done
[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"

if [ -z "$manifest" ]; then
	manifest="$here/manifest"
	[ -f "$here/manifest.$(basename "$runtime")" ] && manifest="$here/manifest.$(basename "$runtime")"
fi
[ -f "$manifest" ] || die "manifest $manifest not found"
[ ${#files[@]} -gt 0 ] || files=("$here"/*.bats)

work=$(mktemp -d /tmp/oci-conf-run.XXXXXX) || die "mktemp failed"
cleanup() { case "$work" in /tmp/oci-conf-run.?*) rm -rf --one-file-system -- "$work" ;; esac; }
trap cleanup EXIT

# Every case name, from the @test lines.
sed -n 's/^@test "\(.*\)" {$/\1/p' "$here"/*.bats | sort >"$work/cases"
dups=$(uniq -d "$work/cases")
[ -z "$dups" ] || die "duplicate case names: $dups"

# Manifest: "case-name pass|skip reason...". The status is the first standalone word pass/skip
# that follows a known case name; '#' starts a comment line; blank lines are ignored.
: >"$work/skips"
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	[[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
	found=""
	while IFS= read -r name; do
		rest=${line#"$name"}
		[ "$rest" != "$line" ] || continue
		if [[ "$rest" =~ ^[[:space:]]+(pass|skip)([[:space:]]+(.*))?$ ]]; then
			found=$name
			verdict=${BASH_REMATCH[1]}
			reason=${BASH_REMATCH[3]}
			break
		fi
	done <"$work/cases"
	[ -n "$found" ] || die "$manifest:$lineno: no such case, or no pass|skip after it: $line"
	if [ "$verdict" = skip ]; then
		[ -n "$reason" ] || die "$manifest:$lineno: a skip needs a reason"
		printf '%s\t%s\n' "$found" "$reason" >>"$work/skips"
	fi
done <"$manifest"

echo "== building the busybox rootfs template"
"$repo/tools/mkrootfs.sh" "$work/rootfs" >/dev/null || die "tools/mkrootfs.sh failed"

mkdir -p "$repo/artifacts"
tap="$repo/artifacts/conformance.tap"
echo "== runtime: $runtime ($("$runtime" --version 2>/dev/null | head -n1))"
echo "== manifest: $manifest ($(wc -l <"$work/skips") skipped)"

bats_args=(--tap)
[ -n "$filter" ] && bats_args+=(--filter "$filter")
RUNTIME="$runtime" CONF_ROOTFS="$work/rootfs" CONF_SKIP_FILE="$work/skips" \
	bats "${bats_args[@]}" "${files[@]}" | tee "$tap"
bats_rc=${PIPESTATUS[0]}

passed=$(grep -cE '^ok [0-9]+ ' "$tap" | head -n1)
skipped=$(grep -cE '^ok [0-9]+ .* # skip' "$tap" | head -n1)
failed=$(grep -cE '^not ok [0-9]+ ' "$tap" | head -n1)
passed=$((passed - skipped))
echo "$passed $failed $skipped" >"$repo/artifacts/conformance.counts"

echo
echo "== conformance: $passed passed, $failed failed, $skipped skipped ($runtime)"
if [ "$skipped" -gt 0 ]; then
	echo "-- skipped:"
	sed -nE 's/^ok [0-9]+ (.*) # skip (.*)$/   \1  (\2)/p' "$tap"
fi
if [ "$failed" -gt 0 ]; then
	echo "-- failed:"
	sed -nE 's/^not ok [0-9]+ (.*)$/   \1/p' "$tap"
fi
echo "== TAP: $tap"
if [ "$failed" -gt 0 ] || [ "$bats_rc" -ne 0 ]; then
	[ "$failed" -gt 0 ] || echo "== bats exited $bats_rc without a failed case (syntax error, crash?)"
	exit 1
fi
exit 0
