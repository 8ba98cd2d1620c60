#!/usr/bin/env bash
# Rootless podman 4.3 (issue 9): `podman --runtime WRAPPER` run by a throw-away unprivileged user, the way a
# desktop user runs it. Run once with runc (the oracle) and once with nrunc, like every engine script.
#   - the user: `useradd` with HOME under $T, one /etc/subuid and /etc/subgid range chosen by this script above
#     every existing one (podman's newuidmap/newgidmap need it); user, lines and processes removed at the end
#   - the user's environment only: HOME, XDG_RUNTIME_DIR (0700, the user's), XDG_CONFIG_HOME, XDG_DATA_HOME,
#     CONTAINERS_CONF and CONTAINERS_STORAGE_CONF in $T (vfs, file locks, file events, cgroupfs)
#   - --network none (no slirp4netns/pasta on this host); the image is the offline busybox tarball of run.sh
#   - podman runs the runtime as root inside its own user namespace (euid 0, USER unset): the runtime's
#     rootless rules apply (state under $XDG_RUNTIME_DIR, devices bind-mounted, no cgroup writes on v1)
# The runtime is copied into $T (the checkout may be in a directory the user cannot enter) behind the logging
# wrapper; the calls log lives in a user-owned directory and is copied to $ENG_OUT at the end.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

eng_begin podman-rootless
if ! have podman || ! have conmon || ! have newuidmap || ! have setpriv || ! have useradd; then
  skip engine "podman/conmon/uidmap/util-linux/passwd not installed (apt-get install podman conmon uidmap)"
  exit 0
fi
IMG=$ENG_IMAGE

# ---------- the user ----------
RL_USER=nrunc-pmrl-$(printf '%s' "${T##*.}" | tr 'A-Z' 'a-z')
RL_UID=""
RL_LOGIN_DEFS=""
rl_cleanup() {
  local pid pids i
  if [ -n "$RL_UID" ]; then
    # everything the user still runs (podman's pause process, conmon, a container init) is ours: by pid
    for i in 1 2 3; do
      pids=$(ps -o pid= -u "$RL_UID" 2>/dev/null)
      [ -n "$pids" ] || break
      for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
      sleep 0.3
    done
    userdel "$RL_USER" >/dev/null 2>&1 || log "  cleanup: userdel $RL_USER failed"
  fi
  sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null
  [ -z "$RL_LOGIN_DEFS" ] || rm -f /etc/login.defs
  if [ -d "$T/calls" ]; then cp -r "$T/calls/." "$ENG_OUT/" 2>/dev/null; fi
}
on_cleanup rl_cleanup

# useradd refuses to work without /etc/login.defs (minimal images); a temporary one then
if [ ! -f /etc/login.defs ]; then
  printf 'UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nSUB_UID_COUNT 0\nSUB_GID_COUNT 0\n' >/etc/login.defs
  RL_LOGIN_DEFS=1
fi
touch /etc/subuid /etc/subgid
mkdir -p "$T/home" "$T/xdg" "$T/calls" "$T/bin"
if ! useradd -M -d "$T/home" -s /bin/sh "$RL_USER" >"$T/useradd.log" 2>&1; then
  fail user "useradd $RL_USER: $(cat "$T/useradd.log")"; exit 1
fi
RL_UID=$(id -u "$RL_USER")
RL_GID=$(id -g "$RL_USER")
# one range above every other line (useradd may have added its own: replaced)
sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
SUB=$(awk -F: 'NF == 3 { e = $2 + $3; if (e > m) m = e } END { m = (m < 100000 ? 100000 : m); print (int((m + 65535) / 65536) + 1) * 65536 }' /etc/subuid /etc/subgid)
echo "$RL_USER:$SUB:65536" >>/etc/subuid
echo "$RL_USER:$SUB:65536" >>/etc/subgid
pass user

