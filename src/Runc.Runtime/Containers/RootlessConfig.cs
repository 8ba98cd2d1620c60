using System.Globalization;
using Runc.Oci;

namespace Runc.Runtime.Containers;

/// <summary>
/// runc's rootless-EUID checks (runc@v1.1.5:libcontainer/configs/validate/rootless.go), made when nrunc's
/// effective uid is not 0: a user namespace and both id mappings are required, and uid=/gid= mount options
/// must name mapped ids.
/// </summary>
public static class RootlessConfig
{
    public static bool RootlessEuid => Runc.Linux.Interop.Libc.Geteuid() != 0;

    /// <summary>
    /// runc's setupUser calls setgroups only when its euid is 0 and the container's /proc/self/setgroups is not
    /// "deny". A user namespace made by us inherits "deny" from ours (unshare -r, rootless podman's helpers), and a
    /// joined one cannot be wider than ours either, so reading our own file answers for the container.
    /// </summary>
    public static bool SetgroupsDenied
    {
        get
        {
            if (RootlessEuid) return true;
            try { return File.ReadAllText("/proc/self/setgroups").Trim() == "deny"; }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }
    }

    /// <summary>runc's userns.RunningInUserNS: the initial user namespace maps the whole uid range onto itself,
    /// a single "0 0 4294967295" line; anything else is a user namespace (rootless podman calls us in one).</summary>
    public static bool InUserNamespace()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/self/uid_map");
            if (lines.Length != 1) return true;
            var f = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return !(f.Length == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295");
        }
        catch (IOException) { return false; } // no user namespace support at all
        catch (UnauthorizedAccessException) { return false; }
    }

    public static void Validate(Spec spec)
    {
        if (!RootlessEuid) return;
        var linux = spec.Linux;
        if (linux?.Namespaces?.Exists(n => n.Type == "user") != true)
            throw new RuncException("rootless container requires user namespaces");
        if (linux.UidMappings is not { Count: > 0 }) throw new RuncException("rootless containers requires at least one UID mapping");
        if (linux.GidMappings is not { Count: > 0 }) throw new RuncException("rootless containers requires at least one GID mapping");
        // runc's setupUser: a rootless parent cannot map supplementary groups (setgroups is denied or unmapped).
        if (spec.Process?.User.AdditionalGids is { Count: > 0 })
            throw new RuncException("unable to start container process: unable to setup user: cannot set any additional groups in a rootless container");
        foreach (var m in spec.Mounts ?? [])
        {
            foreach (var opt in m.Options ?? [])
            {
                if (TryId(opt, "uid=", out long uid) && !Mapped(uid, linux.UidMappings))
                    throw new RuncException("cannot specify uid= mount options for unmapped uid in rootless containers");
                if (TryId(opt, "gid=", out long gid) && !Mapped(gid, linux.GidMappings))
                    throw new RuncException("cannot specify gid= mount options for unmapped gid in rootless containers");
            }
        }
    }

    private static bool TryId(string opt, string prefix, out long id)
    {
        id = 0;
        return opt.StartsWith(prefix, StringComparison.Ordinal) &&
            long.TryParse(opt.AsSpan(prefix.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id);
    }

    private static bool Mapped(long id, IReadOnlyList<LinuxIdMapping> maps)
    {
        foreach (var m in maps)
            if (id >= m.ContainerId && id < (long)m.ContainerId + m.Size) return true;
        return false;
    }
}
