#!/usr/bin/env python3
"""nrunc vs crun vs runc benchmark driver (see README.md in this directory).

Runs inside the private mount namespace bench.sh sets up (/sys/fs/cgroup/unified unmounted there only).
Usage: bench.py --work WORK --nrunc BIN --out OUTDIR [--rounds N] [--warmup N] [--quick]
       bench.py --cleanup WORK          (best-effort removal of everything a killed run left behind)

Safety: every container id this script passes to a runtime is generated here, matches ^nb[a-z0-9]+$ and is
checked before each call; every --root and bundle is a directory under WORK (a `mktemp -d` made by bench.sh).
"""
import ctypes
import json
import os
import platform
import random
import re
import signal
import statistics
import string
import sys
import time

ID_RE = re.compile(r"^nb[a-z0-9]{4,40}$")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
CGROOT = "/sys/fs/cgroup"
RUNTIME_ORDER = ["nrunc", "crun", "runc"]


class Stop(Exception):
    pass


class Timeout(Exception):
    pass


def _on_alarm(_signum, _frame):
    raise Timeout()


def _on_signal(signum, _frame):
    raise Stop("signal %d" % signum)


def log(msg):
    sys.stderr.write("  %s\n" % msg)
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------------------------
# process spawning with rusage

class Res:
    __slots__ = ("ok", "rc", "wall", "cpu", "maxrss", "out", "err")

    def __init__(self, ok, rc, wall, cpu, maxrss, out=b"", err=b""):
        self.ok, self.rc, self.wall, self.cpu, self.maxrss, self.out, self.err = ok, rc, wall, cpu, maxrss, out, err