cat >"$T/containers.conf" <<EOF
[engine]
lock_type = "file"
events_logger = "file"
cgroup_manager = "cgroupfs"
EOF
cat >"$T/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$T/home/storage"
runroot = "$T/xdg/containers"
EOF
cp "$ENG_RUNTIME" "$T/bin/$(basename "$ENG_RUNTIME")"
CALLS=$T/calls/runtime-calls.log
: >"$CALLS"
make_wrapper "$T/bin/wrapper/nrunc" "$T/bin/$(basename "$ENG_RUNTIME")"
chown -R "$RL_UID:$RL_GID" "$T/home" "$T/xdg" "$T/calls"
chmod 700 "$T/xdg"
chmod -R a+rX "$T/bin" "$T/containers.conf" "$T/storage.conf"

PM=(setpriv "--reuid=$RL_UID" "--regid=$RL_GID" --init-groups
  env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "HOME=$T/home" "XDG_RUNTIME_DIR=$T/xdg"
  "XDG_CONFIG_HOME=$T/home/.config" "XDG_DATA_HOME=$T/home/.local/share"
  "CONTAINERS_CONF=$T/containers.conf" "CONTAINERS_STORAGE_CONF=$T/storage.conf"
  podman --runtime "$T/bin/wrapper/nrunc" --cgroup-manager cgroupfs --events-backend file --storage-driver vfs)
podman_cleanup() { (cd "$T/home" && timeout 30 "${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1); }
on_cleanup podman_cleanup
cd "$T/home" || exit 1

t image-load 0 "$IMG" "${PM[@]}" load -i "$ENG_IMAGE_TAR" || exit 1

hr "rootless podman: foreground"
# One foreground run only: podman 4.3 rootless here waits out its 20 s conmon timeout before it reports the
# exit of a foreground container (runc and nrunc alike: the container and conmon are long gone by then).
# Root inside is the user outside; ids 1.. come from the /etc/subuid range this script wrote; devices work.
t run-foreground 3 "^uid=0\(root\) gid=0\(root\)" "${PM[@]}" run --rm --network none "$IMG" \
  sh -c 'id; cat /proc/self/uid_map /proc/self/gid_map; echo x >/dev/null && echo null-ok; exit 3' &&
  { [ "$(grep -cE "^ *0 +$RL_UID +1\$|^ *1 +$SUB +65536\$" "$T/out")" -ge 2 ] && grep -qE "^ *0 +$RL_GID +1\$" "$T/out" &&
    pass maps-are-the-users || fail maps-are-the-users "want 0 $RL_UID 1 / 1 $SUB 65536; output: $OUT"; } &&
  { grep -q '^null-ok' "$T/out" && pass devices || fail devices "output: $OUT"; }

hr "rootless podman: detached container and exec"
if t run-detached 0 "" "${PM[@]}" run -d --name rl-d --network none "$IMG" sh -c 'echo started; while :; do sleep 0.2; done'; then
  if wait_until 10 sh -c "[ \"\$($(printf '%q ' "${PM[@]}") inspect -f '{{.State.Status}}' rl-d)\" = running ]"; then
    pass detached-running; flag_set d
  else fail detached-running "state: $("${PM[@]}" inspect -f '{{.State.Status}}' rl-d 2>&1)"; fi
fi
if needs exec d; then
  t exec 4 '^exec-ok' "${PM[@]}" exec rl-d sh -c 'echo exec-ok; exit 4'
  t exec-user 0 '^65534$' "${PM[@]}" exec --user 65534 rl-d id -u
  if have script; then
    t exec-tty 0 '/dev/pts/' script -qec "$(printf '%q ' "${PM[@]}") exec -t rl-d tty" /dev/null
  else
    skip exec-tty "util-linux script(1) missing"
  fi
  t logs 0 '^started' "${PM[@]}" logs rl-d
  t stop 0 "" "${PM[@]}" stop -t 1 rl-d
  t rm 0 "" "${PM[@]}" rm rl-d
fi

hr "rootless podman: runtime calls"
for sub in create start exec delete; do calls_has "$sub"; done
check no-leftover-containers "podman still lists containers" sh -c "[ -z \"\$(cd $T/home && $(printf '%q ' "${PM[@]}") ps -a -q)\" ]"
