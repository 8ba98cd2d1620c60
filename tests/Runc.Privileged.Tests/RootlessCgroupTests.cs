using System.Globalization;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// Rootless cgroups (issue 9 §2): a cgroup2 subtree delegated to the user as systemd does it, and no delegation at all.
/// On this kind of host cgroup2 is the hybrid tree at /sys/fs/cgroup/unified (hugetlb is its only controller, plus
/// the core files): runc 1.1.5 cannot use it rootless (it first mkdirs the v1 hierarchies and fails), nrunc keeps
/// the directory it could make and runs the container there.
/// </summary>
public sealed partial class RootlessTests
{
    DelegatedCgroup? _delegated;

    [PrivilegedFact(StrongerThanRunc = true)]
    public void Rootless_DelegatedCgroup2_HoldsTheContainer_LimitsApply_PauseResume_KillAll_DeleteRemovesIt()
    {
        var u = User();
        var d = _delegated = DelegatedCgroup.Create(_s, u);
        var b = RootlessBundle(u);
        Shell(b, "exec sleep 60");
        var huge = d.HugetlbSizes;
        EditConfig(b, c =>
        {
            c["linux"]!["cgroupsPath"] = "/" + d.Name + "/ctr";
            var res = c["linux"]!["resources"] as JsonObject ?? new JsonObject();
            var unified = new JsonObject { ["cgroup.max.descendants"] = "3" };
            if (huge.Count > 0)
                res["hugepageLimits"] = new JsonArray(new JsonObject { ["pageSize"] = huge[0].Name, ["limit"] = 2 * huge[0].Bytes });
            if (huge.Count > 1) unified["hugetlb." + huge[1].Name + ".max"] = "0";
            res["unified"] = unified;
            c["linux"]!["resources"] = res;
        });
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        var rt = RootlessBinary.Path_;
        ProcResult As(params string[] argv) => u.Run(_s, argv, cwd: b, cgroup: d.Session);

        Check.Ok(As(rt, "create", id), "rootless create in the delegated cgroup");
        int init = JsonNode.Parse(As(rt, "state", id).Stdout)!["pid"]!.GetValue<int>();
        string ctr = d.Dir + "/ctr";
        var cgroupLines = File.ReadAllLines($"/proc/{init}/cgroup");
        Assert.Contains($"0::/{d.Name}/ctr", cgroupLines);
        Assert.Equal(init.ToString(CultureInfo.InvariantCulture), File.ReadAllText(ctr + "/cgroup.procs").Trim());
        // v1: the init stays where the caller is in every v1 hierarchy, and nothing was made there.
        Assert.Equal(File.ReadAllLines("/proc/self/cgroup").Where(l => !l.StartsWith("0::", StringComparison.Ordinal)),
            cgroupLines.Where(l => !l.StartsWith("0::", StringComparison.Ordinal)));
        foreach (var v1 in DelegatedCgroup.V1Mounts()) Assert.False(Directory.Exists(Path.Combine(v1, d.Name)), $"{v1}/{d.Name} was made");

        Assert.Equal("3", File.ReadAllText(ctr + "/cgroup.max.descendants").Trim());
        if (huge.Count > 0) Assert.Equal((2 * huge[0].Bytes).ToString(CultureInfo.InvariantCulture), File.ReadAllText($"{ctr}/hugetlb.{huge[0].Name}.max").Trim());
        if (huge.Count > 1) Assert.Equal("0", File.ReadAllText($"{ctr}/hugetlb.{huge[1].Name}.max").Trim());

        Check.Ok(As(rt, "start", id), "rootless start");
        Assert.Equal("running", Status(u, rt, id));
        var pause = As(rt, "pause", id);
        Check.Ok(pause, "rootless pause");
        Assert.Contains("pause may fail if you don't have the full access to cgroups", pause.Stderr); // runc's warning
        Assert.Equal("paused", Status(u, rt, id));
        Assert.Equal("1", File.ReadAllText(ctr + "/cgroup.freeze").Trim());
        Check.Ok(As(rt, "resume", id), "rootless resume");
        Assert.Equal("running", Status(u, rt, id));
        Assert.Equal("0", File.ReadAllText(ctr + "/cgroup.freeze").Trim());

        // exec joins the same cgroup (clone3 into it, as the user).
        string pidFile = Path.Combine(u.XdgDir, "exec.pid");
        Check.Ok(As(rt, "exec", "-d", "--pid-file", pidFile, id, "sleep", "30"), "rootless exec -d");
        int execPid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.Contains($"0::/{d.Name}/ctr", File.ReadAllLines($"/proc/{execPid}/cgroup"));

        var ps = As(rt, "ps", "-f", "json", id);
        Check.Ok(ps, "rootless ps");
        Assert.Equal(new[] { init, execPid }.Order(), JsonNode.Parse(ps.Stdout)!.AsArray().Select(n => n!.GetValue<int>()).Order());

        Check.Ok(As(rt, "kill", "--all", id, "KILL"), "rootless kill --all");
        var until = DateTime.UtcNow.AddSeconds(10);
        while (Status(u, rt, id) != "stopped" && DateTime.UtcNow < until) Thread.Sleep(50);
        Assert.Equal("stopped", Status(u, rt, id));
        Check.Ok(As(rt, "delete", id), "rootless delete");
        Assert.False(Directory.Exists(ctr), "delete removes the container's cgroup");
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "rootless delete");

