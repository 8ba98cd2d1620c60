using System.Text;

namespace Runc.Cgroups.Layout;

/// <summary>One cgroup or cgroup2 line of /proc/self/mountinfo.</summary>
/// <param name="Root">The path inside the hierarchy that is mounted (not "/" inside a container with a cgroup namespace view).</param>
/// <param name="Options">Super options: for v1 the controllers ("cpu", "cpuacct", "name=systemd").</param>
public sealed record CgroupMountEntry(string MountPoint, string Root, string FsType, IReadOnlyList<string> Options)
{
    public bool IsV2 => FsType == "cgroup2";
}

/// <summary>Parses the cgroup lines of a mountinfo text (proc(5) format).</summary>
public static class MountInfo
{
    public static List<CgroupMountEntry> ParseCgroupMounts(string mountinfo)
    {
        var result = new List<CgroupMountEntry>();
        foreach (string line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-", 6);
            if (f.Length < 7 || dash < 0 || dash + 3 > f.Length) continue;
            string fsType = f[dash + 1];
            if (fsType != "cgroup" && fsType != "cgroup2") continue;
            string super = dash + 3 < f.Length ? f[dash + 3] : "";
            var options = super.Split(',', StringSplitOptions.RemoveEmptyEntries);
            result.Add(new CgroupMountEntry(Unescape(f[4]), Unescape(f[3]), fsType, options));
        }
        return result;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
