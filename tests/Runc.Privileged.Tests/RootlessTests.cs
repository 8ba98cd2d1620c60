using System.Globalization;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// Rootless and user-namespaced containers (issue 9). Root runs the test; every rootless step drops to a throw-away
/// unprivileged user (`useradd -m nrunc-rl-XXXXX`, removed with its /etc/subuid and /etc/subgid lines at the end)
/// through `setpriv --reuid --regid --init-groups`, with an environment of only PATH, HOME and XDG_RUNTIME_DIR
/// (a 0700 directory the user owns inside the test's temp dir), and no --root: the XDG rule must pick the state root.
/// </summary>
[Collection(PrivilegedCollection.Name)]
public sealed partial class RootlessTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly TestScope _s = new(output);
    RootlessUser? _user;

    public void Dispose()
    {
        _s.Dispose();
        _delegated?.Dispose(); // after the scope deleted every container (and so its cgroup)
        _user?.Dispose();
    }

    RootlessUser User() => _user ??= RootlessUser.Create(_s);

    /// <summary>A bundle owned by the user: its rootfs copy and a config written by `RUNTIME spec --rootless` run as the user.</summary>
    string RootlessBundle(RootlessUser u, string? specRuntime = null)
    {
        var dir = _s.NewDir("rl-bundle");
        RootfsCache.CopyTo(Path.Combine(dir, "rootfs"));
        u.Chown(dir);
        Check.Ok(u.Run(_s, [specRuntime ?? RootlessBinary.Path_, "spec", "--rootless"], cwd: dir), "spec --rootless as the user");
        return dir;
    }

    static void EditConfig(string bundle, Action<JsonObject> change)
    {
        var path = Path.Combine(bundle, "config.json");
        var c = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(c);
        File.WriteAllText(path, c.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    static void Shell(string bundle, string script) => EditConfig(bundle, c =>
    {
        c["process"]!["terminal"] = false;
        c["process"]!["args"] = Bundle.Strings(["sh", "-c", script]);
    });

    static JsonArray Mapping(params (uint C, uint H, uint S)[] maps) =>
        new(maps.Select(m => (JsonNode?)new JsonObject { ["containerID"] = m.C, ["hostID"] = m.H, ["size"] = m.S }).ToArray());

    static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static string MapLine(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [PrivilegedFact]
    public void SpecRootless_Run_IsRootInside_WithTheCallersMapping_AndStateUnderXdg()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "id; echo ==; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups");
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot); // cleanup safety net: root deletes anything left under the user's state root
        var r = u.Run(_s, [RootlessBinary.Path_, "run", id], cwd: b);
        Check.Ok(r, "rootless run");
        var parts = r.Stdout.Split("==\n");
        Assert.StartsWith("uid=0(root) gid=0(root)", parts[0]);
        var maps = Lines(parts[1]);
        Assert.Equal($"0 {u.Uid} 1", MapLine(maps[0]));
        Assert.Equal($"0 {u.Gid} 1", MapLine(maps[1]));
        Assert.Equal("deny", maps[2]); // single mapping by an unprivileged parent: setgroups denied before gid_map

        // The XDG rule: $XDG_RUNTIME_DIR/nrunc, made 0700 with the sticky bit, owned by the user; empty after run.
        Assert.True(Directory.Exists(u.StateRoot), $"{u.StateRoot} missing");
        var st = Stat(u.StateRoot);
        Assert.Equal(u.Uid, st.Uid);
        Assert.Equal("1700", st.Mode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(u.StateRoot));
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "rootless run");
    }

    [PrivilegedFact]
    public void Rootless_CreateStartStateDelete_StateIsTheUsers_AndDeleteLeavesNothing()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "sleep 30");
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var rt = RootlessBinary.Path_;
        Check.Ok(u.Run(_s, [rt, "create", id], cwd: b), "rootless create");
        var stateDir = Path.Combine(u.StateRoot, id);
        Assert.True(File.Exists(Path.Combine(stateDir, "state.json")), "state.json under the user's runtime dir");
        Assert.Equal(u.Uid, Stat(stateDir).Uid);
        Assert.Equal("created", StatusAs(u, rt, id));
        var init = JsonNode.Parse(u.Run(_s, [rt, "state", id]).Stdout)!["pid"]!.GetValue<int>();
        Assert.Equal(u.Uid.ToString(CultureInfo.InvariantCulture), ProcStatusField(init, "Uid").Split('\t')[1]);

        Check.Ok(u.Run(_s, [rt, "start", id]), "rootless start");
        Assert.Equal("running", StatusAs(u, rt, id));
        Check.Ok(u.Run(_s, [rt, "kill", id, "KILL"]), "rootless kill");
        var until = DateTime.UtcNow.AddSeconds(10);
        while (StatusAs(u, rt, id) != "stopped" && DateTime.UtcNow < until) Thread.Sleep(50);
        Assert.Equal("stopped", StatusAs(u, rt, id));
        Check.Ok(u.Run(_s, [rt, "delete", id]), "rootless delete");
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "rootless delete");
        Assert.Empty(Directory.EnumerateFileSystemEntries(u.StateRoot));
    }

    [PrivilegedFact]
    public void Rootless_SeveralRanges_GoThroughNewuidmapAndNewgidmap()
    {
        var u = User();
        if (!File.Exists("/usr/bin/newuidmap")) throw new XunitException("newuidmap missing: apt-get install uidmap");
        var b = RootlessBundle(u);
        Shell(b, "cat /proc/self/uid_map; echo ==; cat /proc/self/gid_map; echo ==; cat /proc/self/setgroups; echo ==; " +
                 "mkdir -p /dev/shm/o && chown 1000:1000 /dev/shm/o && stat -c '%u:%g' /dev/shm/o");
        EditConfig(b, c =>
        {
            c["linux"]!["uidMappings"] = Mapping((0, u.Uid, 1), (1, u.SubStart, 65536));
            c["linux"]!["gidMappings"] = Mapping((0, u.Gid, 1), (1, u.SubStart, 65536));
            foreach (var set in new[] { "bounding", "effective", "permitted" })
                c["process"]!["capabilities"]![set]!.AsArray().Add(JsonValue.Create("CAP_CHOWN"));
        });
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var r = u.Run(_s, [RootlessBinary.Path_, "run", id], cwd: b);
        Check.Ok(r, "rootless run with /etc/subuid ranges");
        var parts = r.Stdout.Split("==\n");
        Assert.Equal([$"0 {u.Uid} 1", $"1 {u.SubStart} 65536"], Lines(parts[0]).Select(MapLine));
        Assert.Equal([$"0 {u.Gid} 1", $"1 {u.SubStart} 65536"], Lines(parts[1]).Select(MapLine));
        Assert.Equal("allow", parts[2].Trim()); // newgidmap decided; nrunc did not deny
        Assert.Equal("1000:1000", parts[3].Trim()); // ids beyond the caller's own exist inside
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "multi-range run");
    }

    [PrivilegedFact]
    public void Rootless_RangesNotInSubuid_FailClearly_AndLeaveNothing()
    {
        var u = User();
        var b = RootlessBundle(u);
        EditConfig(b, c =>
        {
            c["process"]!["terminal"] = false;
            c["process"]!["args"] = Bundle.Strings(["true"]);
            c["linux"]!["uidMappings"] = Mapping((0, u.Uid, 1), (1, u.SubStart + 65536, 10));
            c["linux"]!["gidMappings"] = Mapping((0, u.Gid, 1), (1, u.SubStart, 10));
        });
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var r = u.Run(_s, [RootlessBinary.Path_, "run", id], cwd: b);
        Check.Fails(r, "newuidmap");
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "failed multi-range run");
    }

    [PrivilegedFact]
    public void Rootless_Refusals_MatchRunc()
    {
        var u = User();
        var b = RootlessBundle(u);
        EditConfig(b, c =>
        {
            c["process"]!["terminal"] = false;
            c["process"]!["args"] = Bundle.Strings(["true"]);
            var ns = c["linux"]!["namespaces"]!.AsArray();
            for (int i = ns.Count - 1; i >= 0; i--) if (ns[i]!["type"]!.GetValue<string>() == "user") ns.RemoveAt(i);
            c["linux"]!.AsObject().Remove("uidMappings");
            c["linux"]!.AsObject().Remove("gidMappings");
        });
        _s.Runtime(u.StateRoot);
        foreach (var bin in new[] { RootlessBinary.Path_, Env.OracleBin })
            Check.Fails(u.Run(_s, [bin, "run", _s.NewId("rl")], cwd: b), "rootless container requires user namespaces");

        // Limits without a delegated cgroup: runc 1.1.5 refuses with this sentence; so do we.
        var b2 = RootlessBundle(u);
        EditConfig(b2, c =>
        {
            c["process"]!["terminal"] = false;
            c["process"]!["args"] = Bundle.Strings(["true"]);
            c["linux"]!["resources"] = new JsonObject { ["memory"] = new JsonObject { ["limit"] = 100_000_000 } };
        });
        var cgroupV1 = !File.Exists("/sys/fs/cgroup/cgroup.controllers");
        foreach (var bin in new[] { RootlessBinary.Path_, Env.OracleBin })
        {
            var id = _s.NewId("rl");
            var r = u.Run(_s, [bin, "run", id], cwd: b2);
            if (cgroupV1) Check.Fails(r, "cannot set memory limit: container could not join or create cgroup");
            else Assert.NotEqual(-1, r.ExitCode);
            Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), bin);
        }

        // Supplementary groups cannot be set by an unprivileged parent.
        EditConfig(b2, c =>
        {
            c["linux"]!.AsObject().Remove("resources");
            c["process"]!["user"]!["additionalGids"] = new JsonArray(5);
        });
        foreach (var bin in new[] { RootlessBinary.Path_, Env.OracleBin })
            Check.Fails(u.Run(_s, [bin, "run", _s.NewId("rl")], cwd: b2), "cannot set any additional groups in a rootless container");

        // --rootless=false: no leniency, the cgroup mkdir fails with a permission error.
        EditConfig(b2, c => c["process"]!["user"]!.AsObject().Remove("additionalGids"));
        if (cgroupV1)
            Check.Fails(u.Run(_s, [RootlessBinary.Path_, "--rootless=false", "run", _s.NewId("rl")], cwd: b2), "permission denied");
        Check.Ok(u.Run(_s, [RootlessBinary.Path_, "--rootless=true", "run", _s.NewId("rl")], cwd: b2), "--rootless=true");
        Assert.Empty(Directory.EnumerateFileSystemEntries(u.StateRoot));
    }

    /// <summary>sysfs in a user namespace without its own network namespace: bind the host's /sys (runc ≥1.2), read-only.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void Rootless_SysfsWithoutNetns_FallsBackToAReadOnlyBind()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "grep ' /sys ' /proc/self/mountinfo; test -d /sys/class && ! touch /sys/x 2>/dev/null && echo ro-ok");
        EditConfig(b, c =>
        {
            foreach (var m in c["mounts"]!.AsArray())
                if (m!["destination"]!.GetValue<string>() == "/sys")
                {
                    m["type"] = "sysfs";
                    m["source"] = "sysfs";
                    m["options"] = Bundle.Strings(["nosuid", "noexec", "nodev", "ro"]);
                }
        });
        _s.Runtime(u.StateRoot);
        var r = u.Run(_s, [RootlessBinary.Path_, "run", _s.NewId("rl")], cwd: b);
        Check.Ok(r, "sysfs fallback");
        Assert.Contains(" /sys ro,", r.Stdout);
        Assert.Contains("ro-ok", r.Stdout);
    }

    /// <summary>
    /// Root inside a user namespace the user made (`unshare --user --map-root-user`, setgroups "deny"), as rootless
    /// podman calls the runtime: state under $XDG_RUNTIME_DIR (USER unset), lenient cgroups, no setgroups call.
    /// runc 1.1.5 fails here ("failed to setns to host mntns").
    /// </summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void RootInAUserNamespace_LikeRootlessPodman_Runs()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "cat /proc/self/uid_map; id");
        EditConfig(b, c =>
        {
            c["linux"]!["uidMappings"] = Mapping((0, 0, 1));
            c["linux"]!["gidMappings"] = Mapping((0, 0, 1));
        });
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var r = u.Run(_s, ["/usr/bin/unshare", "--user", "--map-root-user", RootlessBinary.Path_, "run", id], cwd: b);
        Check.Ok(r, "run as root in a user namespace");
        Assert.Equal("0 0 1", MapLine(Lines(r.Stdout)[0]));
        Assert.StartsWith("uid=0(root) gid=0(root)", Lines(r.Stdout)[1]);
        Assert.True(Directory.Exists(u.StateRoot), "state root under XDG_RUNTIME_DIR");
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "userns-root run");
    }

    /// <summary>
    /// Rootless podman's usual call: root in the user's user namespace, a config without a user namespace of its own
    /// (the engine already made it). mknod is not allowed there, so devices must be bind-mounted (runc's
    /// createDevices does so when RunningInUserNS) and must work; mapped ids come through. runc 1.1.5 passes too.
    /// </summary>
    [PrivilegedFact]
    public void RootInAUserNamespace_WithoutANewUserNamespace_BindsTheDevices()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "echo x > /dev/null && head -c 3 /dev/zero | wc -c && grep -c ' /dev/null ' /proc/self/mountinfo && cat /proc/self/uid_map");
        EditConfig(b, c =>
        {
            var ns = c["linux"]!["namespaces"]!.AsArray();
            for (int i = ns.Count - 1; i >= 0; i--) if (ns[i]!["type"]!.GetValue<string>() == "user") ns.RemoveAt(i);
            c["linux"]!.AsObject().Remove("uidMappings");
            c["linux"]!.AsObject().Remove("gidMappings");
        });
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var r = u.Run(_s, ["/usr/bin/unshare", "--user", "--map-root-user", RootlessBinary.Path_, "run", id], cwd: b);
        Check.Ok(r, "run as root in a user namespace, no user namespace in the config");
        var l = Lines(r.Stdout);
        Assert.Equal("3", l[0]);
        Assert.Equal("1", l[1]); // /dev/null is a bind mount
        Assert.Equal($"0 {u.Uid} 1", MapLine(l[2]));
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "userns-root run without a new user namespace");
    }

    /// <summary>
    /// exec as the user into a container with its own user and pid namespaces: the pid namespace can only be joined
    /// from inside the user namespace, so the process that execs is cloned there (as runc's nsexec does). It lands in
    /// the container's namespaces, its exit status comes back, detached too; runc 1.1.5 sees the same.
    /// </summary>
    [PrivilegedFact]
    public void Rootless_Exec_JoinsThePidNamespace_ThroughTheUserNamespace_LikeRunc()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "exec sleep 60");
        _s.Runtime(u.StateRoot);
        _s.Oracle(u.XdgDir + "/runc");
        var seen = new Dictionary<string, string>();
        foreach (var (name, bin) in new[] { ("oracle", Env.OracleBin), ("nrunc", RootlessBinary.Path_) })
        {
            var id = _s.NewId("rl");
            Check.Ok(u.Run(_s, [bin, "run", "-d", id], cwd: b), name + " run -d");
            int init = JsonNode.Parse(u.Run(_s, [bin, "state", id]).Stdout)!["pid"]!.GetValue<int>();
            var r = u.Run(_s, [bin, "exec", id, "sh", "-c", "cat /proc/self/uid_map; for n in pid user mnt; do readlink /proc/self/ns/$n; done; tr '\\0' ' ' < /proc/1/cmdline; echo; exit 5"]);
            Check.Rc(5, r, name + " exec exit status");
            foreach (var ns in new[] { "pid", "user", "mnt" })
                Assert.Contains(new FileInfo($"/proc/{init}/ns/{ns}").LinkTarget!, r.Stdout);
            seen[name] = string.Join("\n", Lines(r.Stdout).Select(MapLine).Where(l => !l.Contains(":[", StringComparison.Ordinal)));
            string pidFile = Path.Combine(u.XdgDir, name + ".pid");
            Check.Ok(u.Run(_s, [bin, "exec", "-d", "--pid-file", pidFile, id, "sleep", "30"]), name + " exec -d");
            int p = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            Assert.Equal(File.ReadAllText($"/proc/{init}/status").Split('\n').First(l => l.StartsWith("NSpid:", StringComparison.Ordinal)).Split('\t').Length,
                File.ReadAllText($"/proc/{p}/status").Split('\n').First(l => l.StartsWith("NSpid:", StringComparison.Ordinal)).Split('\t').Length);
            Check.Ok(u.Run(_s, [bin, "delete", "-f", id]), name + " delete -f");
        }
        Assert.Equal(seen["oracle"], seen["nrunc"]);
        Assert.Contains("sleep 60", seen["nrunc"].Split('\n')); // pid 1 inside is the init's sleep: the same pid namespace
    }

    /// <summary>The same bundle (made by nrunc's `spec --rootless`) under runc 1.1.5 and nrunc, both as the user.</summary>
    [PrivilegedFact]
    public void Rootless_Differential_AgainstRunc()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "cat /proc/self/uid_map; echo ==; cat /proc/self/gid_map; echo ==; cat /proc/self/setgroups; echo ==; id; echo ==; " +
                 "cat /proc/self/mountinfo; echo ==; grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status; echo ==; hostname; exit 3");
        _s.Runtime(u.StateRoot);
        _s.Oracle(u.XdgDir + "/runc");
        var seen = new Dictionary<string, string[]>();
        foreach (var (name, bin) in new[] { ("oracle", Env.OracleBin), ("nrunc", RootlessBinary.Path_) })
        {
            var r = u.Run(_s, [bin, "run", _s.NewId("rl")], cwd: b);
            Assert.True(r.ExitCode == 3, $"{name}: rc {r.ExitCode}\n{r.Describe()}");
            var parts = r.Stdout.Split("==\n");
            Assert.True(parts.Length == 7, $"{name}: probe output\n{r.Stdout}");
            parts[4] = string.Join("\n", Lines(parts[4]).Select(NormaliseMount).Order(StringComparer.Ordinal));
            seen[name] = parts.Select(p => string.Join("\n", Lines(p).Select(MapLine))).ToArray();
        }
        string[] what = ["uid_map", "gid_map", "setgroups", "id", "mountinfo", "caps", "hostname"];
        for (int i = 0; i < what.Length; i++)
            Assert.True(seen["oracle"][i] == seen["nrunc"][i], $"{what[i]} differs\n--- runc\n{seen["oracle"][i]}\n--- nrunc\n{seen["nrunc"][i]}");

        // Lifecycle statuses seen by the user: created → running → stopped, then delete.
        Shell(b, "sleep 30");
        foreach (var (bin, root) in new[] { (Env.OracleBin, u.XdgDir + "/runc"), (RootlessBinary.Path_, u.StateRoot) })
        {
            var id = _s.NewId("rl");
            Check.Ok(u.Run(_s, [bin, "create", id], cwd: b), bin + " create");
            Assert.Equal("created", StatusAs(u, bin, id));
            Check.Ok(u.Run(_s, [bin, "start", id]), bin + " start");
            Assert.Equal("running", StatusAs(u, bin, id));
            Check.Ok(u.Run(_s, [bin, "delete", "-f", id]), bin + " delete -f");
            Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(root, id)), bin);
        }
    }

    /// <summary>
    /// `run` with terminal:true as the user, in the foreground: script(1) gives the user's runtime a host terminal
    /// of 20x70 (root owns that pty; the user only holds the fds), the container gets a pty of its own of that size,
    /// its output comes back through it and its exit status is the runtime's. runc 1.1.5 on the same bundle: the same.
    /// </summary>
    [PrivilegedFact]
    public void Rootless_ForegroundTerminal_ThroughAPty_LikeRunc()
    {
        var u = User();
        var b = RootlessBundle(u);
        EditConfig(b, c =>
        {
            c["process"]!["terminal"] = true;
            c["process"]!["args"] = Bundle.Strings(["sh", "-c", "tty; [ -t 0 ] && [ -t 1 ] && echo stdio-tty; stty size; echo out-$((6*7)); exit 7"]);
        });
        _s.Runtime(u.StateRoot);
        _s.Oracle(u.XdgDir + "/runc");
        (string Out, int Rc) See(string bin)
        {
            var cmd = string.Join(' ', u.Argv([bin, "run", _s.NewId("rl")]).Select(ShQuote));
            var r = Subprocess.Run(_s.IoDir, ["script", "-qec", $"stty cols 70 rows 20; {cmd}", "/dev/null"], cwd: b, timeout: TimeSpan.FromSeconds(30));
            _s.Log(r.Describe());
            return (r.Stdout.Replace("\r", "").Replace("\0", "").Replace("^@", ""), r.ExitCode); // script echoes its stdin's EOF as ^@
        }
        var mine = See(RootlessBinary.Path_);
        Assert.Equal(7, mine.Rc);
        Assert.Matches("^/dev/pts/[0-9]+\nstdio-tty\n20 70\nout-42\n$", mine.Out);
        // runc 1.1.5 under load sometimes loses the race between its console set-up and the workload's first ioctl
        // ("stty: standard input: ..."): take its first clean answer out of three.
        var want = See(Env.OracleBin);
        for (int i = 0; i < 2 && want.Out.Contains("stty:"); i++) want = See(Env.OracleBin);
        Assert.Equal(want.Rc, mine.Rc);
        static string Pts(string o) => System.Text.RegularExpressions.Regex.Replace(o, "/dev/pts/[0-9]+", "/dev/pts/N");
        Assert.Equal(Pts(want.Out), Pts(mine.Out));
        Assert.Empty(Directory.EnumerateFileSystemEntries(u.StateRoot));
    }

    static string ShQuote(string a) => "'" + a.Replace("'", "'\\''") + "'";

    /// <summary>"36 35 98:0 /root /mnt rw shared:1 - ext4 /dev/vda rw" → "/mnt /root rw - ext4 /dev/vda rw" (no ids, no peers).</summary>
    static string NormaliseMount(string line)
    {
        var f = line.Split(' ');
        var dash = Array.IndexOf(f, "-");
        if (dash < 6 || f.Length < dash + 3) return line;
        return $"{f[4]} {f[3]} {f[5]} - {string.Join(" ", f[(dash + 1)..])}";
    }

    /// <summary>
    /// Idmapped bind mount (root runs nrunc; the container has a user namespace 0→100000): a file owned by host uid
    /// 1000 shows the owner the mount's own mappings give it, and with plain `idmap` (no mappings on the mount) the
    /// container's mapping makes on-disk ids appear unchanged inside. `features` says idmap works.
    /// </summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void IdmappedBindMount_ShowsTheMappedOwner()
    {
        var features = JsonNode.Parse(_s.Runtime().Run("features").Stdout)!;
        Assert.True(features["linux"]!["mountExtensions"]!["idmap"]!["enabled"]!.GetValue<bool>(), "features: idmap enabled on this kernel");
        Assert.Contains("ridmap", features["mountOptions"]!.AsArray().Select(n => n!.GetValue<string>()));

        var src = _s.NewDir("idmap-src");
        var f1000 = Path.Combine(src, "f1000");
        File.WriteAllText(f1000, "x");
        Check.Ok(Subprocess.Run(_s.IoDir, ["chown", "1000:1000", f1000]));
        File.WriteAllText(Path.Combine(src, "f0"), "x");

        var b = _s.Bundle().Shell("stat -c '%n %u:%g' /a/f1000 /a/f0 /b/f1000; grep ' /a ' /proc/self/mountinfo; touch /a/new 2>/dev/null || echo a-ro")
            .AddNamespace("user")
            .Edit(c =>
            {
                c["linux"]!["uidMappings"] = Mapping((0, 100000, 65536));
                c["linux"]!["gidMappings"] = Mapping((0, 100000, 65536));
                c["mounts"]!.AsArray().Add(new JsonObject
                {
                    ["destination"] = "/a", ["type"] = "bind", ["source"] = src, ["options"] = Bundle.Strings(["bind", "idmap", "ro"]),
                    ["uidMappings"] = Mapping((1000, 100005, 1), (0, 100000, 1)),
                    ["gidMappings"] = Mapping((1000, 100007, 1), (0, 100000, 1)),
                });
                c["mounts"]!.AsArray().Add(new JsonObject
                {
                    ["destination"] = "/b", ["type"] = "bind", ["source"] = src, ["options"] = Bundle.Strings(["rbind", "ridmap"]),
                });
            });
        Check.Ok(Subprocess.Run(_s.IoDir, ["chown", "-R", "100000:100000", b.RootfsDir]));
        var rt = _s.Runtime();
        var id = _s.NewId("idm");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        Check.Ok(r, "idmapped run");
        Assert.Contains("/a/f1000 5:7", r.Stdout);     // on-disk 1000 → mount map → host 100005 → container 5
        Assert.Contains("/a/f0 0:0", r.Stdout);
        Assert.Contains("/b/f1000 1000:1000", r.Stdout); // the container's own mapping: on-disk ids unchanged inside
        Assert.Contains("idmapped", r.Stdout);
        Assert.Contains("a-ro", r.Stdout);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "idmapped run");
        Assert.Empty(TempDirs.MountsUnder(_s.Dir));
    }

    /// <summary>An unprivileged user cannot idmap a host filesystem (the kernel wants CAP_SYS_ADMIN over it): clear error, nothing left.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void Rootless_IdmappedMountOfAHostFilesystem_FailsClearly()
    {
        var u = User();
        var b = RootlessBundle(u);
        var src = _s.NewDir("idmap-src");
        EditConfig(b, c =>
        {
            c["process"]!["terminal"] = false;
            c["process"]!["args"] = Bundle.Strings(["true"]);
            c["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/a", ["type"] = "bind", ["source"] = src, ["options"] = Bundle.Strings(["bind", "idmap"]),
            });
        });
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var r = u.Run(_s, [RootlessBinary.Path_, "run", id], cwd: b);
        Check.Fails(r, "idmapped mount");
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "failed idmapped run");
    }

    string StatusAs(RootlessUser u, string bin, string id)
    {
        var r = u.Run(_s, [bin, "state", id]);
        Check.Ok(r, "state as the user");
        return JsonNode.Parse(r.Stdout)!["status"]!.GetValue<string>();
    }

    static string ProcStatusField(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));

    static (uint Uid, string Mode) Stat(string path)
    {
        var r = Subprocess.Run("/tmp", ["stat", "-c", "%u %a", path]);
        var f = r.Stdout.Trim().Split(' ');
        return (uint.Parse(f[0], CultureInfo.InvariantCulture), f[1]);
    }
}

