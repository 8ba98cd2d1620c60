#!/usr/bin/env bats
# process.terminal, process.consoleSize and --console-socket, using tools/recvtty/recvtty.py.

load lib/helpers

# start_recvtty INPUT: recvtty listening on $T/console.sock in the background, output to
# $T/tty.out, name payload to $T/tty.name; waits until the socket exists. Sets recvtty_pid.
start_recvtty() {
	python3 "$RECVTTY" --once --timeout 60 --input "$1" --name-file "$T/tty.name" "$T/console.sock" \
		>"$T/tty.out" 2>"$T/tty.err" 3>&- &
	recvtty_pid=$!
	echo "$recvtty_pid" >>"$T/bgpids"
	local i
	for ((i = 0; i < 300; i++)); do
		[ -S "$T/console.sock" ] && return 0
		sleep 0.1
	done
	echo "# recvtty never listened: $(cat "$T/tty.err")"
	return 1
}

# tty_session INPUT: create + start a terminal container (args from the config), feed INPUT,
# wait for the container to stop and for recvtty to see EOF. Sets recvtty_rc.
tty_session() {
	cfg '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'
	start_recvtty "$1"
	create_ctr --console-socket "$T/console.sock"
	[ "$status" -eq 0 ]
	rt start "$ID"
	wait_status stopped
	recvtty_rc=0
	wait "$recvtty_pid" || recvtty_rc=$?
	echo "# recvtty rc=$recvtty_rc stderr: $(cat "$T/tty.err")"
	echo "# tty output: $(cat -v "$T/tty.out")"
}

@test "terminal: the console socket receives the pty master; tty and stty size work" {
	set_args sh
	tty_session 'tty; stty size; exit 7\n'
	assert_eq "$recvtty_rc" 0 "recvtty exit"
	tr -d '\r' <"$T/tty.out" | grep -qx /dev/pts/0
	tr -d '\r' <"$T/tty.out" | grep -qx '33 111'
}

@test "terminal: the console socket message carries a non-empty name" {
	set_args true
	tty_session ''
	assert_eq "$recvtty_rc" 0 "recvtty exit"
	[ -s "$T/tty.name" ]
	grep -q 'recvtty: name=.' "$T/tty.err"
}

@test "terminal: stdin stdout stderr are the pty slave" {
	sh_args 'for i in 0 1 2; do readlink /proc/self/fd/$i; done'
	tty_session ''
	assert_eq "$(tr -d '\r' <"$T/tty.out")" "$(printf '/dev/pts/0\n/dev/pts/0\n/dev/pts/0')"
}

@test "terminal: /dev/console is a char device" {
	sh_args 'printf "%s %d\n" "$(stat -c %F /dev/console)" 0x$(stat -c %t /dev/console)'
	tty_session ''
	assert_eq "$(tr -d '\r' <"$T/tty.out")" "character special file 136" "/dev/console (a pts: major 136)"
}

@test "terminal: input written to the master reaches the process" {
	sh_args 'read line; echo "got:$line"'
	tty_session 'hello\n'
	tr -d '\r' <"$T/tty.out" | grep -qx 'got:hello'
}

@test "terminal: create without --console-socket is an error (runc contract)" {
	cfg '.process.terminal = true'
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}
