namespace Runc.Runtime.Plan;

/// <summary>Everything besides the spec that decides what the child does; all fds are the parent's, inherited by the child.</summary>
public sealed class LaunchOptions
{
    public required string Bundle { get; init; }
    public required string Rootfs { get; init; }
    public bool NoPivot { get; init; }
    public bool NoNewKeyring { get; init; }
    public int PreserveFds { get; init; }
    /// <summary>Added to process.env (socket activation: LISTEN_FDS=n, LISTEN_PID=1).</summary>
    public IReadOnlyList<string> ExtraEnv { get; init; } = Array.Empty<string>();
    /// <summary>Connected console socket, or -1.</summary>
    public int ConsoleSocketFd { get; init; } = -1;
    /// <summary>Size for the pty when the config has no consoleSize (foreground run: the host terminal's).</summary>
    public (ushort Rows, ushort Cols) DefaultConsoleSize { get; init; }
    /// <summary>exec.fifo opened O_RDWR (create), or -1 (run without the split, exec).</summary>
    public int FifoFd { get; init; } = -1;
    /// <summary>Last capability number of the running kernel (/proc/sys/kernel/cap_last_cap).</summary>
    public int LastCap { get; init; } = 40;
    /// <summary>Mount destination → host directory for cgroup v1 binds (no cgroupns), filled by the cgroup manager.</summary>
    public IReadOnlyList<CgroupBind> CgroupBinds { get; init; } = Array.Empty<CgroupBind>();
    public bool CgroupV2 { get; init; }
    /// <summary>v1 hierarchies the child moves itself into first (fd of the "tasks" file, directory for messages).</summary>
    public IReadOnlyList<(Runc.Linux.SafeFd Fd, string Dir)> CgroupTasks { get; init; } = [];
    /// <summary>The cgroup2 directory fd given to clone3 (CLONE_INTO_CGROUP), closed by the child first; -1 if none.</summary>
    public int CgroupCloneFd { get; init; } = -1;
    /// <summary>Joined namespace fds by spec type ("network" → fd), opened by the parent.</summary>
    public IReadOnlyDictionary<string, int> JoinFds { get; init; } = new Dictionary<string, int>();
    /// <summary>setgroups is denied in the container's user namespace (rootless single mapping).</summary>
    public bool SetgroupsDenied { get; init; }
    /// <summary>The parent runs prestart/createRuntime hooks at the sync point.</summary>
    public bool HasRuntimeHooks { get; init; }
    /// <summary>Seccomp program (struct sock_filter array) and its flags, or null.</summary>
    public byte[]? SeccompFilter { get; init; }
    public uint SeccompFlags { get; init; }
    /// <summary>The profile uses SCMP_ACT_NOTIFY: the child hands the listener fd to the parent, which passes it to the agent.</summary>
    public bool SeccompNotify { get; init; }
    /// <summary>Host paths for binding default devices when mknod is impossible (inside a user namespace).</summary>
    public bool BindDevices { get; init; }
    /// <summary>Parent fds the child must close at once (not only at execve): the flock'd container lock.</summary>
    public IReadOnlyList<int> CloseInChild { get; init; } = Array.Empty<int>();
    /// <summary>runc links /dev/core to /proc/kcore only when the host kernel has it.</summary>
    public bool HostHasKcore { get; init; }
    /// <summary>The mount that contains the rootfs: made private in the container's mount namespace so that
    /// pivot_root works and nothing nrunc mounts propagates back to the host (runc's rootfsParentMountPrivate).</summary>
    public string? RootfsParentMount { get; init; }
    /// <summary>Index in spec.mounts → fd of a detached, already idmapped tree the child move_mounts (IdmappedMounts).</summary>
    public IReadOnlyDictionary<int, int> MountTrees { get; init; } = new Dictionary<int, int>();
}

/// <summary>A cgroup v1 hierarchy to show inside the container: /sys/fs/cgroup/NAME ← host dir of the container's cgroup.</summary>
public sealed record CgroupBind(string Name, string HostDir, IReadOnlyList<string> Aliases)
{
    /// <summary>With a cgroup namespace the hierarchy is mounted, not bound: mount(Source, ..., "cgroup", FsData).</summary>
    public string FsData { get; init; } = "";
    public string Source { get; init; } = "cgroup";
}
