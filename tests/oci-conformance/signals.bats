#!/usr/bin/env bats
# runtime.md "Kill": signal by name or number; kill of a non-running container is an error.

load lib/helpers

# start_trapper: a started container whose init traps USR1, TERM and HUP, printing the signal
# name and exiting; prints "ready" once the traps are installed (container stdout is $T/out).
start_trapper() {
	sh_args 'for s in USR1 TERM HUP; do trap "echo got-$s; exit 0" $s; done; echo ready; while :; do sleep 1; done'
	create_ctr
	[ "$status" -eq 0 ]
	rt start "$ID"
	wait_file "$T/out"
	assert_eq "$(cat "$T/out")" ready
}

@test "kill: by name (USR1)" {
	start_trapper
	rt kill "$ID" USR1
	wait_status stopped
	assert_eq "$(sed -n 2p "$T/out")" got-USR1 signal
}

@test "kill: by SIG-prefixed name (SIGHUP)" {
	start_trapper
	rt kill "$ID" SIGHUP
	wait_status stopped
	assert_eq "$(sed -n 2p "$T/out")" got-HUP signal
}

@test "kill: by number (10 = SIGUSR1)" {
	start_trapper
	rt kill "$ID" 10
	wait_status stopped
	assert_eq "$(sed -n 2p "$T/out")" got-USR1 signal
}

@test "kill: the default signal is TERM" {
	start_trapper
	rt kill "$ID"
	wait_status stopped
	assert_eq "$(sed -n 2p "$T/out")" got-TERM signal
}

@test "kill: KILL by name stops the container" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	rt kill "$ID" KILL
	wait_status stopped
}

@test "kill: 9 by number stops the container" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	rt kill "$ID" 9
	wait_status stopped
}

@test "kill: a created container can be killed" {
	set_args sleep 100
	create_ctr
	rt kill "$ID" KILL
	wait_status stopped
}

@test "kill: an unknown signal name is an error and has no effect" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	run rt kill "$ID" NOSUCHSIGNAL
	[ "$status" -ne 0 ]
	assert_eq "$(ctr_status)" running status
}

@test "kill: a stopped container is an error" {
	set_args true
	create_ctr
	rt start "$ID"
	wait_status stopped
	run rt kill "$ID" KILL
	[ "$status" -ne 0 ]
	assert_eq "$(ctr_status)" stopped status
}

@test "kill: a missing container is an error" {
	run rt kill "$ID" KILL
	[ "$status" -ne 0 ]
}