/// <summary>
/// The throw-away unprivileged user. useradd may append its own /etc/subuid and /etc/subgid lines (SUB_UID_COUNT in
/// login.defs); they are replaced by one range this test chooses and every line naming the user is removed at the end.
/// If this host lacks /etc/login.defs (useradd refuses without it), a minimal one is written and removed afterwards.
/// </summary>
/// <summary>
/// The runtime binary as the unprivileged user can run it. The checkout may live under a 0700 directory (CI clones into
/// a private temp dir), so the binary is copied once into a 0755 directory of its own.
/// </summary>
static class RootlessBinary
{
    static readonly Lazy<string> s_path = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "nrunc-rl-bin-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ed);
        string bin = Path.Combine(dir, Path.GetFileName(Env.RuntimeBin!));
        File.Copy(Env.RuntimeBin!, bin, overwrite: true);
        File.SetUnixFileMode(bin, (UnixFileMode)0x1ed);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { File.Delete(bin); Directory.Delete(dir); } catch (IOException) { } };
        return bin;
    });

    public static string Path_ => s_path.Value;
}

public sealed class RootlessUser : IDisposable
{
    readonly TestScope _s;
    readonly List<string> _createdFiles = [];
    // useradd/userdel output: outlives the test scope's temp dir, which is gone by the time the user is removed.
    readonly string _io = TempDirs.Create("rl-user");

