#!/usr/bin/env bats
# runtime-linux.md "File descriptors": by default only stdin, stdout and stderr are open.

load lib/helpers

# "; true" keeps sh from exec'ing ls, so /proc/$$/fd lists the shell's (the init's) fds.

@test "fds: only 0 1 2 are open in the container" {
	sh_args 'ls /proc/$$/fd; true'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(echo $output)" "0 1 2" "open fds"
}

@test "fds: fds open in the runtime's caller do not leak into the container" {
	sh_args 'ls /proc/$$/fd; true'
	local rc=0
	rt run --bundle "$BUNDLE" "$ID" </dev/null >"$T/out" 2>"$T/err" 5</etc/hostname 7>"$T/extra" 9</dev/zero || rc=$?
	[ "$rc" -eq 0 ]
	assert_eq "$(xargs <"$T/out")" "0 1 2" "open fds"
}

@test "fds: a detached container inherits the caller's stdio" {
	sh_args 'echo to-stdout; echo to-stderr >&2'
	create_ctr
	rt start "$ID"
	wait_status stopped
	assert_eq "$(cat "$T/out")" to-stdout stdout
	grep -qx to-stderr "$T/err"
}

@test "fds: --preserve-fds passes extra fds unchanged" {
	echo preserved >"$T/extra"
	sh_args 'ls /proc/$$/fd; cat <&3'
	local rc=0
	timeout -k 5 "${CONF_TIMEOUT:-60}" "$RUNTIME" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
		</dev/null >"$T/out" 2>"$T/err" 3<"$T/extra" || rc=$?
	[ "$rc" -eq 0 ]
	assert_eq "$(xargs <"$T/out")" "0 1 2 3 preserved"
}
