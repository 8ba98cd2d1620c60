namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// mktemp -d style directories, and the only code that removes anything. It removes only directories it created
/// itself (tracked by exact path), never follows symlinks, and refuses to recurse into a directory that has a mount
/// point beneath it (a runtime that leaked a bind mount of a host directory into a bundle must not make the test
/// delete the host directory).
/// </summary>
public static class TempDirs
{
    public const string Prefix = "nrunc-priv-";

    static readonly HashSet<string> Made = [];
    static readonly object Gate = new();

    public static string Create(string tag)
    {
        var di = Directory.CreateTempSubdirectory(Prefix + tag + "-");
        lock (Gate) Made.Add(di.FullName);
        return di.FullName;
    }

    /// <summary>Removes <paramref name="path"/> if (and only if) this class made it. Returns a problem description or null.</summary>
    public static string? Remove(string path)
    {
        lock (Gate)
            if (!Made.Contains(path)) return $"refusing to remove {path}: not made by TempDirs";
        if (!Path.IsPathFullyQualified(path) || Path.GetFileName(path).StartsWith(Prefix, StringComparison.Ordinal) is false)
            return $"refusing to remove {path}: not one of ours";
        if (!Directory.Exists(path)) { Forget(path); return null; }

        var mounts = MountsUnder(path);
        if (mounts.Count > 0)
        {
            // Lazily detach what a misbehaving runtime left behind, then re-check.
            foreach (var m in mounts.OrderByDescending(m => m.Length))
                Subprocess.Run("/tmp", ["/bin/umount", "-l", m], timeout: TimeSpan.FromSeconds(20));
            mounts = MountsUnder(path);
            if (mounts.Count > 0)
                return $"NOT removing {path}: mount points remain beneath it: {string.Join(", ", mounts)}";
        }
        try
        {
            Directory.Delete(path, recursive: true); // does not follow symlinks
            Forget(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot remove {path}: {e.Message}";
        }
    }

    /// <summary>
    /// Removes directories named <c>nrunc-priv-TAG-*</c> in the temp dir that a previous, now dead, test process
    /// made (their <c>owner</c> file names a pid that no longer runs that start time). For caches whose process was
    /// killed before it could clean up.
    /// </summary>
    public static void RemoveStale(string tag)
    {
        foreach (var d in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + tag + "-*"))
        {
            var owner = Path.Combine(d, "owner");
            try
            {
                var parts = File.ReadAllText(owner).Split(' ');
                if (parts.Length != 2 || OwnerAlive(parts[0], parts[1])) continue;
            }
            catch (IOException) { continue; }
            lock (Gate) Made.Add(d);
            Remove(d);
        }
    }

    /// <summary>Writes the owner file used by <see cref="RemoveStale"/>.</summary>
    public static void MarkOwner(string dir) => File.WriteAllText(Path.Combine(dir, "owner"), $"{Environment.ProcessId} {StartTime(Environment.ProcessId.ToString())}");

    static bool OwnerAlive(string pid, string start) => StartTime(pid) is { } s && s == start;

    static string? StartTime(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException) { return null; }
    }

    static void Forget(string path) { lock (Gate) Made.Remove(path); }

    /// <summary>Mount points (host mount namespace) at or below <paramref name="dir"/>.</summary>
    public static List<string> MountsUnder(string dir)
    {
        var res = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var f = line.Split(' ');
            if (f.Length < 5) continue;
            var mp = Unescape(f[4]);
            if (mp == dir || mp.StartsWith(dir + "/", StringComparison.Ordinal)) res.Add(mp);
        }
        return res;
    }

    static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
