namespace Runc.Runtime.Launch;

/// <summary>The caller's mount table (/proc/self/mountinfo), for the few questions the planner needs answered.</summary>
public static class MountTable
{
    /// <summary>The mount point that contains <paramref name="path"/> (the longest mount point that is a prefix of it).</summary>
    public static string MountPointOf(string path, string? mountinfo = null)
    {
        mountinfo ??= File.ReadAllText("/proc/self/mountinfo");
        string best = "/";
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            if (f.Length < 5) continue;
            string mp = Unescape(f[4]);
            bool contains = mp == "/" || path == mp || path.StartsWith(mp.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (contains && mp.Length > best.Length) best = mp;
        }
        return best;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder();
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
