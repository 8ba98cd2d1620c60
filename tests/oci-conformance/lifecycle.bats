#!/usr/bin/env bats
# Lifecycle and state (runtime.md "Lifecycle", "Operations", "State").

load lib/helpers

@test "create: state is created with a pid > 0" {
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(ctr_status)" created status
	pid=$(ctr_pid)
	[ "$pid" -gt 0 ]
	[ -d "/proc/$pid" ]
}

@test "state: has ociVersion id pid status bundle rootfs created owner" {
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	json=$(state_json)
	echo "$json"
	for k in ociVersion id pid status bundle rootfs created owner; do
		echo "$json" | jq -e --arg k "$k" 'has($k)' >/dev/null || { echo "# missing key $k"; false; }
	done
	assert_eq "$(echo "$json" | jq -r .id)" "$ID" id
	assert_eq "$(echo "$json" | jq -r .bundle)" "$BUNDLE" bundle
	assert_match "$(echo "$json" | jq -r .ociVersion)" '^[0-9]+\.[0-9]+\.[0-9]+' ociVersion
	assert_match "$(echo "$json" | jq -r .created)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' created
}

@test "state: bundle is absolute when create is given a relative bundle path" {
	set_args sleep 100
	(cd "$T" && rt create --bundle bundle "$ID" </dev/null >/dev/null 2>&1)
	assert_eq "$(state_field bundle)" "$BUNDLE" bundle
}

@test "state: annotations from the config are reported" {
	set_args sleep 100
	cfg '.annotations = {"org.example.key": "value"}'
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(state_json | jq -r '.annotations["org.example.key"]')" value annotation
}

@test "start: created becomes running" {
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	rt start "$ID"
	assert_eq "$(ctr_status)" running status
	[ "$(ctr_pid)" -gt 0 ]
}

@test "start: the process is not executed before start" {
	sh_args 'echo started'
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$T/out")" "" "output before start"
	rt start "$ID"
	wait_status stopped
	assert_eq "$(cat "$T/out")" started "output after start"
}

@test "state: exited process is stopped with pid 0" {
	set_args true
	create_ctr
	rt start "$ID"
	wait_status stopped
	assert_eq "$(ctr_pid)" 0 pid
}

@test "start: twice is an error" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	run rt start "$ID"
	[ "$status" -ne 0 ]
	assert_eq "$(ctr_status)" running status
}

@test "start: a stopped container is an error" {
	set_args true
	create_ctr
	rt start "$ID"
	wait_status stopped
	run rt start "$ID"
	[ "$status" -ne 0 ]
	assert_eq "$(ctr_status)" stopped status
}

@test "start: a missing container is an error" {
	run rt start "$ID"
	[ "$status" -ne 0 ]
}

@test "delete: a stopped container is removed" {
	set_args true
	create_ctr
	rt start "$ID"
	wait_status stopped
	rt delete "$ID"
	run rt state "$ID"
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "delete: removes the container cgroup" {
	set_args sleep 100
	create_ctr
	[ -d "/sys/fs/cgroup/pids/oci-conformance-$ID" ] || [ -d "/sys/fs/cgroup/unified/oci-conformance-$ID" ]
	rt kill "$ID" KILL
	wait_status stopped
	rt delete "$ID"
	no_cgroup "$ID"
}

@test "delete: a running container without force is an error and it keeps running" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	run rt delete "$ID"
	[ "$status" -ne 0 ]
	assert_eq "$(ctr_status)" running status
	[ -d "/proc/$(ctr_pid)" ]
}

@test "delete --force: kills and removes a running container" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	pid=$(ctr_pid)
	rt delete --force "$ID"
	run rt state "$ID"
	[ "$status" -ne 0 ]
	root_is_empty
	no_cgroup "$ID"
	! [ -d "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "delete: a created container is removed without force (runc contract)" {
	set_args sleep 100
	create_ctr
	rt delete "$ID"
	run rt state "$ID"
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "delete: a missing container is an error without force" {
	run rt delete "$ID"
	[ "$status" -ne 0 ]
}

@test "delete --force: a missing container succeeds (runc contract)" {
	rt delete --force "$ID"
}

@test "state: a missing container is an error" {
	run rt state "$ID"
	[ "$status" -ne 0 ]
}

@test "create: a duplicate id is an error and the first container is unaffected" {
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	pid=$(ctr_pid)
	other="$T/bundle2"
	mkbundle "$other" "$ID"
	create_as "$ID" "$other"
	[ "$status" -ne 0 ]
	assert_eq "$(ctr_status)" created status
	assert_eq "$(ctr_pid)" "$pid" pid
	assert_eq "$(state_field bundle)" "$BUNDLE" bundle
	rt start "$ID"
	assert_eq "$(ctr_status)" running status
}

@test "create: invalid ids are rejected and nothing is created" {
	set_args sleep 100
	for bad in "bad/id" ".." "." "bad id" "a:b" "/abs" "x/../y"; do
		create_as "$bad" "$BUNDLE"
		[ "$status" -ne 0 ] || { echo "# id '$bad' was accepted"; rt delete -f "$bad" || true; false; }
		root_is_empty
	done
	# nothing escaped the root either
	[ ! -e "$T/id" ] && [ ! -e "$T/y" ] && [ ! -e /abs ]
}

@test "create: an empty id is rejected" {
	set_args sleep 100
	run rt create --bundle "$BUNDLE" ""
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "run -d: returns with the container running" {
	set_args sleep 100
	rt run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	assert_eq "$(ctr_status)" running status
}

@test "run: the container state is removed after exit" {
	set_args true
	run_ctr
	[ "$status" -eq 0 ]
	run rt state "$ID"
	[ "$status" -ne 0 ]
	root_is_empty
	no_cgroup "$ID"
}

@test "pid-file: digits only, no newline, equal to the state pid" {
	set_args sleep 100
	create_ctr --pid-file "$T/pidfile"
	[ "$status" -eq 0 ]
	content=$(od -An -c "$T/pidfile" | tr -d ' ')
	echo "# pid file bytes: $content"
	grep -Eq '^[0-9]+$' "$T/pidfile"
	[ "$(wc -l <"$T/pidfile")" -eq 0 ]
	assert_eq "$(cat "$T/pidfile")" "$(ctr_pid)" pid
}

@test "pid-file: a relative path is relative to the caller's cwd" {
	set_args sleep 100
	(cd "$T" && rt create --pid-file rel.pid --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1)
	assert_eq "$(cat "$T/rel.pid")" "$(ctr_pid)" pid
}

@test "list: shows the created container" {
	set_args sleep 100
	create_ctr
	run rt list --format json
	[ "$status" -eq 0 ]
	assert_eq "$(echo "$output" | jq -r --arg id "$ID" '.[] | select(.id == $id) | .status')" created status
}

@test "pause: a running container is paused and resumed" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	rt pause "$ID"
	assert_eq "$(ctr_status)" paused status
	rt resume "$ID"
	assert_eq "$(ctr_status)" running status
}

@test "exec: runs a process in the running container's namespaces" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	pid=$(ctr_pid)
	run rt exec "$ID" sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/uts'
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(readlink "/proc/$pid/ns/pid"; readlink "/proc/$pid/ns/uts")" namespaces
}

@test "exec: the exit code of the process is returned" {
	set_args sleep 100
	create_ctr
	rt start "$ID"
	run rt exec "$ID" sh -c 'exit 42'
	assert_eq "$status" 42 "exec exit code"
}
