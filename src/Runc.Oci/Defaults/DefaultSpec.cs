using System.Globalization;

namespace Runc.Oci;

/// <summary>
/// The template <c>nrunc spec</c> writes. It reproduces Debian's runc 1.1.5 <c>runc spec</c> (and
/// <c>--rootless</c>) field for field; a test compares the two when /usr/sbin/runc exists.
/// Documented differences from runc 1.1.5:
/// <list type="bullet">
/// <item>none in content. The inheritable capability set is left out (empty), as runc has done since
/// CVE-2022-29162 (inheritable caps let a setcap binary regain privileges in the container); if a
/// runc version ever emits one again, nrunc still will not.</item>
/// <item>Byte-level: Go would escape &lt; &gt; &amp; as \u003c... in strings; the template contains none.</item>
/// </list>
/// </summary>
public static class DefaultSpec
{
    private static readonly string[] DefaultCaps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    /// <summary>The template; for rootless the id mappings map container root to the caller's effective uid/gid.</summary>
    public static Spec Create(bool rootless)
    {
        var (uid, gid) = rootless ? EffectiveIds() : (0u, 0u);
        return Create(rootless, uid, gid);
    }

    /// <summary>Pure form of <see cref="Create(bool)"/> with the host ids given.</summary>
    public static Spec Create(bool rootless, uint hostUid, uint hostGid)
    {
        var spec = new Spec
        {
            OciVersion = SpecVersion.Runtime,
            Process = new Process
            {
                Terminal = true,
                User = new User { Uid = 0, Gid = 0 },
                Args = ["sh"],
                Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                Cwd = "/",
                Capabilities = new LinuxCapabilities
                {
                    Bounding = new(DefaultCaps),
                    Effective = new(DefaultCaps),
                    Permitted = new(DefaultCaps),
                    Ambient = new(DefaultCaps),
                },
                Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
                NoNewPrivileges = true,
            },
            Root = new Root { Path = "rootfs", Readonly = true },
            Hostname = "runc",
            Mounts =
            [
                new() { Destination = "/proc", Type = "proc", Source = "proc" },
                new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
                new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
                new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
                new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
                new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
                new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = ["nosuid", "noexec", "nodev", "relatime", "ro"] },
            ],
            Linux = new Linux
            {
                Resources = new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }] },
                Namespaces = [new() { Type = "pid" }, new() { Type = "network" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" }],
                MaskedPaths =
                [
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                ],
                ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            },
        };
        if (rootless) MakeRootless(spec, hostUid, hostGid);
        return spec;
    }

    /// <summary>runc's ToRootless (runc@v1.1.5:libcontainer/specconv/example.go).</summary>
    private static void MakeRootless(Spec spec, uint hostUid, uint hostGid)
    {
        var linux = spec.Linux!;
        // No network namespace: an unprivileged user cannot configure one usefully; add a user namespace.
        var namespaces = linux.Namespaces!.FindAll(n => n.Type != "network" && n.Type != "user");
        namespaces.Add(new() { Type = "user" });
        linux.Namespaces = namespaces;
        linux.UidMappings = [new() { ContainerId = 0, HostId = hostUid, Size = 1 }];
        linux.GidMappings = [new() { ContainerId = 0, HostId = hostGid, Size = 1 }];

        foreach (var mount in spec.Mounts!)
        {
            // gid=5 (tty) is not mapped in a single-id user namespace.
            mount.Options?.RemoveAll(o => o == "gid=5");
            // sysfs cannot be mounted without owning the network namespace: bind the host's instead.
            if (mount.Type == "sysfs")
            {
                mount.Type = "none";
                mount.Source = "/sys";
                mount.Options = ["rbind", .. mount.Options ?? []];
            }
        }
        // Cgroup limits need privileges a rootless caller usually lacks.
        linux.Resources = null;
    }

    /// <summary>Writes <c>bundleDir/config.json</c> like <c>runc spec</c>: refuses to overwrite, mode 0666 minus umask.</summary>
    public static void WriteConfig(string bundleDir, Spec spec)
    {
        string path = Path.Combine(bundleDir, SpecLoader.ConfigFileName);
        byte[] bytes = OciJson.SerializeSpec(spec);
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(bytes);
        }
        catch (IOException) when (File.Exists(path) || Directory.Exists(path))
        {
            throw new SpecException("File config.json exists. Remove it first");
        }
        catch (UnauthorizedAccessException)
        {
            throw new SpecException($"open {path}: permission denied");
        }
        catch (DirectoryNotFoundException)
        {
            throw new SpecException($"open {path}: no such file or directory");
        }
    }

    /// <summary>Effective uid/gid from /proc/self/status (this assembly has no P/Invoke by design).</summary>
    private static (uint Uid, uint Gid) EffectiveIds()
    {
        uint uid = 0, gid = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            // "Uid:\treal\teffective\tsaved\tfs"
            if (line.StartsWith("Uid:", StringComparison.Ordinal)) uid = SecondField(line);
            else if (line.StartsWith("Gid:", StringComparison.Ordinal)) gid = SecondField(line);
        }
        return (uid, gid);

        static uint SecondField(string line) =>
            uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
    }
}