        // runc 1.1.5 on the same bundle and delegation: hybrid → it refuses the unified keys ("v1"), and without
        // limits its v1 mkdir fails; pure cgroup2 → it works too.
        _s.Oracle(u.XdgDir + "/runc");
        Shell(b, "cat /proc/self/cgroup");
        if (d.Hybrid) Check.Fails(As(Env.OracleBin, "run", _s.NewId("rl")), "invalid configuration: cannot use unified on cgroup v1");
        EditConfig(b, c => c["linux"]!.AsObject().Remove("resources"));
        var o = As(Env.OracleBin, "run", _s.NewId("rl"));
        if (d.Hybrid) Check.Fails(o, "permission denied");
        else
        {
            Check.Ok(o, "runc 1.1.5 on a delegated cgroup2 subtree");
            Assert.Contains($"0::/{d.Name}/ctr", o.Stdout);
        }
    }

    /// <summary>
    /// No delegation: with a cgroupsPath nrunc runs without a cgroup (nothing is made or written, not even in v1)
    /// where runc 1.1.5 refuses with a permission error; pause then says why; limits are runc's refusal for both.
    /// </summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void Rootless_WithoutDelegation_RunsWithoutACgroup_WritesNothing_AndPauseSaysWhy()
    {
        var u = User();
        var b = RootlessBundle(u);
        Shell(b, "exec sleep 60");
        string name = "nrunc-rl-undeleg-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        EditConfig(b, c => c["linux"]!["cgroupsPath"] = "/" + name + "/ctr");
        var id = _s.NewId("rl");
        _s.Runtime(u.StateRoot);
        _s.Oracle(u.XdgDir + "/runc");
        var rt = RootlessBinary.Path_;
        Check.Ok(u.Run(_s, [rt, "create", id], cwd: b), "rootless create with an undelegated cgroupsPath");
        int init = JsonNode.Parse(u.Run(_s, [rt, "state", id]).Stdout)!["pid"]!.GetValue<int>();
        Assert.Equal(File.ReadAllLines("/proc/self/cgroup"), File.ReadAllLines($"/proc/{init}/cgroup"));
        string? mount = DelegatedCgroup.Cgroup2Mount();
        foreach (var root in DelegatedCgroup.V1Mounts().Append(mount).OfType<string>())
            Assert.False(Directory.Exists(Path.Combine(root, name)), $"{root}/{name} was made");
        var pause = u.Run(_s, [rt, "pause", id]);
        Check.Fails(pause, "the container has no cgroup");
        Assert.Contains("pause may fail if you don't have the full access to cgroups", pause.Stderr);
        Check.Ok(u.Run(_s, [rt, "delete", "-f", id]), "delete -f");
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(u.StateRoot, id)), "undelegated run");

        Check.Fails(u.Run(_s, [Env.OracleBin, "create", _s.NewId("rl")], cwd: b), "permission denied");

        // Limits without a cgroup of our own: the same refusal from both.
        var sizes = DelegatedCgroup.HugePageSizes();
        if (mount is null || sizes.Count == 0) return;
        EditConfig(b, c =>
        {
            c["linux"]!.AsObject().Remove("cgroupsPath");
            c["linux"]!["resources"] = new JsonObject
            {
                ["hugepageLimits"] = new JsonArray(new JsonObject { ["pageSize"] = sizes[0].Name, ["limit"] = sizes[0].Bytes }),
            };
        });
        string want = File.Exists("/sys/fs/cgroup/cgroup.controllers")
            ? "rootless needs no limits + no cgrouppath when no permission is granted for cgroups"
            : "cannot set hugetlb limit: container could not join or create cgroup";
        foreach (var bin in new[] { Env.OracleBin, rt })
        {
            var lid = _s.NewId("rl");
            Check.Fails(u.Run(_s, [bin, "run", lid], cwd: b), want);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(u.StateRoot));
    }

    string Status(RootlessUser u, string bin, string id)
    {
        var r = u.Run(_s, [bin, "state", id]);
        Check.Ok(r, "state as the user");
        return JsonNode.Parse(r.Stdout)!["status"]!.GetValue<string>();
    }
}

/// <summary>
/// A cgroup2 subtree delegated to the user the way systemd's Delegate=yes does it: the directory and its
/// cgroup.procs, cgroup.subtree_control and cgroup.threads chowned to the user, the controllers the tree hosts
/// enabled above it, and a "session" child the user's commands start in (a process may only be moved between
/// cgroups below a common ancestor whose cgroup.procs it can write). Dispose kills what is left in it (cgroup.kill),
/// removes every directory (rmdir), and turns off a controller it turned on in the root.
/// </summary>
sealed class DelegatedCgroup : IDisposable
{
    readonly TestScope _s;
    bool _enabledHugetlbAtRoot;

