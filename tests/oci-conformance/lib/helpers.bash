# Shared helpers for the OCI conformance cases. Loaded by every .bats file with
#   load lib/helpers
# Environment (set by run.sh; defaults let `bats FILE.bats` work too):
#   RUNTIME          runtime binary under test (default: runc)
#   CONF_ROOTFS      a ready busybox rootfs template (default: built once per bats run)
#   CONF_SKIP_FILE   "case-name<TAB>reason" lines for cases the manifest says to skip
#   CONF_TIMEOUT     seconds before one runtime call is killed (safety net only; default 60)

CONF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONF_REPO=$(cd "$CONF_DIR/../.." && pwd)
RECVTTY="$CONF_REPO/tools/recvtty/recvtty.py"
HOOKS_DIR="$CONF_REPO/tools/hooks"
RUNTIME=${RUNTIME:-runc}

# ---------------------------------------------------------------- set-up / tear-down

conf_rootfs_template() {
	if [ -n "${CONF_ROOTFS:-}" ]; then echo "$CONF_ROOTFS"; return; fi
	local t="$BATS_RUN_TMPDIR/rootfs"
	[ -x "$t/bin/busybox" ] || "$CONF_REPO/tools/mkrootfs.sh" "$t" >/dev/null
	echo "$t"
}

conf_manifest_skip() {
	[ -n "${CONF_SKIP_FILE:-}" ] && [ -f "$CONF_SKIP_FILE" ] || return 0
	local reason
	reason=$(awk -F'\t' -v n="$BATS_TEST_DESCRIPTION" '$1 == n { print $2; found=1; exit } END { exit !found }' "$CONF_SKIP_FILE") || return 0
	skip "manifest: ${reason:-no reason given}"
}

# A fresh bundle DIR for container ID: rootfs copy + base config with a per-container cgroupsPath.
mkbundle() {
	local dir=$1 id=$2
	mkdir -p "$dir"
	cp -a "$(conf_rootfs_template)" "$dir/rootfs"
	jq --arg cg "/oci-conformance-$id" '.linux.cgroupsPath = $cg' "$CONF_DIR/lib/base-config.json" >"$dir/config.json"
}

setup() {
	conf_manifest_skip
	T=$(mktemp -d /tmp/oci-conf.XXXXXX)
	chmod 755 "$T"
	ROOT="$T/state"
	mkdir -m 700 "$ROOT"
	BUNDLE="$T/bundle"
	ID=$(new_id)
	mkbundle "$BUNDLE" "$ID"
}

# Every id a test may create must come from new_id, so teardown can delete it.
new_id() {
	local id="c${BATS_TEST_NUMBER}-$$-${RANDOM}${RANDOM}"
	echo "$id" >>"$T/ids"
	echo "$id"
}

