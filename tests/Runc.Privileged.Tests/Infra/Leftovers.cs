using System.Globalization;

namespace Runc.Privileged.Tests.Infra;

/// <summary>Looks for what a container run can leave behind on the host: state dirs, processes, cgroups.</summary>
public static class Leftovers
{
    public const string CgroupRoot = "/sys/fs/cgroup";

    public sealed record ProcInfo(int Pid, string Cmdline, ulong StartTicks)
    {
        public override string ToString() => $"pid {Pid}: {Cmdline}";
    }

    /// <summary>Live (non-zombie) processes, without the test host itself.</summary>
    public static List<ProcInfo> AllProcesses()
    {
        var self = Environment.ProcessId;
        var res = new List<ProcInfo>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid) || pid == self) continue;
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (rest[0] == "Z" || rest[0] == "X") continue; // zombies are gone for our purpose
                var start = ulong.Parse(rest[19], CultureInfo.InvariantCulture); // field 22 overall
                var cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
                res.Add(new ProcInfo(pid, cmd, start));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException) { }
        }
        return res;
    }

    /// <summary>Processes whose command line contains <paramref name="needle"/>.</summary>
    public static List<ProcInfo> ProcessesMentioning(string needle) =>
        AllProcesses().Where(p => p.Cmdline.Contains(needle, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// Processes running the runtime binary (argv[0] is its path, e.g. a stuck `nrunc init`/`runc init`) that started
    /// at or after <paramref name="sinceTicks"/> and belong to this test: their command line, environment, cwd or mount
    /// table mentions one of <paramref name="markers"/> (the test's temp dir, its ids). Other suites on this machine
    /// run the same binaries concurrently; their processes are not ours to report.
    /// </summary>
    public static List<ProcInfo> RuntimeProcesses(string runtimePath, ulong sinceTicks, IReadOnlyCollection<string> markers) =>
        AllProcesses().Where(p =>
            p.StartTicks >= sinceTicks &&
            (p.Cmdline == runtimePath || p.Cmdline.StartsWith(runtimePath + " ", StringComparison.Ordinal)) &&
            Mentions(p, markers))
        .ToList();

    static bool Mentions(ProcInfo p, IReadOnlyCollection<string> markers)
    {
        bool Has(string? text) => text is not null && markers.Any(m => text.Contains(m, StringComparison.Ordinal));
        if (Has(p.Cmdline)) return true;
        try { if (Has(new FileInfo($"/proc/{p.Pid}/cwd").LinkTarget)) return true; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        foreach (var f in new[] { "environ", "mountinfo" })
        {
            try { if (Has(File.ReadAllText($"/proc/{p.Pid}/{f}"))) return true; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return false;
    }

    /// <summary>Now, in the unit of /proc/PID/stat's starttime (clock ticks since boot; USER_HZ is 100 on Linux).</summary>
    public static ulong NowTicks()
    {
        var up = File.ReadAllText("/proc/uptime").Split(' ')[0];
        var seconds = double.Parse(up, CultureInfo.InvariantCulture);
        return (ulong)Math.Max(0, (seconds - 1) * 100); // one second of slack for rounding
    }

    /// <summary>Cgroup directories, in every v1 hierarchy and the unified one, whose name contains <paramref name="id"/>.</summary>
    public static List<string> Cgroups(string id)
    {
        var res = new List<string>();
        if (!Directory.Exists(CgroupRoot)) return res;
        var opts = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 12, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var top in Directory.EnumerateDirectories(CgroupRoot))
        {
            try
            {
                foreach (var d in Directory.EnumerateDirectories(top, "*", opts))
                    if (Path.GetFileName(d).Contains(id, StringComparison.Ordinal)) res.Add(d);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        // cgroup v2 mounted directly on /sys/fs/cgroup: the loop above already covers its children.
        return res;
    }

    /// <summary>Everything the host still holds for container <paramref name="id"/> made under <paramref name="root"/>.</summary>
    public static List<string> For(string root, string id, string? runtimePath = null, ulong sinceTicks = 0, IReadOnlyCollection<string>? markers = null)
    {
        var problems = new List<string>();
        var stateDir = Path.Combine(root, id);
        if (Directory.Exists(stateDir))
            problems.Add($"state dir {stateDir} exists (contains: {string.Join(", ", Directory.EnumerateFileSystemEntries(stateDir).Select(Path.GetFileName))})");
        problems.AddRange(ProcessesMentioning(id).Select(p => $"process mentions the id: {p}"));
        if (runtimePath is not null)
            problems.AddRange(RuntimeProcesses(runtimePath, sinceTicks, markers ?? [root, id]).Select(p => $"runtime process still alive: {p}"));
        problems.AddRange(Cgroups(id).Select(c => $"cgroup left: {c}"));
        return problems;
    }

    /// <summary>Polls <paramref name="probe"/> until it reports nothing or the (generous) limit expires; returns the last
    /// report. Not a timing assertion: it absorbs asynchronous reaping (a killed init is reaped by pid 1 a moment later).</summary>
    public static List<string> Eventually(Func<List<string>> probe, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var r = probe();
            if (r.Count == 0 || DateTime.UtcNow > until) return r;
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Last-resort cleanup for a unique test id: SIGKILL every process in a cgroup named after it (and every process
    /// whose command line names it), then remove those cgroups. Only ever called with ids this suite generated.
    /// </summary>
    public static List<string> Reap(string id)
    {
        var done = new List<string>();
        if (!TestScope.IsGeneratedId(id)) return done;
        var groups = Cgroups(id);
        var pids = new HashSet<int>();
        foreach (var g in groups)
        {
            try
            {
                foreach (var l in File.ReadAllLines(Path.Combine(g, "cgroup.procs")))
                    if (int.TryParse(l, out var pid)) pids.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        foreach (var p in ProcessesMentioning(id)) pids.Add(p.Pid);
        pids.Remove(Environment.ProcessId);
        foreach (var pid in pids)
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(); done.Add($"killed pid {pid}"); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
        if (groups.Count > 0)
        {
            Thread.Sleep(200);
            // freezer: a frozen cgroup keeps its (killed) tasks; thaw it first.
            foreach (var g in groups)
            {
                var st = Path.Combine(g, "freezer.state");
                try { if (File.Exists(st)) File.WriteAllText(st, "THAWED"); } catch (IOException) { }
            }
            foreach (var g in groups.OrderByDescending(g => g.Length))
            {
                try { Directory.Delete(g); done.Add($"removed cgroup {g}"); }
                catch (IOException e) { done.Add($"cannot remove cgroup {g}: {e.Message}"); }
            }
        }
        return done;
    }
}
