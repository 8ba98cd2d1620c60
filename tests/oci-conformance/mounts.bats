#!/usr/bin/env bats
# config.md "Mounts", config-linux.md "Masked Paths", "Readonly Paths", "Rootfs Mount Propagation".

load lib/helpers

# add_mount JSON: append one mount object to config.mounts.
add_mount() { cfg '.mounts += [$m]' --argjson m "$1"; }

# mnt_line DEST: the container's mountinfo line for DEST (from $output lines).
mnt_line() { printf '%s\n' "$output" | awk -v d="$1" '$5 == d'; }

# In the container: the fstypes mounted on DEST, in mountinfo (= mount) order.
FSTYPES='awk -v d="$0" "\$5 == d" /proc/self/mountinfo | sed "s/.* - \([^ ]*\).*/\1/"' 

@test "mounts: tmpfs with size and mode" {
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=0750"]}'
	sh_args 'stat -c %a /data; cat /proc/self/mountinfo'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(echo "$output" | head -n1)" 750 mode
	line=$(mnt_line /data)
	echo "# $line"
	assert_match "$line" ' - tmpfs ' fstype
	assert_match "$line" 'size=1024k' size
}

@test "mounts: tmpfs options nosuid noexec nodev are applied" {
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "noexec", "nodev"]}'
	set_args cat /proc/self/mountinfo
	run_ctr
	[ "$status" -eq 0 ]
	opts=$(mnt_line /data | awk '{print $6}')
	for o in nosuid noexec nodev; do
		assert_match ",$opts," ",$o," "mount options"
	done
}

@test "mounts: bind ro is readable and not writable" {
	mkdir "$T/hostdir"
	echo hostdata >"$T/hostdir/file"
	add_mount "{\"destination\": \"/mnt/ro\", \"type\": \"bind\", \"source\": \"$T/hostdir\", \"options\": [\"rbind\", \"ro\"]}"
	sh_args 'cat /mnt/ro/file; touch /mnt/ro/new && echo wrote; true'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" hostdata
	[ ! -e "$T/hostdir/new" ]
}

@test "mounts: bind rw writes reach the host directory" {
	mkdir "$T/hostdir"
	add_mount "{\"destination\": \"/mnt/rw\", \"type\": \"bind\", \"source\": \"$T/hostdir\", \"options\": [\"rbind\", \"rw\"]}"
	sh_args 'echo from-ctr > /mnt/rw/new'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$T/hostdir/new")" from-ctr
}

@test "mounts: bind to a file" {
	echo filedata >"$T/hostfile"
	add_mount "{\"destination\": \"/etc/bound-file\", \"type\": \"bind\", \"source\": \"$T/hostfile\", \"options\": [\"bind\", \"ro\"]}"
	sh_args 'test -f /etc/bound-file && cat /etc/bound-file'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" filedata
}

@test "mounts: missing destination directories are created" {
	add_mount '{"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs"}'
	set_args sh -c "$FSTYPES" /new/deep/dir
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" tmpfs
}

@test "mounts: are applied in order (the last mount on a destination is visible)" {
	mkdir "$T/hostdir"
	echo second >"$T/hostdir/which"
	add_mount '{"destination": "/m", "type": "tmpfs", "source": "tmpfs"}'
	add_mount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$T/hostdir\", \"options\": [\"rbind\"]}"
	set_args sh -c "cat /m/which; $FSTYPES" /m
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(echo "$output" | sed -n 1,2p)" "$(printf 'second\ntmpfs')" "content, first fstype"
	assert_eq "$(echo "$output" | wc -l)" 3 "number of lines (content + 2 mounts)"
	[ "$(echo "$output" | sed -n 3p)" != tmpfs ]
}

@test "mounts: a mount inside an earlier mount uses the earlier one" {
	mkdir "$T/hostdir"
	echo inner >"$T/hostdir/f"
	add_mount '{"destination": "/outer", "type": "tmpfs", "source": "tmpfs", "options": ["mode=0755"]}'
	add_mount "{\"destination\": \"/outer/inner\", \"type\": \"bind\", \"source\": \"$T/hostdir\", \"options\": [\"rbind\", \"ro\"]}"
	sh_args 'cat /outer/inner/f; ls /outer'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf 'inner\ninner')"
}

