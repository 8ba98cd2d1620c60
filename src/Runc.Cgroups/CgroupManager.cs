using Runc.Cgroups.Layout;
using Runc.Cgroups.Systemd;
using Runc.Cgroups.V1;
using Runc.Cgroups.V2;
using Runc.Oci;

namespace Runc.Cgroups;

/// <summary>Builds the right <see cref="ICgroupManager"/> for a container, or rebuilds it from saved paths.</summary>
public static class CgroupManager
{
    /// <summary>
    /// Resolve the container's cgroup directories (no side effects; call <see cref="ICgroupManager.Create"/> next).
    /// cgroupsPath as runc: absolute → under each hierarchy root; relative → under this process's cgroup
    /// (v2: its parent); empty → relative "&lt;containerId&gt;". With the systemd driver it is "slice:prefix:name"
    /// and resolves to the directory systemd gives that unit (the unit itself is started by AddProcess, with the pid).
    /// Resources are validated against the layout here, before anything is created.
    /// </summary>
    public static ICgroupManager Create(LinuxResources? resources, string? cgroupsPath, string containerId,
        bool systemdDriver, bool rootless, CgroupLayout layout, ISystemdBus? systemdBus = null, Action<string>? warn = null)
    {
        if (resources != null) Validate(resources, layout.Mode, layout.UnifiedControllers);
        if (systemdDriver && layout.Mode != CgroupMode.Unified)
            return CreateSystemdV1(resources, cgroupsPath, containerId, rootless, layout,
                systemdBus ?? throw new ArgumentNullException(nameof(systemdBus)), warn ?? (_ => { }));
        string inner;
        bool absolute;
        SystemdUnitName? unit = null;
        if (systemdDriver)
        {
            unit = SystemdUnitName.Parse(cgroupsPath, containerId, rootless);
            inner = unit.CgroupPath;
            absolute = true;
        }
        else
        {
            inner = CgroupPathRules.InnerPath(cgroupsPath, containerId);
            absolute = inner.StartsWith('/');
        }
        if (inner is "" or "." or "/")
            throw new RuncException("invalid cgroup path \"" + cgroupsPath + "\": it names the hierarchy root or our own cgroup");

        if (layout.Mode == CgroupMode.Unified)
        {
            var mount = layout.Unified!;
            string dir;
            if (absolute) dir = CgroupPathRules.Join(mount.MountPoint, inner);
            else
            {
                string own = layout.OwnCgroups.GetValueOrDefault("", "/");
                string parent = CgroupPathRules.Clean(own + "/..");
                dir = CgroupPathRules.Join(CgroupLayout.HostDir(mount, parent), inner);
            }
            var fs = new V2Manager(dir, mount.MountPoint, rootless);
            // runc's unifiedManager (rootless needs the user's own systemd: that stays the directory-only driver).
            if (unit != null && !rootless)
                return new SystemdV2Manager(fs, unit, systemdBus ?? throw new ArgumentNullException(nameof(systemdBus)), warn ?? (_ => { }));
            return fs;
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var mountPoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (controller, mount) in layout.V1Mounts)
        {
            paths[controller] = absolute
                ? CgroupPathRules.Join(mount.MountPoint, inner)
                : CgroupPathRules.Join(CgroupLayout.HostDir(mount, layout.OwnCgroups.GetValueOrDefault(controller, "/")), inner);
            mountPoints[controller] = mount.MountPoint;
        }
        if (layout.Mode == CgroupMode.Hybrid && layout.Unified is { } u)
        {
            paths[""] = absolute
                ? CgroupPathRules.Join(u.MountPoint, inner)
                : CgroupPathRules.Join(CgroupLayout.HostDir(u, layout.OwnCgroups.GetValueOrDefault("", "/")), inner);
            mountPoints[""] = u.MountPoint;
        }
        return new V1Manager(paths, mountPoints, rootless);
    }

