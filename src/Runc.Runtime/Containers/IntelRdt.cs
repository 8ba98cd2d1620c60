using System.Text;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Runtime.Containers;

/// <summary>
/// linux.intelRdt through resctrl: a CLOS directory (closID, or the container id), its schemata, the init in
/// its tasks. Without a mounted resctrl the config is refused, as the spec requires.
/// </summary>
public static class IntelRdt
{
    public const string Root = "/sys/fs/resctrl";

    /// <summary>Prepare the group before the clone; returns its directory and whether nrunc created it.</summary>
    public static (string Dir, bool Created) Prepare(LinuxIntelRdt rdt, string containerId, string resctrlRoot = Root)
    {
        if (!IsMounted(resctrlRoot))
            throw new RuncException("intelRdt is specified in config, but Intel RDT is not enabled (resctrl is not mounted)");
        string name = string.IsNullOrEmpty(rdt.ClosId) ? containerId : rdt.ClosId;
        if (name.Contains('/') || name is "." or "..") throw new SpecException($"config.json: linux.intelRdt.closID: invalid \"{name}\"");
        string dir = Path.Combine(resctrlRoot, name);
        string schemata = Schemata(rdt);
        bool created = Interop.Libc.Mkdir(dir, 0x1ed) == 0;
        if (!created && Errno.Last != Errno.EEXIST) throw SyscallException.Last($"mkdir \"{dir}\"");
        if (!created && schemata.Length > 0)
        {
            // An existing CLOS must already carry what the config asks for (runtime-spec intelRdt rules).
            string current = File.ReadAllText(Path.Combine(dir, "schemata"));
            foreach (var line in schemata.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                if (!current.Contains(line.Trim(), StringComparison.Ordinal))
                    throw new RuncException($"intelRdt: existing CLOS \"{name}\" has different schemata (\"{line}\" not found)");
        }
        else if (schemata.Length > 0)
        {
            Write(Path.Combine(dir, "schemata"), schemata);
        }
        return (dir, created);
    }

    public static void AddTask(string dir, int pid) => Write(Path.Combine(dir, "tasks"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void Remove(string? dir)
    {
        if (dir != null && Directory.Exists(dir)) Interop.Libc.Rmdir(dir);
    }

    public static string Schemata(LinuxIntelRdt rdt)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(rdt.L3CacheSchema)) sb.Append(rdt.L3CacheSchema).Append('\n');
        if (!string.IsNullOrEmpty(rdt.MemBwSchema)) sb.Append(rdt.MemBwSchema).Append('\n');
        foreach (var s in rdt.Schemata ?? []) sb.Append(s).Append('\n');
        return sb.ToString();
    }

    private static bool IsMounted(string root) =>
        Interop.Libc.Statfs(root, out var st) == 0 && st.f_type == 0x7655821; // RDTGROUP_SUPER_MAGIC

    private static void Write(string path, string text)
    {
        using var fd = SafeFd.Open(path, Interop.Libc.O_WRONLY);
        FdIo.WriteAll(fd, Encoding.ASCII.GetBytes(text), path);
    }
}