    public string Name { get; }
    public uint Uid { get; private set; }
    public uint Gid { get; private set; }
    /// <summary>First id of the subordinate range written for the user (65536 ids) in /etc/subuid and /etc/subgid.</summary>
    public uint SubStart { get; private set; }
    public string XdgDir { get; private set; } = "";
    /// <summary>Where the XDG rule puts the runtime under test's state ($XDG_RUNTIME_DIR/nrunc; runc when proving the tests).</summary>
    public string StateRoot => XdgDir + (Env.RuntimeIsOracle ? "/runc" : "/nrunc");
    public string Home { get; private set; } = "";

    RootlessUser(TestScope s, string name) { _s = s; Name = name; }

    public static RootlessUser Create(TestScope s)
    {
        var u = new RootlessUser(s, "nrunc-rl-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));
        try { u.Setup(); }
        catch { u.Dispose(); throw; }
        return u;
    }

    void Setup()
    {
        foreach (var (file, text) in new[]
        {
            ("/etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nSUB_UID_COUNT 0\nSUB_GID_COUNT 0\n"),
            ("/etc/subuid", ""), ("/etc/subgid", ""),
        })
        {
            if (File.Exists(file)) continue;
            File.WriteAllText(file, text);
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
            _createdFiles.Add(file);
        }
        var r = Subprocess.Run(_io, ["useradd", "-m", "-s", "/bin/sh", Name]);
        if (r.ExitCode != 0) throw new XunitException("useradd failed\n" + r.Describe());
        _added = true;
        Uid = uint.Parse(Subprocess.Run(_io, ["id", "-u", Name]).Stdout.Trim(), CultureInfo.InvariantCulture);
        Gid = uint.Parse(Subprocess.Run(_io, ["id", "-g", Name]).Stdout.Trim(), CultureInfo.InvariantCulture);
        Home = Subprocess.Run(_io, ["getent", "passwd", Name]).Stdout.Trim().Split(':')[5];
        // A range no other line uses: above every existing range.
        uint top = 100000;
        foreach (var file in new[] { "/etc/subuid", "/etc/subgid" })
            foreach (var line in File.ReadAllLines(file))
            {
                var f = line.Split(':');
                if (f.Length == 3 && f[0] != Name && uint.TryParse(f[1], out var s) && uint.TryParse(f[2], out var n)) top = Math.Max(top, s + n);
            }
        SubStart = (top + 65535) / 65536 * 65536 + 65536;
        foreach (var file in new[] { "/etc/subuid", "/etc/subgid" })
            Rewrite(file, lines => [.. lines.Where(l => !l.StartsWith(Name + ":", StringComparison.Ordinal)), $"{Name}:{SubStart}:65536"]);
        XdgDir = _s.NewDir("xdg");
        Chown(XdgDir);
        File.SetUnixFileMode(XdgDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    bool _added;

    public void Chown(string path) => Check.Ok(Subprocess.Run(_io, ["chown", "-R", $"{Uid}:{Gid}", path]));

    /// <summary>
    /// Runs argv as the user: setpriv, an environment of PATH/HOME/XDG_RUNTIME_DIR only. With <paramref name="cgroup"/>
    /// (a cgroup2 directory) root first moves the shell into it, as a systemd user session starts inside its
    /// delegated cgroup.
    /// </summary>
    public ProcResult Run(TestScope s, IReadOnlyList<string> argv, string? cwd = null, string? cgroup = null)
    {
        string[] full = Argv(argv);
        if (cgroup is not null) full = ["/bin/sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup, .. full];
        var r = Subprocess.Run(s.IoDir, full, cwd: cwd);
        s.Log(r.Describe());
        if (r.TimedOut) throw new HangException(r, Subprocess.DefaultTimeout);
        return r;
    }

    /// <summary>argv wrapped to run as the user (what <see cref="Run"/> starts).</summary>
    public string[] Argv(IReadOnlyList<string> argv) =>
        ["/usr/bin/setpriv", $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "/usr/bin/env", "-i",
            "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", $"HOME={Home}", $"XDG_RUNTIME_DIR={XdgDir}", .. argv];

    static void Rewrite(string file, Func<string[], IEnumerable<string>> change)
    {
        var lines = File.Exists(file) ? File.ReadAllLines(file) : [];
        var text = string.Concat(change(lines).Select(l => l + "\n"));
        var tmp = file + ".nrunc-rl-tmp";
        File.WriteAllText(tmp, text);
        File.SetUnixFileMode(tmp, (UnixFileMode)0b110_100_100);
        File.Move(tmp, file, overwrite: true);
    }

    public void Dispose()
    {
        if (_added)
        {
            // The test scope has already deleted (as root) every container left under the user's state roots.
            var r = Subprocess.Run(_io, ["userdel", "-r", Name]);
            if (r.ExitCode != 0) _s.Log("userdel failed: " + r.Describe());
            foreach (var file in new[] { "/etc/subuid", "/etc/subgid" })
                if (File.Exists(file)) Rewrite(file, lines => lines.Where(l => !l.StartsWith(Name + ":", StringComparison.Ordinal)));
        }
        foreach (var f in _createdFiles) File.Delete(f);
        TempDirs.Remove(_io);
    }
}