teardown() {
	[ -n "${T:-}" ] && [ -d "$T" ] || return 0
	case "$T" in /tmp/oci-conf.?*) ;; *) echo "teardown: refusing T=$T" >&2; return 1 ;; esac
	local id d ns
	if [ -f "$T/ids" ]; then
		while read -r id; do
			[ -n "$id" ] || continue
			"$RUNTIME" --root "$ROOT" delete -f "$id" </dev/null >/dev/null 2>&1 3>&- || true
			for d in /sys/fs/cgroup/*/"oci-conformance-$id" /sys/fs/cgroup/unified/"oci-conformance-$id"; do
				[ -d "$d" ] || continue
				echo "teardown: leftover cgroup $d" >&2
				rmdir "$d" 2>/dev/null || true
			done
		done <"$T/ids"
	fi
	if [ -f "$T/netns" ]; then
		while read -r ns; do [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; done <"$T/netns"
	fi
	[ -f "$T/bgpids" ] && while read -r p; do kill "$p" 2>/dev/null || true; done <"$T/bgpids"
	# A mount left on the host under T would make rm -rf walk into it: detach those first.
	awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
		echo "teardown: leftover host mount $m" >&2
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system -- "$T"
}

# ---------------------------------------------------------------- runtime calls

# rt ARGS...: the runtime with this test's --root; fd 3 (bats' TAP channel) is never passed on.
rt() {
	timeout -k 5 "${CONF_TIMEOUT:-60}" "$RUNTIME" --root "$ROOT" "$@" 3>&-
}

# run_ctr [FLAGS...]: `run` the bundle's process in the foreground as $ID.
# Sets status, output (the container's stdout) and stderr_out (runtime + container stderr).
run_ctr() {
	local rc=0
	rt run "$@" --bundle "$BUNDLE" "$ID" </dev/null >"$T/out" 2>"$T/err" || rc=$?
	status=$rc
	output=$(cat "$T/out")
	stderr_out=$(cat "$T/err")
	echo "# run rc=$status stdout: $output"
	echo "# stderr: $stderr_out"
}

# create_ctr [FLAGS...]: `create` $ID from $BUNDLE (detached); the container inherits $T/out, $T/err.
create_ctr() { create_as "$ID" "$BUNDLE" "$@"; }

# create_as ID BUNDLE [FLAGS...]: same for another id/bundle. Sets status; never fails itself.
create_as() {
	local rc=0 id=$1 bundle=$2
	shift 2
	rt create "$@" --bundle "$bundle" "$id" </dev/null >>"$T/out" 2>>"$T/err" || rc=$?
	status=$rc
	[ "$rc" = 0 ] || echo "# create $id rc=$rc: $(cat "$T/err")"
	return 0
}

state_json() { rt state "${1:-$ID}" 2>/dev/null; }
state_field() { state_json "${2:-$ID}" | jq -r ".$1"; }
ctr_status() { state_field status "${1:-$ID}"; }
ctr_pid() { state_field pid "${1:-$ID}"; }

# wait_status STATUS [ID]: poll until the container reaches STATUS (bounded; not a timing check).
wait_status() {
	local want=$1 id=${2:-$ID} i s=""
	for ((i = 0; i < 300; i++)); do
		s=$(ctr_status "$id") || true
		[ "$s" = "$want" ] && return 0
		sleep 0.1
	done
	echo "# wait_status: $id is '$s', wanted '$want'"
	return 1
}

# wait_file FILE: poll until FILE exists and is non-empty (bounded).
wait_file() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	echo "# wait_file: $1 never appeared"
	return 1
}

# root_is_empty: nothing left in the --root state dir (what failed operations must guarantee).
root_is_empty() {
	local left
	left=$(ls -A "$ROOT")
	[ -z "$left" ] || { echo "# left under --root: $left"; return 1; }
}

# no_cgroup ID: the container's cgroup is gone from every hierarchy.
no_cgroup() {
	local d
	for d in /sys/fs/cgroup/*/"oci-conformance-$1" /sys/fs/cgroup/unified/"oci-conformance-$1"; do
		[ -d "$d" ] && { echo "# cgroup still there: $d"; return 1; }
	done
	return 0
}

# ---------------------------------------------------------------- config edits

# cfg FILTER [JQ ARGS...]: edit $BUNDLE/config.json in place with jq.
cfg() {
	local f=$1
	shift
	jq "$f" "$@" <"$BUNDLE/config.json" >"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG...: process.args = the given words.
set_args() { cfg '.process.args = $a' --argjson a "$(json_array "$@")"; }

# json_array WORD...: a JSON array of strings (jq would take "-c" etc. as its own options).
json_array() {
	local w
	for w in "$@"; do jq -n --arg w "$w" '$w'; done | jq -cs .
}

# sh_args SCRIPT: process.args = ["sh", "-c", SCRIPT].
sh_args() { set_args sh -c "$1"; }

# ---------------------------------------------------------------- assertions

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] && return 0
	echo "# ${3:-value}: expected '$2', got '$1'"
	return 1
}

# assert_match ACTUAL ERE [WHAT]
assert_match() {
	[[ "$1" =~ $2 ]] && return 0
	echo "# ${3:-value}: '$1' does not match /$2/"
	return 1
}

# status_line FIELD: the value of FIELD from the container's /proc/self/status in $output
status_line() { printf '%s\n' "$output" | awk -v f="$1:" '$1 == f { print $2 }'; }

# capmask CAP...: the hex mask (16 digits, as in /proc/PID/status) of the given capability names.
capmask() {
	local c n m=0
	for c in "$@"; do
		n=$(cap_number "$c") || return 1
		m=$((m | (1 << n)))
	done
	printf '%016x\n' "$m"
}

cap_number() {
	local names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
		NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE
		SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE
		AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
		CHECKPOINT_RESTORE)
	local i
	for i in "${!names[@]}"; do
		[ "CAP_${names[$i]}" = "$1" ] && { echo "$i"; return 0; }
	done
	echo "# unknown capability $1" >&2
	return 1
}
