#!/usr/bin/env bats
# Invalid bundles: each create fails (rc != 0) and leaves nothing under --root, no cgroup.
# runtime.md: "generating an error MUST leave the state of the environment as if the operation
# were never attempted".

load lib/helpers

# create_fails: create must fail and leave no trace.
create_fails() {
	create_ctr
	[ "$status" -ne 0 ] || { echo "# create succeeded"; return 1; }
	root_is_empty
	no_cgroup "$ID"
}

@test "errors: missing config.json" {
	rm "$BUNDLE/config.json"
	create_fails
}

@test "errors: config.json is not valid JSON" {
	echo '{"ociVersion": "1.0.2", bogus' >"$BUNDLE/config.json"
	create_fails
}

@test "errors: config.json is an empty file" {
	: >"$BUNDLE/config.json"
	create_fails
}

@test "errors: missing bundle directory" {
	BUNDLE="$T/no-such-bundle"
	create_fails
}

@test "errors: process.args is empty" {
	cfg '.process.args = []'
	create_fails
}

@test "errors: process.cwd is relative" {
	cfg '.process.cwd = "relative/dir"'
	create_fails
}

@test "errors: process is missing" {
	cfg 'del(.process)'
	create_fails
}

@test "errors: root.path does not exist" {
	cfg '.root.path = "no-such-rootfs"'
	create_fails
}

@test "errors: root.path is a file" {
	: >"$BUNDLE/rootfs-file"
	cfg '.root.path = "rootfs-file"'
	create_fails
}

@test "errors: a mount with an unknown option" {
	cfg '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["no-such-option"]}]'
	create_fails
}

@test "errors: a bind mount of a missing source" {
	cfg '.mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": ["rbind"]}]' --arg s "$T/no-such-dir"
	create_fails
}

@test "errors: a hook with a missing executable" {
	cfg '.hooks = {"createRuntime": [{"path": $p}]}' --arg p "$T/no-such-hook"
	create_fails
}

@test "errors: ociVersion is missing" {
	cfg 'del(.ociVersion)'
	create_fails
}

@test "errors: a failed create leaves the environment ready for the same id" {
	cfg '.process.args = []'
	create_fails
	set_args true
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(ctr_status)" created status
}