    /// <summary>
    /// runc's v1 systemd driver (legacyManager + initPaths): every hierarchy's directory is
    /// mountpoint + PID 1's cgroup there (without a trailing init.scope) + the expanded slice + the unit.
    /// </summary>
    private static SystemdV1Manager CreateSystemdV1(LinuxResources? resources, string? cgroupsPath, string containerId,
        bool rootless, CgroupLayout layout, ISystemdBus bus, Action<string> warn)
    {
        if (rootless) throw new RuncException("cannot use rootless systemd cgroups manager on cgroup v1");
        var name = SystemdUnitName.Parse(cgroupsPath, containerId);
        string inner = SystemdUnitName.ExpandSlice(name.Slice) + "/" + name.UnitName;
        var init = InitCgroups();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var mountPoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (controller, mount) in layout.V1Mounts)
        {
            paths[controller] = CgroupPathRules.Join(CgroupLayout.HostDir(mount, init.GetValueOrDefault(controller, "/")), inner);
            mountPoints[controller] = mount.MountPoint;
        }
        if (!paths.ContainsKey("devices"))
            throw new RuncException("cannot use the systemd cgroup driver: no devices cgroup hierarchy is mounted");
        if (layout.Mode == CgroupMode.Hybrid && layout.Unified is { } u)
        {
            paths[""] = CgroupPathRules.Join(CgroupLayout.HostDir(u, init.GetValueOrDefault("", "/")), inner);
            mountPoints[""] = u.MountPoint;
        }
        if (resources?.Unified is { Count: > 0 }) throw new RuncException("invalid configuration: cannot use unified on cgroup v1");
        return new SystemdV1Manager(new V1Manager(paths, mountPoints, rootless: false), name, bus, warn);
    }

    /// <summary>PID 1's cgroup per hierarchy from /proc/1/cgroup, a trailing "init.scope" dropped (runc's getSubsystemPath).</summary>
    public static Dictionary<string, string> InitCgroups(IEnumerable<string>? lines = null)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines ?? File.ReadLines("/proc/1/cgroup"))
        {
            string[] f = line.Split(':', 3);
            if (f.Length != 3) continue;
            string path = CgroupPathRules.Clean(f[2]);
            if (path.EndsWith("/init.scope", StringComparison.Ordinal)) path = path[..^"/init.scope".Length];
            if (path.Length == 0) path = "/";
            foreach (string c in f[1].Split(',')) map[c] = path;
        }
        return map;
    }

    /// <summary>
    /// Rebuild a manager from <see cref="ICgroupManager.Paths"/> saved in the container state:
    /// only "" → v2; anything else → v1 (hybrid when "" is there too).
    /// </summary>
    public static ICgroupManager Load(IReadOnlyDictionary<string, string> savedPaths, bool rootless = false, string? v2MountPoint = null)
    {
        if (savedPaths.Count == 1 && savedPaths.TryGetValue("", out string? dir))
            return new V2Manager(dir, v2MountPoint ?? "/sys/fs/cgroup", rootless);
        var paths = new Dictionary<string, string>(savedPaths, StringComparer.Ordinal);
        // Mount points only matter for Create (cpuset chain), which a loaded container no longer needs.
        return new V1Manager(paths, new Dictionary<string, string>(), rootless);
    }

    /// <summary>runc's IsRunningSystemd (sd_booted): the systemd driver needs systemd as the host's init.</summary>
    public static void RequireRunningSystemd()
    {
        if (!Directory.Exists("/run/systemd/system"))
            throw new RuncException("systemd not running on this host, cannot use systemd cgroups manager");
    }

    /// <summary>
    /// Refusals runc makes before any cgroup is touched. Stronger than runc on a hybrid host: unified keys of the
    /// controllers its cgroup2 hierarchy hosts (<paramref name="hybridControllers"/>, e.g. hugetlb) and of the core
    /// "cgroup." files are let through to the cgroup2 directory; any other key is runc's v1 refusal.
    /// </summary>
    public static void Validate(LinuxResources r, CgroupMode mode, IReadOnlyCollection<string>? hybridControllers = null)
    {
        if (r.Unified is { Count: > 0 } unified)
        {
            foreach (string key in unified.Keys)
            {
                int dot = key.IndexOf('.');
                string controller = dot > 0 ? key[..dot] : "";
                bool hosted = mode == CgroupMode.Hybrid && (controller == "cgroup" || (hybridControllers != null && V2Resources.HasController(hybridControllers, controller)));
                if (mode != CgroupMode.Unified && !hosted) throw new RuncException("invalid configuration: cannot use unified on cgroup v1");
                V2Resources.ValidateUnifiedKey(key);
            }
        }
        if (r.Memory?.Swappiness is ulong sw && sw != ulong.MaxValue && sw > 100)
            throw new RuncException("invalid memory swappiness value: " + sw + " (valid range is 0-100)");
        if (mode == CgroupMode.Unified && r.Memory is { } m)
            V2Convert.SwapToV2(m.Swap ?? 0, m.Limit ?? 0); // throws runc's messages for impossible swap values
        foreach (var d in r.Devices ?? []) Devices.DeviceRule.FromOci(d);
        foreach (var h in r.HugepageLimits ?? [])
            if (h.Pagesize.Length == 0 || h.Pagesize.Contains('/'))
                throw new RuncException("invalid hugepage size \"" + h.Pagesize + "\"");
    }
}