@test "maskedPaths: a masked file reads empty" {
	echo secret >"$BUNDLE/rootfs/secret"
	cfg '.linux.maskedPaths += ["/secret"]'
	sh_args 'cat /secret; echo "[end]"'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "[end]"
}

@test "maskedPaths: a masked directory is empty" {
	mkdir "$BUNDLE/rootfs/secretdir"
	echo secret >"$BUNDLE/rootfs/secretdir/file"
	cfg '.linux.maskedPaths += ["/secretdir"]'
	sh_args 'ls -A /secretdir; echo "[end]"'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "[end]"
}

@test "maskedPaths: the default /proc files read empty" {
	files=""
	for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
		[ -e "$f" ] && files="$files $f"
	done
	[ -n "$files" ] || skip "none of the default masked /proc files exists on this kernel"
	sh_args "for f in $files; do printf '%s:' \$f; wc -c < \$f; done"
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(echo "$output" | tr -d ' ')" "$(for f in $files; do echo "$f:0"; done)" "bytes read"
}

@test "maskedPaths: a missing path is ignored" {
	cfg '.linux.maskedPaths += ["/does/not/exist"]'
	set_args true
	run_ctr
	[ "$status" -eq 0 ]
}

@test "readonlyPaths: writing fails, the rest stays writable" {
	cfg '.root.readonly = false | .linux.readonlyPaths += ["/rodir"]'
	mkdir "$BUNDLE/rootfs/rodir"
	echo keep >"$BUNDLE/rootfs/rodir/file"
	sh_args 'echo x > /rodir/file || echo ro-ok; touch /rodir/new || echo ro-ok2; echo y > /rwfile && echo rw-ok; cat /rodir/file'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf 'ro-ok\nro-ok2\nrw-ok\nkeep')"
	assert_eq "$(cat "$BUNDLE/rootfs/rodir/file")" keep
}

@test "readonlyPaths: /proc/sys is mounted read-only" {
	set_args cat /proc/self/mountinfo
	run_ctr
	[ "$status" -eq 0 ]
	opts=$(mnt_line /proc/sys | awk '{print $6}')
	assert_match ",$opts," ",ro," "/proc/sys mount options"
}

# A shared tmpfs on the host under $T, bound into the container at /shared, where the container
# (with CAP_SYS_ADMIN) mounts another tmpfs. Sets $shared.
propagation_setup() {
	shared="$T/shared"
	mkdir "$shared"
	mount -t tmpfs -o size=1m conf-shared "$shared"
	mount --make-shared "$shared"
	add_mount "{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$shared\", \"options\": [\"rbind\"]}"
	cfg '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	sh_args 'mkdir -p /shared/sub && mount -t tmpfs inner /shared/sub && echo mounted'
}

@test "rootfsPropagation: unset, container mounts do not propagate to the host" {
	propagation_setup
	cfg 'del(.linux.rootfsPropagation)'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" mounted
	! mountpoint -q "$shared/sub"
}

@test "rootfsPropagation: rprivate, container mounts do not propagate to the host" {
	propagation_setup
	cfg '.linux.rootfsPropagation = "rprivate"'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" mounted
	! mountpoint -q "$shared/sub"
}

@test "rootfsPropagation: rshared, container mounts propagate to the host" {
	propagation_setup
	cfg '.linux.rootfsPropagation = "rshared"'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" mounted
	mountpoint -q "$shared/sub"
}

@test "rootfsPropagation: rslave, container mounts do not propagate to the host" {
	propagation_setup
	cfg '.linux.rootfsPropagation = "rslave"'
	run_ctr
	[ "$status" -eq 0 ]
	assert_eq "$output" mounted
	! mountpoint -q "$shared/sub"
}

@test "rootfsPropagation: an invalid value is an error" {
	cfg '.linux.rootfsPropagation = "bogus"'
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
}
