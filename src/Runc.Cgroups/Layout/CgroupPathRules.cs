namespace Runc.Cgroups.Layout;

/// <summary>
/// runc's cgroupsPath rules, done lexically so nothing can escape a hierarchy root:
/// absolute → under each hierarchy's root; relative → under this process's own cgroup
/// (v2: under its parent, because the own cgroup usually has processes and so can't enable controllers);
/// empty → relative path "&lt;container id&gt;".
/// </summary>
public static class CgroupPathRules
{
    /// <summary>Go's utils.CleanPath: clean, and make "../x" style relative paths unable to climb.</summary>
    public static string CleanPath(string path)
    {
        if (path.Length == 0) return "";
        if (path.StartsWith('/')) return Clean(path);
        string rooted = Clean("/" + path);
        return rooted == "/" ? "." : rooted[1..];
    }

    /// <summary>Lexical clean of a path (Go's path.Clean): collapses "//", ".", "..".</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        bool rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (string p in path.Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(p);
        }
        string joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>Join a directory and a cgroup path that is already clean (absolute or relative).</summary>
    public static string Join(string dir, string sub)
    {
        string s = sub.Trim('/');
        if (s.Length == 0 || s == ".") return dir.Length > 1 ? dir.TrimEnd('/') : dir;
        return Clean(dir + "/" + s);
    }

    /// <summary>The container's inner path: the cleaned cgroupsPath, or the container id when empty.</summary>
    public static string InnerPath(string? cgroupsPath, string containerId) =>
        string.IsNullOrEmpty(cgroupsPath) ? CleanPath(containerId) : CleanPath(cgroupsPath);
}