class Spawner:
    def __init__(self, work):
        self.outp = os.path.join(work, "out", "stdout")
        self.errp = os.path.join(work, "out", "stderr")
        os.makedirs(os.path.dirname(self.outp), exist_ok=True)

    def actions(self, outp, errp):
        w = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        return [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, outp, w, 0o600),
                (os.POSIX_SPAWN_OPEN, 2, errp, w, 0o600)]

    def start(self, argv, outp=None, errp=None):
        return os.posix_spawn(argv[0], argv, ENV, file_actions=self.actions(outp or os.devnull, errp or os.devnull))

    def run(self, argv, capture=False, sampler=None, timeout=20):
        """Runs argv to completion; wall from just before spawn to wait4's return; cpu = user+sys of wait4's rusage.
        A call that outlives `timeout` seconds (an interval timer, so no polling skews the timing) is killed."""
        outp = self.outp if capture else "/dev/null"
        errp = self.errp
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, ENV, file_actions=self.actions(outp, errp))
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            if sampler is None:
                _, status, ru = os.wait4(pid, 0)
            else:
                while True:
                    p, status, ru = os.wait4(pid, os.WNOHANG)
                    if p == pid:
                        break
                    sampler(pid, time.perf_counter() - t0)
                    time.sleep(0.01)
        except Timeout:
            os.kill(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            return Res(False, -9, time.perf_counter() - t0, 0, 0, err=b"timed out after %ds (killed): %s" % (timeout, " ".join(argv[3:5]).encode()))
        except BaseException:
            signal.setitimer(signal.ITIMER_REAL, 0)
            try:
                os.kill(pid, signal.SIGKILL)
                os.wait4(pid, 0)
            except OSError:
                pass
            raise
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        out = b""
        if capture:
            with open(outp, "rb") as f:
                out = f.read()
        err = b""
        if rc != 0:
            with open(errp, "rb") as f:
                err = f.read()[-400:]
        return Res(rc == 0, rc, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, out, err)


# --------------------------------------------------------------------------------------------------------------
# runtimes, roots, bundles

class Runtime:
    def __init__(self, name, path, work):
        self.name, self.path = name, path
        self.roots = {}
        for kind in ("main", "one", "hundred", "misc"):
            d = os.path.join(work, "roots", name, kind)
            os.makedirs(d, exist_ok=True)
            self.roots[kind] = d


class Bench:
    def __init__(self, args):
        self.work = os.path.realpath(args["work"])
        assert self.work.startswith("/tmp/nrbench.") and os.path.isdir(self.work), "work dir must be a mktemp -d /tmp/nrbench.*"
        self.out = args["out"]
        os.makedirs(self.out, exist_ok=True)
        self.rounds = args["rounds"]
        self.warmup = args["warmup"]
        self.quick = args["quick"]
        self.tag = open(os.path.join(self.work, "tag")).read().strip()
        assert re.match(r"^[a-z0-9]{6}$", self.tag)
        ENV["NRBENCH"] = self.tag  # marks the runtime processes too (a parked init still has the runtime's environ)
        self.cgparent = "nrbench" + self.tag
        self.sp = Spawner(self.work)
        self.rts = {
            "nrunc": Runtime("nrunc", args["nrunc"], self.work),
            "crun": Runtime("crun", "/usr/bin/crun", self.work),
            "runc": Runtime("runc", "/usr/sbin/runc", self.work),
        }
        self.counter = 0
        self.live = set()  # (runtime, root, id) that may exist
        self.bundles = {}
        self.base = json.load(open(os.path.join(self.work, "base", "config.json")))
        self.rootfs = os.path.join(self.work, "base", "rootfs")
        self.dead = {}  # (cfg, op, rt) -> reason once an op is given up for a runtime
        self.results = {}
        self.notes = []

    # ---- ids and configs
    def new_id(self, rt, what):
        self.counter += 1
        cid = "nb%s%s%s%d" % (self.tag, rt[0], what, self.counter)
        assert ID_RE.match(cid), cid
        return cid

    def config(self, cfg, args):
        c = json.loads(json.dumps(self.base))
        p = c["process"]
        p["terminal"] = False
        p["args"] = args
        p["env"] = [e for e in p.get("env", []) if not e.startswith("TERM=")] + ["NRBENCH=" + self.tag]
        c["root"] = {"path": self.rootfs, "readonly": cfg == "default" and c["root"].get("readonly", True)}
        if cfg == "realistic":
            realistic(c, self.work, self.tag)
        return c

    def bundle(self, cfg, args, cid):
        """Per-container bundle dir (config.json only; root.path is the shared absolute rootfs) so that each container
        gets its own cgroupsPath /nrbench<TAG>/<ID>, which makes cleanup exact."""
        c = self.config(cfg, args)
        c.setdefault("linux", {})["cgroupsPath"] = "/%s/%s" % (self.cgparent, cid)
        d = os.path.join(self.work, "b", cid)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(c, f)
        return d

    def drop_bundle(self, cid):
        assert ID_RE.match(cid)
        d = os.path.join(self.work, "b", cid)
        try:
            os.unlink(os.path.join(d, "config.json"))
            os.rmdir(d)
        except OSError:
            pass

    # ---- runtime calls (the only place argv for a runtime is built)
    def argv(self, rt, root, verb, cid=None, extra=(), tail=()):
        r = self.rts[rt]
        rootdir = r.roots[root]
        assert rootdir.startswith(self.work + "/")
        a = [r.path, "--root", rootdir, verb] + list(extra)
        if cid is not None:
            assert ID_RE.match(cid), cid
            a.append(cid)
        return a + list(tail)

    def call(self, rt, root, verb, cid=None, extra=(), tail=(), capture=False, sampler=None, timeout=10):
        return self.sp.run(self.argv(rt, root, verb, cid, extra, tail), capture=capture, sampler=sampler, timeout=timeout)

    def force_delete(self, rt, root, cid):
        self.call(rt, root, "delete", cid, extra=["-f"], timeout=10)
        self.live.discard((rt, root, cid))
        self.drop_bundle(cid)

    # ---- bookkeeping
    def rec(self, cfg, op, rt, res):
        d = self.results.setdefault(cfg, {}).setdefault(op, {}).setdefault(rt, {"wall": [], "cpu": [], "maxrss_kib": [], "fail": 0, "err": ""})
        if res is None or not res.ok:
            d["fail"] += 1
            if res is not None and not d["err"]:
                d["err"] = res.err.decode("utf-8", "replace").strip()[-300:]
            if d["fail"] >= 3 and not d["wall"]:
                self.dead[(cfg, op, rt)] = d["err"] or "failed"
            return False
        d["wall"].append(res.wall)
        d["cpu"].append(res.cpu)
        d["maxrss_kib"].append(res.maxrss)
        return True

    def alive(self, cfg, op, rt):
        return (cfg, op, rt) not in self.dead

    def order(self, rnd):
        k = rnd % 3
        return RUNTIME_ORDER[k:] + RUNTIME_ORDER[:k]

    # ---- measurements
    def bench_config(self, cfg):
        log("config %s: setting up long-running containers" % cfg)
        sleeper = {}
        for rt in RUNTIME_ORDER:
            cid = self.new_id(rt, "s")
            b = self.bundle(cfg, ["/bin/sleep", "1000"], cid)
            self.live.add((rt, "one", cid))
            res = self.call(rt, "one", "run", cid, extra=["-d", "-b", b])
            if res.ok:
                sleeper[rt] = cid
            else:
                self.notes.append("%s %s: run -d failed: %s" % (cfg, rt, res.err.decode("utf-8", "replace").strip()[-200:]))
                self.force_delete(rt, "one", cid)
        total = self.warmup + self.rounds
        t_start = time.time()
        for rnd in range(total):
            warm = rnd < self.warmup
            order = self.order(rnd)
            # run /bin/true (foreground; run deletes the container itself)
            for rt in order:
                if not self.alive(cfg, "run", rt):
                    continue
                cid = self.new_id(rt, "r")
                b = self.bundle(cfg, ["/bin/true"], cid)
                self.live.add((rt, "main", cid))
                res = self.call(rt, "main", "run", cid, extra=["-b", b])
                if not warm or not res.ok:
                    self.rec(cfg, "run", rt, res)
                if not res.ok:
                    self.force_delete(rt, "main", cid)
                else:
                    self.live.discard((rt, "main", cid))
                    self.drop_bundle(cid)
            # create, start, delete, each timed on its own
            made = {}
            for rt in order:
                if not all(self.alive(cfg, o, rt) for o in ("create", "start", "delete")):
                    continue
                cid = self.new_id(rt, "c")
                b = self.bundle(cfg, ["/bin/true"], cid)
                pidf = os.path.join(self.work, "b", cid, "pid")
                self.live.add((rt, "main", cid))
                res = self.call(rt, "main", "create", cid, extra=["-b", b, "--pid-file", pidf])
                if not warm or not res.ok:
                    self.rec(cfg, "create", rt, res)
                if res.ok:
                    made[rt] = (cid, pidf)
                else:
                    self.force_delete(rt, "main", cid)
            for rt in order:
                if rt not in made:
                    continue
                cid, pidf = made[rt]
                res = self.call(rt, "main", "start", cid)
                if not warm or not res.ok:
                    self.rec(cfg, "start", rt, res)
                if not res.ok:
                    kill_ours(pidf, self.tag)  # a parked init may hold the container's lock
                    self.force_delete(rt, "main", cid)
                    del made[rt]
            for rt in list(made):
                wait_exit(made[rt][1])
            for rt in order:
                if rt not in made:
                    continue
                cid, _ = made[rt]
                res = self.call(rt, "main", "delete", cid)
                if not warm or not res.ok:
                    self.rec(cfg, "delete", rt, res)
                if res.ok:
                    self.live.discard((rt, "main", cid))
                    self.drop_bundle(cid)
                else:
                    self.force_delete(rt, "main", cid)
            # exec, state, list against the one long-running container
            for op in ("exec", "state1", "list1"):
                for rt in order:
                    if rt not in sleeper or not self.alive(cfg, op, rt):
                        if rt not in sleeper and not warm:
                            self.rec(cfg, op, rt, None)
                        continue
                    cid = sleeper[rt]
                    if op == "exec":
                        res = self.call(rt, "one", "exec", cid, tail=["/bin/true"])
                    elif op == "state1":
                        res = self.call(rt, "one", "state", cid, capture=True)
                    else:
                        res = self.call(rt, "one", "list", capture=True)
                    if not warm or not res.ok:
                        self.rec(cfg, op, rt, res)
            if rnd == self.warmup:
                per = (time.time() - t_start) / (self.warmup + 1)
                log("config %s: ~%.1f s per round, %d rounds" % (cfg, per, total))
        # derived: create+start+delete per round, paired by index
        for rt in RUNTIME_ORDER:
            ops = self.results.get(cfg, {})
            parts = [ops.get(o, {}).get(rt) for o in ("create", "start", "delete")]
            if all(p and p["wall"] for p in parts):
                n = min(len(p["wall"]) for p in parts)
                d = self.results[cfg].setdefault("create+start+delete", {})[rt] = {"wall": [], "cpu": [], "maxrss_kib": [], "fail": 0, "err": ""}
                for i in range(n):
                    d["wall"].append(sum(p["wall"][i] for p in parts))
                    d["cpu"].append(sum(p["cpu"][i] for p in parts))
        # seccomp program length of the sleeping container (realistic config has docker's profile)
        for rt, cid in sleeper.items():
            pid = self.init_pid(rt, "one", cid)
            if pid:
                n = seccomp_insns(pid)
                self.results[cfg].setdefault("seccomp_insns", {})[rt] = n
        for rt, cid in sleeper.items():
            self.force_delete(rt, "one", cid)
        self.hundred(cfg)
        self.throughput(cfg)
        self.rss(cfg)

    def init_pid(self, rt, root, cid):
        res = self.call(rt, root, "state", cid, capture=True)
        try:
            return int(json.loads(res.out)["pid"])
        except Exception:
            return 0

    def hundred(self, cfg):
        n = 100 if not self.quick else 10
        log("config %s: state/list with %d containers" % (cfg, n))
        made = {rt: [] for rt in RUNTIME_ORDER}
        try:
            for i in range(n):
                for rt in RUNTIME_ORDER:
                    if not made[rt] and i > 0:
                        continue  # first one failed: runtime cannot run -d here
                    cid = self.new_id(rt, "h")
                    b = self.bundle(cfg, ["/bin/sleep", "1000"], cid)
                    self.live.add((rt, "hundred", cid))
                    res = self.call(rt, "hundred", "run", cid, extra=["-d", "-b", b])
                    if res.ok:
                        made[rt].append(cid)
                    else:
                        self.force_delete(rt, "hundred", cid)
            rounds = max(5, self.rounds // 2)
            for rnd in range(self.warmup + rounds):
                for op in ("state100", "list100"):
                    for rt in self.order(rnd):
                        if len(made[rt]) < n:
                            if rnd >= self.warmup:
                                self.rec(cfg, op, rt, None)
                            continue
                        if op == "state100":
                            res = self.call(rt, "hundred", "state", made[rt][rnd % n], capture=True)
                        else:
                            res = self.call(rt, "hundred", "list", capture=True)
                            if res.ok and len(res.out.splitlines()) < n + 1:
                                res.ok = False
                                res.err = b"list shows fewer containers than exist"
                        if rnd >= self.warmup or not res.ok:
                            self.rec(cfg, op, rt, res)
        finally:
            for rt in RUNTIME_ORDER:
                for cid in made[rt]:
                    self.force_delete(rt, "hundred", cid)

    def throughput(self, cfg):
        n = 100 if not self.quick else 20
        reps = 3 if not self.quick else 1
        for mode, par in (("seq100", 1), ("par100x10", 10)):
            log("config %s: %d runs, %d at a time, %d interleaved repetitions" % (cfg, n, par, reps))
            for rep in range(reps):
                for rt in self.order(rep):
                    if not self.alive(cfg, "run", rt):
                        self.rec(cfg, mode, rt, None)
                        continue
                    ids = [self.new_id(rt, "t") for _ in range(n)]
                    bundles = [self.bundle(cfg, ["/bin/true"], cid) for cid in ids]
                    for cid in ids:
                        self.live.add((rt, "misc", cid))
                    pending = list(zip(ids, bundles))
                    running = {}
                    cpu = 0.0
                    fails = 0
                    t0 = time.perf_counter()
                    signal.setitimer(signal.ITIMER_REAL, 240)
                    try:
                        while pending or running:
                            while pending and len(running) < par:
                                cid, b = pending.pop(0)
                                pid = self.sp.start(self.argv(rt, "misc", "run", cid, extra=["-b", b]))
                                running[pid] = cid
                            pid, status, ru = os.wait4(-1, 0)
                            if pid in running:
                                running.pop(pid)
                                cpu += ru.ru_utime + ru.ru_stime
                                if os.waitstatus_to_exitcode(status) != 0:
                                    fails += 1
                    except (Timeout, Stop) as e:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                        for pid in running:
                            os.kill(pid, signal.SIGKILL)
                            os.wait4(pid, 0)
                        if isinstance(e, Stop):
                            raise
                        fails += len(running) + len(pending)
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                    wall = time.perf_counter() - t0
                    for cid in ids:
                        if fails:
                            self.force_delete(rt, "misc", cid)
                        self.live.discard((rt, "misc", cid))
                        self.drop_bundle(cid)
                    res = Res(fails == 0, fails, wall, cpu, 0, err=b"%d of %d runs failed" % (fails, n))
                    self.rec(cfg, mode, rt, res)

    def rss(self, cfg):
        rounds = 5 if not self.quick else 1
        log("config %s: RSS of the runtime supervising a foreground container (%d rounds)" % (cfg, rounds))
        for rnd in range(rounds):
            for rt in self.order(rnd):
                if not self.alive(cfg, "run", rt):
                    continue
                cid = self.new_id(rt, "m")
                b = self.bundle(cfg, ["/bin/sleep", "1"], cid)
                self.live.add((rt, "main", cid))
                samples = []

                def sampler(pid, t):
                    if t < 0.3:
                        return
                    try:
                        with open("/proc/%d/status" % pid) as f:
                            s = f.read()
                        rss = int(re.search(r"VmRSS:\s+(\d+)", s).group(1))
                        hwm = int(re.search(r"VmHWM:\s+(\d+)", s).group(1))
                        samples.append((rss, hwm))
                    except (OSError, AttributeError):
                        pass

                res = self.call(rt, "main", "run", cid, extra=["-b", b], sampler=sampler)
                if res.ok:
                    self.live.discard((rt, "main", cid))
                    self.drop_bundle(cid)
                else:
                    self.force_delete(rt, "main", cid)
                d = self.results.setdefault(cfg, {}).setdefault("rss", {}).setdefault(rt, {"steady_kib": [], "peak_kib": [], "fail": 0, "err": ""})
                if res.ok and samples:
                    d["steady_kib"].append(statistics.median(s[0] for s in samples))
                    d["peak_kib"].append(max(s[1] for s in samples))
                else:
                    d["fail"] += 1
                    d["err"] = res.err.decode("utf-8", "replace").strip()[-300:]

    # ---- strace
    def strace(self):
        log("strace -c -f of one run (default config)")
        out = {}
        for rt in RUNTIME_ORDER:
            cid = self.new_id(rt, "x")
            b = self.bundle("default", ["/bin/true"], cid)
            self.live.add((rt, "misc", cid))
            f = os.path.join(self.out, "strace-c-%s-run.txt" % rt)
            res = self.sp.run(["/usr/bin/strace", "-f", "-c", "-o", f] + self.argv(rt, "misc", "run", cid, extra=["-b", b]))
            self.force_delete(rt, "misc", cid)
            out[rt] = parse_strace_c(f) if res.ok else {"error": res.err.decode("utf-8", "replace")[-300:]}
        # a timed trace of nrunc's run for reading where the time goes
        cid = self.new_id("nrunc", "x")
        b = self.bundle("default", ["/bin/true"], cid)
        self.live.add(("nrunc", "misc", cid))
        self.sp.run(["/usr/bin/strace", "-f", "-tt", "-T", "-o", os.path.join(self.out, "strace-tt-nrunc-run.txt")]
                    + self.argv("nrunc", "misc", "run", cid, extra=["-b", b]))
        self.force_delete("nrunc", "misc", cid)
        return out

    # ---- cleanup
    def cleanup(self):
        for (rt, root, cid) in list(self.live):
            self.force_delete(rt, root, cid)
        cleanup_leftovers(self.work, self.tag, {k: v.path for k, v in self.rts.items()})


# --------------------------------------------------------------------------------------------------------------
# helpers

def kill_ours(pidfile, tag):
    """SIGKILLs the pid in pidfile if that process carries this run's marker (so never a stranger after pid reuse)."""
    try:
        pid = int(open(pidfile).read().strip())
        with open("/proc/%d/environ" % pid, "rb") as f:
            if ("NRBENCH=" + tag).encode() in f.read().split(b"\0"):
                os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass


def wait_exit(pidfile, timeout=3.0):
    try:
        pid = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        time.sleep(0.05)
        return
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read().rsplit(")", 1)[1].split()[0]
            if st in ("Z", "X"):
                return
        except OSError:
            return
        time.sleep(0.002)


def realistic(c, work, tag):
    """Docker-like container: docker's default seccomp profile and capabilities, cgroup limits, the usual mounts
    (plus hosts/hostname/resolv.conf binds), docker's masked and read-only paths and device rules."""
    caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
    p = c["process"]
    p["capabilities"] = {"bounding": caps, "effective": caps, "permitted": caps}
    p["noNewPrivileges"] = False
    p.pop("rlimits", None)
    p["oomScoreAdj"] = 0
    c["hostname"] = "nrbench"
    etc = os.path.join(work, "etc")
    c["mounts"] = [
        {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro", "nosuid", "noexec", "nodev"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]},
        {"destination": "/etc/resolv.conf", "type": "bind", "source": os.path.join(etc, "resolv.conf"), "options": ["rbind", "rprivate"]},
        {"destination": "/etc/hostname", "type": "bind", "source": os.path.join(etc, "hostname"), "options": ["rbind", "rprivate"]},
        {"destination": "/etc/hosts", "type": "bind", "source": os.path.join(etc, "hosts"), "options": ["rbind", "rprivate"]},
    ]
    lx = c.setdefault("linux", {})
    lx["resources"] = {
        "devices": [
            {"allow": False, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 9, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 8, "access": "rwm"},
            {"allow": True, "type": "c", "major": 5, "minor": 0, "access": "rwm"},
            {"allow": True, "type": "c", "major": 5, "minor": 1, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 7, "access": "rwm"},
            {"allow": True, "type": "c", "major": 136, "access": "rwm"},
            {"allow": True, "type": "c", "major": 5, "minor": 2, "access": "rwm"},
            {"allow": True, "type": "c", "major": 10, "minor": 200, "access": "rwm"},
            {"allow": False, "type": "c", "major": 10, "minor": 229, "access": "rwm"},
        ],
        "memory": {"limit": 512 * 1024 * 1024},
        "cpu": {"shares": 512, "quota": 100000, "period": 100000},
        "pids": {"limit": 1024},
    }
    lx["maskedPaths"] = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                         "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]
    lx["readonlyPaths"] = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
    lx["seccomp"] = docker_seccomp(caps)


def docker_seccomp(caps):
    """moby's profile template -> the OCI profile dockerd passes on amd64 (as tests/Runc.Seccomp.Tests/DockerProfile.cs)."""
    with open(os.path.join(REPO, "tests", "Runc.Seccomp.Tests", "Assets", "docker-default.json")) as f:
        t = json.load(f)
    kv = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", platform.release()).groups())
    prof = {"defaultAction": t["defaultAction"], "architectures": [], "syscalls": []}
    if "defaultErrnoRet" in t:
        prof["defaultErrnoRet"] = t["defaultErrnoRet"]
    for a in t["archMap"]:
        if a["architecture"] == "SCMP_ARCH_X86_64":
            prof["architectures"] = [a["architecture"]] + (a.get("subArchitectures") or [])
    for r in t["syscalls"]:
        inc, exc = r.get("includes") or {}, r.get("excludes") or {}
        if inc.get("arches") and "amd64" not in inc["arches"]:
            continue
        if inc.get("caps") and not all(x in caps for x in inc["caps"]):
            continue
        if inc.get("minKernel") and kv < tuple(int(x) for x in inc["minKernel"].split(".")[:2]):
            continue
        if exc.get("arches") and "amd64" in exc["arches"]:
            continue
        if exc.get("caps") and any(x in caps for x in exc["caps"]):
            continue
        s = {"names": r["names"], "action": r["action"]}
        if r.get("errnoRet") is not None:
            s["errnoRet"] = r["errnoRet"]
        if r.get("args"):
            s["args"] = r["args"]
        prof["syscalls"].append(s)
    return prof


def seccomp_insns(pid):
    """Length (BPF instructions) of each seccomp filter of pid via PTRACE_SECCOMP_GET_FILTER with a NULL buffer."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.restype = ctypes.c_long
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_DETACH, PTRACE_SECCOMP_GET_FILTER = 0x4206, 0x4207, 17, 0x420C
    if libc.ptrace(PTRACE_SEIZE, pid, None, None) != 0:
        return None
    lens = []
    try:
        libc.ptrace(PTRACE_INTERRUPT, pid, None, None)
        os.waitpid(pid, 0x40000000)  # __WALL
        for i in range(16):
            n = libc.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, ctypes.c_void_p(i), None)
            if n < 0:
                break
            lens.append(n)
    finally:
        libc.ptrace(PTRACE_DETACH, pid, None, None)
    return lens


def parse_strace_c(path):
    rows = []
    total = None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0].replace(".", "").isdigit() and not line.startswith("-"):
                name = parts[-1]
                try:
                    calls = int(parts[3])
                except ValueError:
                    continue
                errors = int(parts[4]) if len(parts) == 6 else 0
                if name == "total":
                    total = {"calls": calls, "errors": errors, "seconds": float(parts[1])}
                else:
                    rows.append({"syscall": name, "calls": calls, "errors": errors, "seconds": float(parts[1])})
    rows.sort(key=lambda r: -r["calls"])
    return {"total": total, "top": rows[:10], "distinct": len(rows)}


def cleanup_leftovers(work, tag, rts):
    """Deletes every container still in our roots, kills processes carrying our marker, removes our cgroups."""
    work = os.path.realpath(work)
    assert work.startswith("/tmp/nrbench.")
    assert re.match(r"^[a-z0-9]{6}$", tag)
    delete_all(work, tag, rts)
    kill_marked(tag)
    delete_all(work, tag, rts)
    kill_marked(tag)
    for ctrl in sorted(os.listdir(CGROOT)):
        top = os.path.join(CGROOT, ctrl, "nrbench" + tag)
        if not os.path.isdir(top):
            continue
        for _ in range(20):
            for d, subdirs, _files in sorted(os.walk(top, topdown=False)):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
            if not os.path.isdir(top):
                break
            time.sleep(0.1)


def delete_all(work, tag, rts):
    for rt, path in rts.items():
        base = os.path.join(work, "roots", rt)
        if not os.path.isdir(base):
            continue
        for kind in os.listdir(base):
            root = os.path.join(base, kind)
            if not os.path.isdir(root):
                continue
            for cid in os.listdir(root):
                if ID_RE.match(cid) and cid.startswith("nb" + tag):
                    Spawner(work).run([path, "--root", root, "delete", "-f", cid], timeout=10)


def kill_marked(tag):
    """SIGKILLs every process (runtime or container) carrying NRBENCH=<tag> in its environment or in our cgroups."""
    marker = ("NRBENCH=" + tag).encode()
    for _ in range(3):
        found = False
        for p in os.listdir("/proc"):
            if not p.isdigit() or int(p) == os.getpid():
                continue
            try:
                with open("/proc/%s/environ" % p, "rb") as f:
                    env = f.read().split(b"\0")
                with open("/proc/%s/cgroup" % p) as f:
                    cg = f.read()
            except OSError:
                continue
            if marker in env or ("nrbench" + tag) in cg:
                found = True
                try:
                    os.kill(int(p), signal.SIGKILL)
                except OSError:
                    pass
        if not found:
            break
        time.sleep(0.2)


# --------------------------------------------------------------------------------------------------------------
# statistics, report, chart

def q(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(d):
    if not d or not d.get("wall"):
        return None
    return {m: {"median": q(d[m], 0.5), "p25": q(d[m], 0.25), "p75": q(d[m], 0.75), "n": len(d[m])} for m in ("wall", "cpu")}


def paired_ratio(a, b):
    """Median of per-round ratios a[i]/b[i] (rounds are interleaved, so pairs share machine conditions)."""
    n = min(len(a), len(b))
    rs = [a[i] / b[i] for i in range(n) if b[i] > 0]
    return q(rs, 0.5) if rs else None


GOALS = {"run": 0.6, "create+start+delete": 0.6, "exec": 0.6, "state1": 0.8, "list1": 0.8, "state100": 0.8, "list100": 0.8}
OPS = ["run", "create", "start", "delete", "create+start+delete", "exec", "state1", "list1", "state100", "list100", "seq100", "par100x10"]


def report(results, strace, sizes, notes):
    lines = []
    ratios = {}
    for cfg in results:
        r = results[cfg]
        lines.append("")
        lines.append("config: %s   (wall ms median [p25-p75]; cpu = user+sys ms median; ratios = median of paired per-round ratios)" % cfg)
        hdr = "%-20s" % "op" + "".join("%-22s" % ("%s wall" % rt) for rt in RUNTIME_ORDER) + "".join("%-10s" % ("%s cpu" % rt) for rt in RUNTIME_ORDER)
        hdr += " nrunc/crun   nrunc/runc   goal"
        lines.append(hdr)
        hdr = "%-20s" % "" + " " * 96 + " wall  cpu    wall  cpu    (nrunc/crun)"
        lines.append(hdr)
        for op in OPS:
            if op not in r:
                continue
            s = {rt: summary(r[op].get(rt)) for rt in RUNTIME_ORDER}
            unit = 1000.0
            row = "%-20s" % op
            for rt in RUNTIME_ORDER:
                if s[rt]:
                    w = s[rt]["wall"]
                    if op in ("seq100", "par100x10"):
                        row += "%-22s" % ("%.2f s [%.2f-%.2f]" % (w["median"], w["p25"], w["p75"]))
                    else:
                        row += "%-22s" % ("%.1f [%.1f-%.1f]" % (w["median"] * unit, w["p25"] * unit, w["p75"] * unit))
                else:
                    row += "%-22s" % "n/a"
            for rt in RUNTIME_ORDER:
                row += "%-10s" % (("%.1f" % (s[rt]["cpu"]["median"] * unit)) if s[rt] else "n/a")
            rr = {}
            for other in ("crun", "runc"):
                if s["nrunc"] and s[other]:
                    rr[other] = {m: paired_ratio(r[op]["nrunc"][m], r[op][other][m]) for m in ("wall", "cpu")}
                    row += "%5.2f %5.2f  " % (rr[other]["wall"], rr[other]["cpu"])
                else:
                    row += "  n/a   n/a  "
            g = GOALS.get(op)
            if g:
                mark = ""
                if "crun" in rr:
                    mark = " ok" if rr["crun"]["wall"] <= g and rr["crun"]["cpu"] <= g else " MISS"
                row += " <=%.1f%s" % (g, mark)
            ratios.setdefault(cfg, {})[op] = rr
            lines.append(row.rstrip())
            for rt in RUNTIME_ORDER:
                d = r[op].get(rt)
                if d and d.get("fail"):
                    lines.append("%-20s   %s failed %d time(s): %s" % ("", rt, d["fail"], (d.get("err") or "").replace("\n", " ")[:160]))
        if "rss" in r:
            row = "%-20s" % "rss steady/peak KiB"
            for rt in RUNTIME_ORDER:
                d = r["rss"].get(rt)
                row += "%-22s" % (("%d / %d" % (statistics.median(d["steady_kib"]), max(d["peak_kib"]))) if d and d["steady_kib"] else "n/a")
            lines.append(row)
            d = r["rss"]
            if d.get("nrunc", {}).get("steady_kib") and d.get("crun", {}).get("steady_kib"):
                ratios.setdefault(cfg, {})["rss_steady"] = {"crun": {"wall": statistics.median(d["nrunc"]["steady_kib"]) / statistics.median(d["crun"]["steady_kib"])}}
            if d.get("nrunc", {}).get("peak_kib"):
                pk = max(d["nrunc"]["peak_kib"]) / 1024.0
                lines.append("%-20s nrunc peak %.2f MiB (goal <= 5 MiB%s); steady <= crun's: %s" % (
                    "", pk, "" if pk <= 5 else ", MISS",
                    "ok" if d.get("crun", {}).get("steady_kib") and statistics.median(d["nrunc"]["steady_kib"]) <= statistics.median(d["crun"]["steady_kib"]) else "MISS/n.a."))
        if "seccomp_insns" in r:
            lines.append("%-20s" % "seccomp BPF insns" + "".join("%-22s" % (("+".join(map(str, r["seccomp_insns"][rt])) or "none") if r["seccomp_insns"].get(rt) is not None else "n/a") for rt in RUNTIME_ORDER))
    lines.append("")
    lines.append("binary size: " + ", ".join("%s %.2f MiB%s" % (rt, sizes[rt]["bytes"] / 1048576.0, sizes[rt].get("note", "")) for rt in RUNTIME_ORDER)
                 + "  (goal nrunc <= 4 MiB: %s)" % ("ok" if sizes["nrunc"]["bytes"] <= 4 * 1048576 else "MISS"))
    if strace:
        lines.append("")
        lines.append("strace -c -f of one `run /bin/true` (default config): total syscalls (errors), top 10 by calls")
        for rt in RUNTIME_ORDER:
            s = strace.get(rt) or {}
            if not s.get("total"):
                lines.append("  %-6s n/a %s" % (rt, s.get("error", "")[:160]))
                continue
            lines.append("  %-6s %5d (%d errors, %d distinct): %s" % (rt, s["total"]["calls"], s["total"]["errors"], s["distinct"],
                                                                      " ".join("%s=%d" % (t["syscall"], t["calls"]) for t in s["top"])))
    for n in notes:
        lines.append("note: " + n)
    return "\n".join(lines), ratios


def svg_chart(ratios, path):
    rows = []
    for cfg in ratios:
        for op in OPS + ["rss_steady"]:
            rr = ratios[cfg].get(op)
            if rr and "crun" in rr:
                rows.append((cfg, op, rr["crun"].get("wall"), rr["crun"].get("cpu"), (rr.get("runc") or {}).get("wall")))
    bar_h, gap, left, width = 9, 8, 230, 520
    top = 50
    h = top + len(rows) * (3 * bar_h + gap) + 60
    maxr = max([2.0] + [v for r in rows for v in r[2:] if v])
    maxr = min(maxr, 6.0)
    sx = lambda v: left + min(v, maxr) / maxr * width
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (left + width + 40, h),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="14" font-weight="bold">nrunc time and memory relative to crun and runc (1.0 = same; lower is better)</text>',
         '<rect x="10" y="30" width="10" height="8" fill="#1f77b4"/><text x="24" y="38">nrunc/crun wall</text>',
         '<rect x="130" y="30" width="10" height="8" fill="#ff7f0e"/><text x="144" y="38">nrunc/crun cpu (or RSS)</text>',
         '<rect x="300" y="30" width="10" height="8" fill="#999"/><text x="314" y="38">nrunc/runc wall</text>']
    y = top
    for cfg, op, w, c, rw in rows:
        o.append('<text x="10" y="%d">%s · %s</text>' % (y + 2 * bar_h, cfg, op))
        for i, (v, col) in enumerate(((w, "#1f77b4"), (c, "#ff7f0e"), (rw, "#999"))):
            if v:
                o.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y + i * bar_h, sx(v) - left, bar_h - 1, col))
                o.append('<text x="%.1f" y="%d" font-size="9">%.2f</text>' % (sx(v) + 3, y + i * bar_h + bar_h - 1, v))
        g = GOALS.get(op)
        if g:
            o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="green" stroke-dasharray="2,2"/>' % (sx(g), sx(g), y - 2, y + 3 * bar_h))
        y += 3 * bar_h + gap
    o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>' % (sx(1), sx(1), top - 4, y))
    o.append('<text x="%.1f" y="%d">1.0</text>' % (sx(1) - 6, y + 12))
    o.append('<text x="10" y="%d" fill="green">dashed green: goal from issue 10 (nrunc/crun)</text>' % (y + 30))
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o))


def machine():
    m = {"kernel": platform.release(), "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
         "loadavg_end": open("/proc/loadavg").read().split()[:3]}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                m["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                m["mem_kib"] = int(line.split()[1])
    except OSError:
        pass
    return m


def version(path):
    import subprocess
    try:
        return subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0:2]
    except Exception as e:
        return [str(e)]


def main():
    a = sys.argv[1:]
    args = {"rounds": 60, "warmup": 5, "quick": False}
    cleanup_only = None
    i = 0
    while i < len(a):
        k = a[i]
        if k == "--cleanup":
            cleanup_only = a[i + 1]; i += 2
        elif k in ("--work", "--nrunc", "--out"):
            args[k[2:]] = a[i + 1]; i += 2
        elif k in ("--rounds", "--warmup"):
            args[k[2:]] = int(a[i + 1]); i += 2
        elif k == "--quick":
            args["quick"] = True; i += 1
        else:
            sys.exit("bench.py: unknown argument %s" % k)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    signal.signal(signal.SIGALRM, _on_alarm)
    if cleanup_only:
        w = os.path.realpath(cleanup_only)
        tag = open(os.path.join(w, "tag")).read().strip()
        ENV["NRBENCH"] = tag
        cleanup_leftovers(w, tag, {"nrunc": a[a.index("--nrunc") + 1] if "--nrunc" in a else "/bin/false",
                                   "crun": "/usr/bin/crun", "runc": "/usr/sbin/runc"})
        return 0
    if args["quick"]:
        args["rounds"], args["warmup"] = min(args["rounds"], 5), 1
    b = Bench(args)
    load0 = open("/proc/loadavg").read().split()[:3]
    rc = 0
    t0 = time.time()
    try:
        for cfg in ("default", "realistic"):
            b.bench_config(cfg)
        strace = b.strace()
    except Stop as e:
        log("interrupted (%s): cleaning up" % e)
        rc = 130
        strace = None
    finally:
        b.cleanup()
    sizes = {rt: {"bytes": os.stat(b.rts[rt].path).st_size} for rt in RUNTIME_ORDER}
    sizes["crun"]["note"] = " (dynamic: +libs)"
    text, ratios = report(b.results, strace, sizes, b.notes)
    print(text)
    import hashlib
    import subprocess
    with open(b.rts["nrunc"].path, "rb") as f:
        nrunc_sha = hashlib.sha256(f.read()).hexdigest()
    head = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    doc = {"machine": dict(machine(), loadavg_start=load0), "nrunc_binary": {"path": b.rts["nrunc"].path, "sha256": nrunc_sha, "repo_head": head}, "duration_s": round(time.time() - t0, 1), "rounds": b.rounds, "warmup": b.warmup,
           "versions": {rt: version(b.rts[rt].path) for rt in RUNTIME_ORDER}, "sizes": sizes, "results": b.results,
           "ratios": ratios, "strace_c_run": strace, "notes": b.notes, "complete": rc == 0}
    with open(os.path.join(b.out, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(b.out, "table.txt"), "w") as f:
        f.write(text + "\n")
    svg_chart(ratios, os.path.join(b.out, "ratios.svg"))
    log("wrote %s/results.json, table.txt, ratios.svg (%.0f s)" % (b.out, time.time() - t0))
    return rc


if __name__ == "__main__":
    sys.exit(main())
