#!/bin/sh
# record-hook.sh NAME DIR: an OCI hook for the conformance suite.
# Saves the state JSON it gets on stdin to DIR/NAME.json, appends NAME to DIR/order, and
# saves its argv and environment to DIR/NAME.args and DIR/NAME.env. If DIR does not exist
# in the hook's mount namespace, /hooklog is used instead (bind-mount DIR there).
# With RECORD_HOOK_FAIL=N in the hook's env it exits N after recording.
name=${1:?usage: record-hook.sh NAME DIR}
dir=${2:?usage: record-hook.sh NAME DIR}
[ -d "$dir" ] || dir=/hooklog
cat >"$dir/$name.json"
printf '%s\n' "$0" "$@" >"$dir/$name.args"
env >"$dir/$name.env"
echo "$name" >>"$dir/order"
exit "${RECORD_HOOK_FAIL:-0}"