    public string Mount { get; }
    public string Name { get; }
    public string Dir => Path.Combine(Mount, Name);
    public string Session => Path.Combine(Dir, "session");
    /// <summary>The cgroup2 tree is /sys/fs/cgroup/unified beside v1 hierarchies.</summary>
    public bool Hybrid => V1Mounts().Count > 0;
    /// <summary>Huge page sizes ("2MB", bytes) when hugetlb is enabled for the delegated directory.</summary>
    public List<(string Name, long Bytes)> HugetlbSizes { get; private set; } = [];

    DelegatedCgroup(TestScope s, string mount, string name) { _s = s; Mount = mount; Name = name; }

    public static DelegatedCgroup Create(TestScope s, RootlessUser u)
    {
        var mount = Cgroup2Mount() ?? throw new XunitException("no cgroup2 mount on this host (hybrid /sys/fs/cgroup/unified or pure v2)");
        var d = new DelegatedCgroup(s, mount, "nrunc-rl-deleg-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
        try { d.Setup(u); }
        catch { d.Dispose(); throw; }
        return d;
    }

    void Setup(RootlessUser u)
    {
        if (Words(Mount, "cgroup.controllers").Contains("hugetlb") && !Words(Mount, "cgroup.subtree_control").Contains("hugetlb"))
        {
            File.WriteAllText(Path.Combine(Mount, "cgroup.subtree_control"), "+hugetlb");
            _enabledHugetlbAtRoot = true;
        }
        Directory.CreateDirectory(Dir);
        Directory.CreateDirectory(Session);
        var paths = new List<string>();
        foreach (var dir in new[] { Dir, Session })
            paths.AddRange([dir, dir + "/cgroup.procs", dir + "/cgroup.subtree_control", dir + "/cgroup.threads"]);
        Check.Ok(Subprocess.Run(_s.IoDir, ["chown", $"{u.Uid}:{u.Gid}", .. paths]), "delegate the cgroup");
        if (Words(Dir, "cgroup.controllers").Contains("hugetlb")) HugetlbSizes = HugePageSizes();
    }

    static string[] Words(string dir, string file) =>
        (File.Exists(Path.Combine(dir, file)) ? File.ReadAllText(Path.Combine(dir, file)) : "").Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>/sys/kernel/mm/hugepages/hugepages-2048kB → ("2MB", 2097152), smallest first.</summary>
    public static List<(string Name, long Bytes)> HugePageSizes()
    {
        const string dir = "/sys/kernel/mm/hugepages";
        if (!Directory.Exists(dir)) return [];
        return Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>()
            .Where(n => n.StartsWith("hugepages-", StringComparison.Ordinal) && n.EndsWith("kB", StringComparison.Ordinal))
            .Select(n => long.Parse(n["hugepages-".Length..^2], CultureInfo.InvariantCulture))
            .Order()
            .Select(kb => (kb >= 1 << 20 ? $"{kb >> 20}GB" : kb >= 1 << 10 ? $"{kb >> 10}MB" : $"{kb}KB", kb * 1024))
            .ToList();
    }

    static IEnumerable<string[]> CgroupMountLines() =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 8);

    static string FsType(string[] f) => f[Array.IndexOf(f, "-") + 1];

    public static string? Cgroup2Mount() => CgroupMountLines().Where(f => FsType(f) == "cgroup2").Select(f => f[4]).FirstOrDefault();

    /// <summary>Mount points of v1 hierarchies with a controller (not a bare name=systemd).</summary>
    public static List<string> V1Mounts() =>
        CgroupMountLines().Where(f => FsType(f) == "cgroup").Select(f => f[4]).Where(m => !m.EndsWith("/systemd", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        if (Directory.Exists(Dir))
        {
            foreach (var dir in Directory.GetDirectories(Dir, "*", SearchOption.AllDirectories).OrderByDescending(p => p.Length).Append(Dir))
            {
                try
                {
                    if (File.ReadAllText(dir + "/cgroup.procs").Trim().Length > 0)
                    {
                        _s.Log($"cleanup: killing what is left in {dir}");
                        File.WriteAllText(dir + "/cgroup.kill", "1");
                        for (int i = 0; i < 100 && File.ReadAllText(dir + "/cgroup.procs").Trim().Length > 0; i++) Thread.Sleep(50);
                    }
                    Directory.Delete(dir);
                }
                catch (IOException e) { _s.Log($"cleanup: rmdir {dir}: {e.Message}"); }
            }
        }
        if (_enabledHugetlbAtRoot)
        {
            try { File.WriteAllText(Path.Combine(Mount, "cgroup.subtree_control"), "-hugetlb"); }
            catch (IOException e) { _s.Log($"cleanup: -hugetlb in {Mount}: {e.Message}"); }
        }
    }
}
