#!/usr/bin/env bats
# config-linux.md "Namespaces", "User namespace mappings", "Sysctl".

load lib/helpers

# ns_in_container NSFILE...: readlink of /proc/self/ns/NSFILE inside the container, one per line.
ns_in_container() {
	local f script=""
	for f in "$@"; do script="$script readlink /proc/self/ns/$f;"; done
	sh_args "$script"
	run_ctr
	[ "$status" -eq 0 ]
}

# check_new_ns TYPE NSFILE: with TYPE in linux.namespaces, NSFILE differs from the host's.
check_new_ns() {
	cfg '.linux.namespaces |= (map(select(.type != $t)) + [{"type": $t}])' --arg t "$1"
	ns_in_container "$2"
	[ "$output" != "$(readlink "/proc/self/ns/$2")" ] || { echo "# $2 ns is the host's: $output"; return 1; }
	assert_match "$output" "^$2:\[[0-9]+\]$" "ns link"
}

# check_host_ns TYPE NSFILE: without TYPE in linux.namespaces, NSFILE is the host's.
check_host_ns() {
	cfg '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
	ns_in_container "$2"
	assert_eq "$output" "$(readlink "/proc/self/ns/$2")" "$2 ns"
}

@test "namespaces: new pid ns differs from the host" { check_new_ns pid pid; }
@test "namespaces: new network ns differs from the host" { check_new_ns network net; }
@test "namespaces: new ipc ns differs from the host" { check_new_ns ipc ipc; }
@test "namespaces: new uts ns differs from the host" { check_new_ns uts uts; }
@test "namespaces: new mount ns differs from the host" { check_new_ns mount mnt; }
@test "namespaces: new cgroup ns differs from the host" { check_new_ns cgroup cgroup; }

@test "namespaces: absent network ns is the host's" { check_host_ns network net; }
@test "namespaces: absent ipc ns is the host's" { check_host_ns ipc ipc; }
@test "namespaces: absent cgroup ns is the host's" { check_host_ns cgroup cgroup; }

@test "namespaces: the process is pid 1 in a new pid ns" {
	sh_args 'echo $$'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" 1 pid
}

@test "namespaces: a network ns path (ip netns add) is joined" {
	ns="oci-conf-$ID"
	echo "$ns" >>"$T/netns"
	ip netns add "$ns"
	ip netns exec "$ns" ip link set lo up
	cfg '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "/var/run/netns/$ns"
	sh_args 'readlink /proc/self/ns/net; ip -o link show lo'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(echo "$output" | head -n1)" "$(ip netns exec "$ns" readlink /proc/self/ns/net)" "net ns"
	assert_match "$(echo "$output" | sed -n 2p)" 'UP' "lo state set on the host side"
}

@test "namespaces: another container's uts and ipc ns are joined by path" {
	cfg '.hostname = "first"'
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	pid=$(ctr_pid)
	id2=$(new_id)
	mkbundle "$T/b2" "$id2"
	BUNDLE="$T/b2"
	cfg 'del(.hostname) | .linux.namespaces |= map(if .type == "uts" then .path = $u elif .type == "ipc" then .path = $i else . end)' \
		--arg u "/proc/$pid/ns/uts" --arg i "/proc/$pid/ns/ipc"
	sh_args 'hostname; readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc'
	ID=$id2 run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf 'first\n%s\n%s' "$(readlink /proc/$pid/ns/uts)" "$(readlink /proc/$pid/ns/ipc)")"
}

@test "namespaces: a path to a namespace of another type is an error" {
	cfg '.linux.namespaces |= map(if .type == "uts" then .path = "/proc/self/ns/net" else . end)'
	cfg 'del(.hostname)'
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "namespaces: a duplicate type is an error" {
	cfg '.linux.namespaces += [{"type": "uts"}]'
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "namespaces: an unknown type is an error" {
	cfg '.linux.namespaces += [{"type": "bogus"}]'
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}

@test "namespaces: hostname without a new uts ns is an error" {
	cfg '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
	assert_eq "$(hostname)" "$(cat /proc/sys/kernel/hostname)"
}

@test "user ns: uid and gid mappings are applied" {
	cfg '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(if .type == "sysfs" then {"destination": "/sys", "type": "bind", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)'
	sh_args 'id -u; cat /proc/self/uid_map /proc/self/gid_map'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(echo "$output" | head -n1)" 0 "uid in the container"
	assert_eq "$(echo "$output" | sed -n '2,3p' | xargs)" "0 100000 65536 0 100000 65536" "uid_map gid_map"
}

@test "sysctl: net.ipv4.ip_forward is set in a new network ns" {
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host))
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$want"
	set_args cat /proc/sys/net/ipv4/ip_forward
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$want" "ip_forward in the container"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "ip_forward on the host"
}

@test "sysctl: kernel.shmmni is set in a new ipc ns" {
	host=$(cat /proc/sys/kernel/shmmni)
	cfg '.linux.sysctl = {"kernel.shmmni": "1234"}'
	set_args cat /proc/sys/kernel/shmmni
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" 1234 "shmmni in the container"
	assert_eq "$(cat /proc/sys/kernel/shmmni)" "$host" "shmmni on the host"
}

@test "sysctl: a net sysctl without a new network ns is refused (runc contract)" {
	cfg '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "ip_forward on the host"
}

@test "sysctl: a non-namespaced sysctl is refused (runc contract)" {
	before=$(cat /proc/sys/kernel/core_pattern)
	cfg '.linux.sysctl = {"kernel.core_pattern": "/tmp/conformance-core"}'
	set_args true
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
	assert_eq "$(cat /proc/sys/kernel/core_pattern)" "$before" core_pattern
}
