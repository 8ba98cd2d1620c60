using System.Text;
using Runc.Linux;
using Runc.Oci;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>
/// linux.intelRdt through resctrl: a CLOS directory (closID, or the container id), its schemata, the init in
/// its tasks. Without a mounted resctrl the config is refused, as the spec requires.
/// </summary>
public static class IntelRdt
{
    /// <summary>Prepare the group before the clone; returns its directory and whether nrunc created it.</summary>
    public static (string Dir, bool Created) Prepare(LinuxIntelRdt rdt, string containerId)
    {
        if (Root() is not { } resctrlRoot || !IsMounted(resctrlRoot))
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

    /// <summary>Removes the group on delete, only when nrunc made it (a given closID may be shared).</summary>
    public static void Remove(string? dir, bool created = true)
    {
        if (created && dir != null && Directory.Exists(dir)) Interop.Libc.Rmdir(dir);
    }

    public static string Schemata(LinuxIntelRdt rdt)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(rdt.L3CacheSchema)) sb.Append(rdt.L3CacheSchema).Append('\n');
        if (!string.IsNullOrEmpty(rdt.MemBwSchema)) sb.Append(rdt.MemBwSchema).Append('\n');
        foreach (var s in rdt.Schemata ?? []) sb.Append(s).Append('\n');
        return sb.ToString();
    }

    /// <summary>The resctrl mount point, or null (runc: "the user guarantees to mount the filesystem").</summary>
    public static string? Root()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/mountinfo"))
            {
                int sep = line.IndexOf(" - ", StringComparison.Ordinal);
                if (sep < 0) continue;
                string[] after = line[(sep + 3)..].Split(' ');
                if (after.Length > 0 && after[0] == "resctrl")
                {
                    string[] fields = line[..sep].Split(' ');
                    if (fields.Length > 4) return fields[4].Replace("\\040", " ");
                }
            }
        }
        catch (IOException) { }
        return null;
    }

    public static bool IsCatEnabled() => Root() is { } r && Directory.Exists(System.IO.Path.Combine(r, "info", "L3"));
    public static bool IsMbaEnabled() => Root() is { } r && Directory.Exists(System.IO.Path.Combine(r, "info", "MB"));

    /// <summary>runc's refusals, checked before the container is touched.</summary>
    public static void CheckEnabled(RdtUpdate rdt)
    {
        if (rdt.L3CacheSchema.Length > 0 && !IsCatEnabled()) throw new RuncException("Intel RDT/CAT: l3 cache schema is not enabled");
        if (rdt.MemBwSchema.Length > 0 && !IsMbaEnabled()) throw new RuncException("Intel RDT/MBA: memory bandwidth schema is not enabled");
    }

    /// <summary>Writes the new schemata into the container's resctrl group (one line each, as runc) and records them.</summary>
    public static void Update(ContainerState state, Spec spec, RdtUpdate rdt)
    {
        CheckEnabled(rdt);
        if (string.IsNullOrEmpty(state.IntelRdtPath))
            throw new RuncException("Intel RDT: the container was created without a resctrl group; nrunc cannot add one on update");
        var cfg = spec.Linux!.IntelRdt ??= new LinuxIntelRdt();
        if (rdt.L3CacheSchema.Length > 0) cfg.L3CacheSchema = rdt.L3CacheSchema;
        if (rdt.MemBwSchema.Length > 0) cfg.MemBwSchema = rdt.MemBwSchema;
        foreach (string line in (string[])[rdt.L3CacheSchema, rdt.MemBwSchema])
        {
            if (line.Length == 0) continue;
            string file = System.IO.Path.Combine(state.IntelRdtPath, "schemata");
            using var fd = SafeFd.Open(file, Interop.Libc.O_WRONLY);
            FdIo.WriteAll(fd, System.Text.Encoding.UTF8.GetBytes(line + "\n"), file);
        }
    }

    private static bool IsMounted(string root) =>
        Interop.Libc.Statfs(root, out var st) == 0 && st.f_type == 0x7655821; // RDTGROUP_SUPER_MAGIC

    private static void Write(string path, string text)
    {
        using var fd = SafeFd.Open(path, Interop.Libc.O_WRONLY);
        FdIo.WriteAll(fd, Encoding.ASCII.GetBytes(text), path);
    }
}
