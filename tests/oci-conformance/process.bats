#!/usr/bin/env bats
# config.md "Process", "Hostname", "Domainname", "Root"; what the container sees.

load lib/helpers

@test "args: argv is passed exactly" {
	set_args sh -c 'for a in "$@"; do echo "[$a]"; done' zero "one two" "" '$HOME'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf '[one two]\n[]\n[$HOME]')" argv
}

@test "args: the executable is looked up in the container PATH" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho found-in-path\n' >"$BUNDLE/rootfs/opt/tools/mytool"
	chmod 755 "$BUNDLE/rootfs/opt/tools/mytool"
	cfg '.process.env = ["PATH=/opt/tools:/bin"]'
	set_args mytool
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" found-in-path
}

@test "hostname: set in a new uts ns" {
	cfg '.hostname = "conf-host"'
	set_args hostname
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" conf-host hostname
}

@test "domainname: set in a new uts ns" {
	cfg '.domainname = "conf.example"'
	set_args cat /proc/sys/kernel/domainname
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" conf.example domainname
}

@test "env: variables are set as configured" {
	cfg '.process.env = ["PATH=/bin", "FOO=bar", "EMPTY=", "WITH_EQ=a=b"]'
	set_args env
	run_ctr
	[ "$status" -eq 0 ]
	for v in PATH=/bin FOO=bar EMPTY= WITH_EQ=a=b; do
		grep -qxF "$v" <<<"$output" || { echo "# missing $v"; false; }
	done
}

@test "cwd: the process starts in cwd" {
	mkdir -p "$BUNDLE/rootfs/work/dir"
	cfg '.process.cwd = "/work/dir"'
	set_args pwd
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" /work/dir cwd
}

@test "cwd: a missing cwd is created" {
	cfg '.root.readonly = false | .process.cwd = "/does/not/exist"'
	set_args pwd
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" /does/not/exist cwd
	[ -d "$BUNDLE/rootfs/does/not/exist" ]
}

@test "user: uid and gid are set" {
	cfg '.process.user = {"uid": 1000, "gid": 1001}'
	sh_args 'id -u; id -g'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf '1000\n1001')" uid/gid
}

@test "user: additionalGids are exactly the supplementary groups" {
	cfg '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [2000, 3000]}'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(printf '%s\n' "$output" | awk '$1 == "Groups:" { $1 = ""; print }' | xargs -n1 | sort -n | xargs)" "2000 3000" Groups
}

@test "user: no additionalGids means no supplementary groups" {
	cfg '.process.user = {"uid": 0, "gid": 0}'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(printf '%s\n' "$output" | awk '$1 == "Groups:" { $1 = ""; print }' | xargs)" "" Groups
}

@test "user: umask is applied" {
	cfg '.process.user.umask = 63'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(status_line Umask)" 0077 Umask
}

@test "rlimits: soft and hard are set as configured" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 2048}, {"type": "RLIMIT_NPROC", "soft": 300, "hard": 400}]'
	sh_args 'ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf '512\n2048\n300\n400')" "nofile soft/hard, nproc soft/hard"
}

@test "rlimits: RLIMIT_CORE 0 is applied" {
	cfg '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	sh_args 'ulimit -Sc; ulimit -Hc'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf '0\n0')" "core soft/hard"
}

@test "rlimits: an unknown type is an error" {
	cfg '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "rlimits: a duplicate type is an error" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 512}, {"type": "RLIMIT_NOFILE", "soft": 256, "hard": 256}]'
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "capabilities: bounding/effective/permitted/inheritable/ambient sets match the config" {
	cfg '.process.capabilities = {
		"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_SETUID"],
		"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
		"effective": ["CAP_KILL", "CAP_CHOWN"],
		"inheritable": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
		"ambient": ["CAP_NET_BIND_SERVICE"]}'
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(status_line CapBnd)" "$(capmask CAP_KILL CAP_NET_BIND_SERVICE CAP_CHOWN CAP_SETUID)" CapBnd
	assert_eq "$(status_line CapInh)" "$(capmask CAP_NET_BIND_SERVICE CAP_KILL)" CapInh
	assert_eq "$(status_line CapAmb)" "$(capmask CAP_NET_BIND_SERVICE)" CapAmb
	# A non-root process keeps only the ambient set across execve (permitted = effective = ambient).
	assert_eq "$(status_line CapPrm)" "$(capmask CAP_NET_BIND_SERVICE)" CapPrm
	assert_eq "$(status_line CapEff)" "$(capmask CAP_NET_BIND_SERVICE)" CapEff
}

