#!/usr/bin/env bats
# config.md "POSIX-platform Hooks", runtime.md "Lifecycle" (hook order, state on stdin, failures).

load lib/helpers

# hook NAME [FAIL_STATUS]: a record-hook.sh entry (host side) as JSON.
hook() {
	jq -cn --arg s "$HOOKS_DIR/record-hook.sh" --arg n "$1" --arg d "$T/hooklog" --arg f "${2:-0}" \
		'{"path": "/bin/sh", "args": ["sh", $s, $n, $d], "env": ["RECORD_HOOK_FAIL=\($f)", "CONF_HOOK=\($n)"]}'
}

# All six hook kinds, each recording itself. startContainer runs in the container, so it uses the
# container's /bin/sh and the hook log bind-mounted at /hooklog.
all_hooks() {
	mkdir -p "$T/hooklog"
	cfg '.mounts += [{"destination": "/hooklog", "type": "bind", "source": $d, "options": ["rbind", "rw"]}]' --arg d "$T/hooklog"
	cfg '.hooks = {
		"prestart": [$pre], "createRuntime": [$cr], "createContainer": [$cc],
		"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /hooklog/startContainer.json; echo startContainer >> /hooklog/order"]}],
		"poststart": [$ps], "poststop": [$pst]}' \
		--argjson pre "$(hook prestart)" --argjson cr "$(hook createRuntime)" --argjson cc "$(hook createContainer)" \
		--argjson ps "$(hook poststart)" --argjson pst "$(hook poststop)"
}

@test "hooks: create runs prestart createRuntime createContainer in order, nothing else" {
	all_hooks
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(head -n3 "$T/hooklog/order" | xargs)" "prestart createRuntime createContainer" "first hooks"
	! grep -qx startContainer "$T/hooklog/order"
	! grep -qx poststop "$T/hooklog/order"
}

@test "hooks: startContainer runs at start and poststop at delete, once each" {
	all_hooks
	set_args true
	create_ctr
	[ "$status" -eq 0 ]
	rt start "$ID"
	wait_status stopped
	assert_eq "$(grep -cx startContainer "$T/hooklog/order")" 1 "startContainer runs"
	! grep -qx poststop "$T/hooklog/order"
	rt delete "$ID"
	assert_eq "$(tail -n1 "$T/hooklog/order")" poststop "last hook"
	assert_eq "$(sort "$T/hooklog/order" | uniq -d)" "" "hooks run twice"
}

@test "hooks: poststart runs after start, not at create" {
	all_hooks
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	! grep -qx poststart "$T/hooklog/order" || { echo "# poststart ran during create"; false; }
	rt start "$ID"
	assert_eq "$(xargs <"$T/hooklog/order")" "prestart createRuntime createContainer startContainer poststart" "order after start"
	rt delete -f "$ID"
	assert_eq "$(xargs <"$T/hooklog/order")" "prestart createRuntime createContainer startContainer poststart poststop" "order after delete"
}

# run all hooks once: create, start, delete -f of a sleeping container; sets pid.
hooks_lifecycle() {
	all_hooks
	set_args sleep 100
	create_ctr
	[ "$status" -eq 0 ]
	pid=$(ctr_pid)
	rt start "$ID"
	wait_file "$T/hooklog/poststart.json"
	wait_file "$T/hooklog/startContainer.json"
	rt delete -f "$ID"
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		echo "# $h: $(cat "$T/hooklog/$h.json")"
	done
}

@test "hooks: the state on stdin has ociVersion id status bundle" {
	hooks_lifecycle
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		f="$T/hooklog/$h.json"
		assert_eq "$(jq -r .id "$f")" "$ID" "$h id"
		assert_eq "$(jq -r .bundle "$f")" "$BUNDLE" "$h bundle"
		jq -e '(.ociVersion | type == "string") and (.status | type == "string")' "$f" >/dev/null
	done
}

@test "hooks: the state status is creating or created at create and stopped at poststop" {
	hooks_lifecycle
	for h in prestart createRuntime createContainer; do
		assert_match "$(jq -r .status "$T/hooklog/$h.json")" '^(creating|created)$' "$h status"
	done
	assert_match "$(jq -r .status "$T/hooklog/startContainer.json")" '^(created|running)$' "startContainer status"
	assert_match "$(jq -r .status "$T/hooklog/poststart.json")" '^(created|running)$' "poststart status"
	assert_eq "$(jq -r .status "$T/hooklog/poststop.json")" stopped "poststop status"
}

@test "hooks: runtime-namespace hooks get the container's host pid" {
	hooks_lifecycle
	for h in prestart createRuntime poststart; do
		assert_eq "$(jq -r .pid "$T/hooklog/$h.json")" "$pid" "$h pid"
	done
}

@test "hooks: container-namespace hooks get the pid as seen in the container" {
	hooks_lifecycle
	for h in createContainer startContainer; do
		assert_eq "$(jq -r .pid "$T/hooklog/$h.json")" 1 "$h pid (runtime.md: as seen by the container)"
	done
}

@test "hooks: args and env are passed to the hook" {
	mkdir -p "$T/hooklog"
	cfg '.hooks = {"createRuntime": [$h]}' --argjson h "$(hook createRuntime)"
	set_args true
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$T/hooklog/createRuntime.args")" "$(printf '%s\n' "$HOOKS_DIR/record-hook.sh" createRuntime "$T/hooklog")" args
	grep -qx CONF_HOOK=createRuntime "$T/hooklog/createRuntime.env"
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing" {
	mkdir -p "$T/hooklog"
	cfg '.hooks = {"createRuntime": [$h]}' --argjson h "$(hook createRuntime 3)"
	set_args sleep 100
	create_ctr
	[ "$status" -ne 0 ]
	assert_eq "$(cat "$T/hooklog/order")" createRuntime "hook ran"
	pid=$(jq -r .pid "$T/hooklog/createRuntime.json")
	run rt state "$ID"
	[ "$status" -ne 0 ]
	root_is_empty
	no_cgroup "$ID"
	! [ -d "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "hooks: a failing prestart hook fails create and leaves nothing" {
	mkdir -p "$T/hooklog"
	cfg '.hooks = {"prestart": [$h]}' --argjson h "$(hook prestart 1)"
	set_args sleep 100
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
	no_cgroup "$ID"
}

@test "hooks: a failing createContainer hook fails create and leaves nothing" {
	mkdir -p "$T/hooklog"
	cfg '.hooks = {"createContainer": [$h]}' --argjson h "$(hook createContainer 1)"
	set_args sleep 100
	create_ctr
	[ "$status" -ne 0 ]
	root_is_empty
	no_cgroup "$ID"
}

@test "hooks: several hooks of one kind run in order" {
	mkdir -p "$T/hooklog"
	cfg '.hooks = {"createRuntime": [$a, $b, $c]}' --argjson a "$(hook one)" --argjson b "$(hook two)" --argjson c "$(hook three)"
	set_args true
	create_ctr
	[ "$status" -eq 0 ]
	assert_eq "$(xargs <"$T/hooklog/order")" "one two three" order
}

@test "hooks: a failing poststop hook does not fail delete" {
	mkdir -p "$T/hooklog"
	cfg '.hooks = {"poststop": [$h]}' --argjson h "$(hook poststop 1)"
	set_args true
	create_ctr
	rt start "$ID"
	wait_status stopped
	rt delete "$ID"
	assert_eq "$(cat "$T/hooklog/order")" poststop "hook ran"
	root_is_empty
}
