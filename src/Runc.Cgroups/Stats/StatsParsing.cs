using Runc.Cgroups.Fs;

namespace Runc.Cgroups.Stats;

/// <summary>Small parsers shared by the v1 and v2 stats readers.</summary>
public static class StatsParsing
{
    /// <summary>A cpuset list such as "0-3,8" → [0,1,2,3,8].</summary>
    public static List<ushort> ParseCpuList(string text)
    {
        var list = new List<ushort>();
        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] r = part.Split('-');
            if (!ushort.TryParse(r[0], out ushort from)) continue;
            ushort to = from;
            if (r.Length == 2 && !ushort.TryParse(r[1], out to)) continue;
            for (int i = from; i <= to; i++) list.Add((ushort)i);
        }
        return list;
    }

    /// <summary>Numbers separated by spaces (cpuacct.usage_percpu).</summary>
    public static List<ulong> ParseNumbers(string? text)
    {
        var list = new List<ulong>();
        if (text == null) return list;
        foreach (string f in text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            if (ulong.TryParse(f, out ulong v)) list.Add(v);
        return list;
    }

    public static ulong ReadOrZero(string dir, string file)
    {
        string? text = CgroupFile.TryRead(dir, file);
        if (text == null) return 0;
        text = text.Trim();
        if (text == "max") return ulong.MaxValue;
        return ulong.TryParse(text, out ulong v) ? v : 0;
    }

    /// <summary>Huge page sizes the kernel offers, named like runc ("2MB", "1GB"), from /sys/kernel/mm/hugepages.</summary>
    public static List<string> HugePageSizes(string sysHugepages = "/sys/kernel/mm/hugepages")
    {
        var sizes = new List<string>();
        if (!Directory.Exists(sysHugepages)) return sizes;
        foreach (string d in Directory.GetDirectories(sysHugepages))
        {
            string name = Path.GetFileName(d); // hugepages-2048kB
            if (!name.StartsWith("hugepages-", StringComparison.Ordinal) || !name.EndsWith("kB", StringComparison.Ordinal)) continue;
            if (ulong.TryParse(name["hugepages-".Length..^2], out ulong kb)) sizes.Add(PageSizeName(kb * 1024));
        }
        sizes.Sort(StringComparer.Ordinal);
        return sizes;
    }

    /// <summary>Go's units.CustomSize("%g%s", size, 1024, ["B","KB","MB","GB","TB","PB"]) for whole sizes.</summary>
    public static string PageSizeName(ulong bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.Length - 1) { v /= 1024; i++; }
        return v.ToString(System.Globalization.CultureInfo.InvariantCulture) + units[i];
    }
}
