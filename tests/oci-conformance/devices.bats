#!/usr/bin/env bats
# config-linux.md "Devices", "Default Devices"; runtime-linux.md "Dev symbolic links".

load lib/helpers

# In the container: "type major:minor" of a path (type from stat %F, numbers in decimal).
DEVINFO='for p in "$@"; do printf "%s %s %d:%d\n" "$p" "$(stat -c %F "$p")" 0x$(stat -c %t "$p") 0x$(stat -c %T "$p"); done'

@test "default devices: null zero full random urandom tty are char devices with the right numbers" {
	set_args sh -c "$DEVINFO" - /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	run_ctr
	[ "$status" -eq 0 ]
	expected=$(printf '%s\n' \
		"/dev/null character special file 1:3" \
		"/dev/zero character special file 1:5" \
		"/dev/full character special file 1:7" \
		"/dev/random character special file 1:8" \
		"/dev/urandom character special file 1:9" \
		"/dev/tty character special file 5:0")
	assert_eq "$output" "$expected" devices
}

@test "default devices: are usable (write /dev/null, read /dev/zero and /dev/urandom, /dev/full is full)" {
	sh_args 'echo x > /dev/null && echo null-ok
		head -c 4 /dev/zero | od -An -tx1 | tr -d " "
		[ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] && echo urandom-ok
		echo x > /dev/full 2>/dev/null || echo full-ok'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf 'null-ok\n00000000\nurandom-ok\nfull-ok')"
}

@test "default devices: /dev/ptmx is pts/ptmx or a char device 5:2" {
	sh_args 'if [ -L /dev/ptmx ]; then echo "link $(readlink /dev/ptmx)"; else printf "dev %d:%d\n" 0x$(stat -c %t /dev/ptmx) 0x$(stat -c %T /dev/ptmx); fi'
	run_ctr
	[ "$status" -eq 0 ]
	[[ "$output" == "link pts/ptmx" || "$output" == "link /dev/pts/ptmx" || "$output" == "dev 5:2" ]] || { echo "# /dev/ptmx: $output"; false; }
}

@test "default devices: /dev/fd stdin stdout stderr symlinks" {
	sh_args 'for l in fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf '%s\n' 'fd -> /proc/self/fd' 'stdin -> /proc/self/fd/0' 'stdout -> /proc/self/fd/1' 'stderr -> /proc/self/fd/2')"
}

@test "default devices: /dev/pts is a devpts with newinstance and /dev/shm is a tmpfs" {
	sh_args 'awk "\$5 == \"/dev/pts\" || \$5 == \"/dev/shm\"" /proc/self/mountinfo | sed "s/.* - \([^ ]*\).*/\1/"'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf 'devpts\ntmpfs')"
}

@test "devices: a char device is created with its mode uid and gid" {
	cfg '.linux.devices = [{"path": "/dev/conf-null", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001}]'
	sh_args 'p=/dev/conf-null; printf "%s %d:%d %s %s %s\n" "$(stat -c %F $p)" 0x$(stat -c %t $p) 0x$(stat -c %T $p) $(stat -c "%a %u %g" $p)'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "character special file 1:3 640 1000 1001" "device node"
}

@test "devices: a block device is created" {
	cfg '.linux.devices = [{"path": "/dev/conf-loop", "type": "b", "major": 7, "minor": 200, "fileMode": 384, "uid": 0, "gid": 0}]'
	sh_args 'p=/dev/conf-loop; printf "%s %d:%d %s\n" "$(stat -c %F $p)" 0x$(stat -c %t $p) 0x$(stat -c %T $p) $(stat -c %a $p)'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "block special file 7:200 600" "device node"
}

@test "devices: a device in a missing subdirectory of /dev is created" {
	cfg '.linux.devices = [{"path": "/dev/sub/dir/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 438}]'
	set_args sh -c "$DEVINFO" - /dev/sub/dir/zero
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "/dev/sub/dir/zero character special file 1:5"
}

@test "devices: an allowed device node can be read" {
	cfg '.linux.devices = [{"path": "/dev/conf-zero", "type": "c", "major": 1, "minor": 5, "fileMode": 438}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm"}]'
	sh_args 'head -c 2 /dev/conf-zero | od -An -tx1 | tr -d " "'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" 0000
}

@test "devices: a node denied by the device cgroup cannot be opened" {
	cfg '.linux.devices = [{"path": "/dev/conf-mem", "type": "c", "major": 1, "minor": 1, "fileMode": 384}]'
	cfg '.process.capabilities = {"bounding": ["CAP_SYS_RAWIO"], "effective": ["CAP_SYS_RAWIO"], "permitted": ["CAP_SYS_RAWIO"]}'
	sh_args 'head -c 1 /dev/conf-mem >/dev/null 2>&1 && echo opened || echo denied'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" denied
}
