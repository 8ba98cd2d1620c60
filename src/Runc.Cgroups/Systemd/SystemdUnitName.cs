namespace Runc.Cgroups.Systemd;

/// <summary>
/// A systemd cgroupsPath "slice:prefix:name" (runc's --systemd-cgroup form) and what it becomes:
/// the unit name (a scope "prefix-name.scope", or "name" itself when it ends in ".slice"),
/// the parent slice, and the cgroup path systemd gives the unit.
/// </summary>
public sealed record SystemdUnitName(string Slice, string ScopePrefix, string Name)
{
    /// <summary>runc's getUnitName: "prefix-name.scope" (an empty prefix gives "-name.scope", as in runc), or the slice itself.</summary>
    public string UnitName => Name.EndsWith(".slice", StringComparison.Ordinal) ? Name : ScopePrefix + "-" + Name + ".scope";

    /// <summary>The cgroup directory relative to the hierarchy root, e.g. "/system.slice/runc-c1.scope".</summary>
    public string CgroupPath
    {
        get
        {
            string slice = ExpandSlice(Slice);
            return (slice == "/" ? "" : slice) + "/" + UnitName;
        }
    }

    /// <summary>Empty means runc's default: "system.slice:runc:&lt;id&gt;" ("user.slice" when rootless).</summary>
    public static SystemdUnitName Parse(string? cgroupsPath, string containerId, bool rootless = false)
    {
        if (string.IsNullOrEmpty(cgroupsPath))
            return new SystemdUnitName(rootless ? "user.slice" : "system.slice", "runc", containerId);
        string[] parts = cgroupsPath.Split(':');
        if (parts.Length != 3)
            throw new RuncException("expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"" + cgroupsPath + "\" instead");
        string slice = parts[0].Length == 0 ? (rootless ? "user.slice" : "system.slice") : parts[0];
        if (parts[2].Contains('/') || parts[1].Contains('/'))
            throw new RuncException("invalid systemd cgroupsPath \"" + cgroupsPath + "\": names cannot contain '/'");
        ExpandSlice(slice); // validates
        return new SystemdUnitName(slice, parts[1], parts[2]);
    }

    /// <summary>"a-b-c.slice" → "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" (the root slice) → "/".</summary>
    public static string ExpandSlice(string slice)
    {
        const string suffix = ".slice";
        if (slice.Length <= suffix.Length || !slice.EndsWith(suffix, StringComparison.Ordinal) || slice.Contains('/'))
            throw new RuncException("invalid slice name: " + slice);
        if (slice == "-.slice") return "/";
        string name = slice[..^suffix.Length];
        if (name.StartsWith('-') || name.EndsWith('-') || name.Contains("--"))
            throw new RuncException("invalid slice name: " + slice);
        var path = new System.Text.StringBuilder();
        string prefix = "";
        foreach (string component in name.Split('-'))
        {
            path.Append('/').Append(prefix).Append(component).Append(suffix);
            prefix += component + "-";
        }
        return path.ToString();
    }
}