@test "capabilities: root keeps exactly the configured permitted and effective sets" {
	cfg '.process.capabilities = {
		"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
		"permitted": ["CAP_KILL", "CAP_CHOWN"],
		"effective": ["CAP_KILL", "CAP_CHOWN"]}'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(status_line CapBnd)" "$(capmask CAP_KILL CAP_NET_BIND_SERVICE CAP_CHOWN)" CapBnd
	assert_eq "$(status_line CapPrm)" "$(capmask CAP_KILL CAP_CHOWN)" CapPrm
	assert_eq "$(status_line CapEff)" "$(capmask CAP_KILL CAP_CHOWN)" CapEff
	assert_eq "$(status_line CapInh)" 0000000000000000 CapInh
	assert_eq "$(status_line CapAmb)" 0000000000000000 CapAmb
}

@test "capabilities: no capabilities object means empty sets" {
	cfg 'del(.process.capabilities)'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	for f in CapBnd CapPrm CapEff CapInh CapAmb; do
		assert_eq "$(status_line $f)" 0000000000000000 $f
	done
}

@test "capabilities: an unknown capability is not fatal" {
	cfg '.process.capabilities.bounding += ["CAP_BOGUS"] | .process.capabilities.permitted += ["CAP_BOGUS"]'
	set_args true
	run_ctr
	[ "$status" -eq 0 ]
}

@test "noNewPrivileges: true sets no_new_privs" {
	cfg '.process.noNewPrivileges = true'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(status_line NoNewPrivs)" 1 NoNewPrivs
}

@test "noNewPrivileges: false leaves no_new_privs unset" {
	cfg '.process.noNewPrivileges = false'
	set_args cat /proc/self/status
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(status_line NoNewPrivs)" 0 NoNewPrivs
}

@test "oomScoreAdj: the value is written" {
	cfg '.process.oomScoreAdj = 123'
	set_args cat /proc/self/oom_score_adj
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" 123 oom_score_adj
}

@test "oomScoreAdj: unset leaves the caller's value" {
	cfg 'del(.process.oomScoreAdj)'
	set_args cat /proc/self/oom_score_adj
	mine=$(cat /proc/self/oom_score_adj)
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$mine" oom_score_adj
}

@test "oomScoreAdj: an out-of-range value is an error" {
	cfg '.process.oomScoreAdj = 5000'
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "root.readonly: writing to / fails" {
	cfg '.root.readonly = true'
	sh_args 'touch /newfile && echo wrote'
	run_ctr
	[ "$status" -ne 0 ]
	[ "$output" != wrote ]
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "root.readonly: false allows writing to /" {
	cfg '.root.readonly = false'
	sh_args 'echo hi > /newfile && echo wrote'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" wrote
	assert_eq "$(cat "$BUNDLE/rootfs/newfile")" hi
}

@test "root.path: an absolute path outside the bundle is used" {
	mv "$BUNDLE/rootfs" "$T/elsewhere"
	cfg '.root.path = $p' --arg p "$T/elsewhere"
	echo marker >"$T/elsewhere/marker"
	set_args cat /marker
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" marker
}

@test "exit code: 0 is returned by run" {
	set_args true
	run_ctr
	assert_eq "$status" 0 "run exit code"
}

@test "exit code: 3 is returned by run" {
	sh_args 'exit 3'
	run_ctr
	assert_eq "$status" 3 "run exit code"
}

@test "exit code: 127 from sh for a missing command" {
	sh_args 'no-such-command'
	run_ctr
	assert_eq "$status" 127 "run exit code"
}

@test "exit code: SIGKILL of the process gives 137 under run" {
	set_args sleep 100
	rt run --bundle "$BUNDLE" "$ID" </dev/null >"$T/out" 2>"$T/err" &
	runpid=$!
	echo "$runpid" >>"$T/bgpids"
	wait_status running
	rt kill "$ID" KILL
	rc=0
	wait "$runpid" || rc=$?
	assert_eq "$rc" 137 "run exit code"
}

@test "exit code: a missing executable fails create and leaves nothing" {
	set_args /no/such/binary
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
	no_cgroup "$ID"
}
