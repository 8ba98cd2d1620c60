using System.Runtime.InteropServices;

namespace Runc.Runtime.Launch;

/// <summary>
/// What the spawn child can do. Each op is one step of container set-up decided in the parent; the child
/// only executes them in order and reports (op index, step, errno) on the first failure.
/// Paths marked "in root" are relative to the rootfs and resolved with openat2(RESOLVE_IN_ROOT) so that a
/// symlink in the image can never point a mount or mkdir outside it (CVE-2021-30465, CVE-2024-45310).
/// </summary>
public enum OpCode : int
{
    SyncWait = 1,        // block until the parent sends Continue (EOF: parent died, exit)
    SyncSend,            // A = message type
    RecvState,           // receive the hooks' state JSON into the plan's state buffer
    Setns,               // A = fd, B = CLONE_NEW* type
    Unshare,             // A = flags
    Setsid,
    SetPdeathsig,        // A = signal
    MountPropagation,    // A = absolute path, B = MS_* propagation flags (applied to a path outside the rootfs, e.g. "/")
    OpenRoot,            // A = rootfs path: bind it onto itself and keep an O_PATH fd (the "root register")
    Mount,               // one config mount: A = source, B = dest in root, C = fstype, D = flags, E = data, F = propagation;
                         // Flags: MountOpFlags.*; G = MOUNT_ATTR_* set (rro etc.), H = attr clear
    Mkdir,               // A = path in root, B = mode
    Mknod,               // A = path in root, B = mode incl. S_IF*, C = dev, D = uid, E = gid; Flags & BindFromHost: F = host path
    Symlink,             // A = link path in root, B = link target (written verbatim)
    PivotRoot,
    ChrootNoPivot,       // --no-pivot: MS_MOVE the rootfs onto / and chroot
    MaskPath,            // A = absolute container path (after pivot)
    ReadonlyPath,        // A = absolute container path (after pivot)
    RemountRootReadonly,
    Hostname,            // A = name
    Domainname,          // A = name
    WriteProc,           // A = path relative to the verified procfs fd, B = value
    Rlimit,              // A = resource, B = soft, C = hard
    Chdir,               // A = path
    JoinKeyring,         // A = name (0 = anonymous)
    Personality,         // A = persona
    SchedSetattr,        // A = offset of struct sched_attr
    IoprioSet,           // A = ioprio value
    CpuAffinity,         // A = offset of mask, B = mask bytes
    Mempolicy,           // A = mode, B = offset of node mask, C = max node
    ResolveExec,         // A = count, B = offset of an int array of candidate path offsets; Flags & ExecFlags.Search
    Console,             // A = console socket fd, B = rows, C = cols, Flags & MountConsole
    Dup2,                // A = old fd, B = new fd
    CloseExecFrom,       // A = first fd that must not survive execve
    WaitStart,           // A = fd of exec.fifo opened O_RDWR: one byte from `start` releases the init
    RunHook,             // A = path, B = argv offset, C = envp offset, D = timeout seconds (0 = none)
    Setgroups,           // A = count, B = offset of uint[]
    Setresgid,           // A = gid
    Setresuid,           // A = uid
    KeepCaps,            // A = 1 keep across setuid, 0 clear
    DropBounding,        // A = bitmask of capabilities to keep, B = last cap number
    Capset,              // A = effective, B = permitted, C = inheritable (64-bit masks)
    RaiseAmbient,        // A = mask
    NoNewPrivs,
    Umask,               // A = mask
    Seccomp,             // A = offset of filter, B = instruction count, C = SECCOMP_FILTER_FLAG_*, D = 1: send the NEW_LISTENER fd
                         // to the parent (SyncMessage.SeccompListener + SCM_RIGHTS) and wait for its Continue (it told the agent)
    SetDumpable,         // A = 0 or 1
    Execve,              // A = argv offset, B = envp offset (path from ResolveExec)
    Exit,                // A = code
    VerifyCwd,           // after chdir: getcwd must not be "(unreachable)" (CVE-2024-21626)
    CloseFd,             // A = fd: e.g. the container lock, whose flock the parked init must not keep
    SetnsPath,           // A = path of a namespace file (e.g. /proc/self/ns/time_for_children), B = CLONE_NEW* type
    ForkIntoPidns,       // A = pid namespace fd: setns (after the user namespace gave the right), clone(CLONE_PARENT): the
                         // new process goes on with the plan, this one reports its pid (SyncMessage.Pid, in Errno) and exits 0
    JoinCgroup,          // A = fd of a v1 hierarchy's "tasks" file opened by the parent: write "0" (this single-threaded
                         // process moves itself, no global cgroup lock: Runc.Cgroups.CgroupJoin), then close the fd
}

[Flags]
public enum MountOpFlags : int
{
    None = 0,
    Bind = 1,              // MS_BIND: source is a path or fd, remount needed for ro/nosuid/...
    TargetIsFile = 2,      // create a file, not a directory, as the mount point
    Remount = 4,           // bind with flags beyond MS_BIND|MS_REC: remount to apply them
    Proc = 8,              // must land on a real directory and be procfs (CVE-2019-16884)
    Sysfs = 64,
    Mqueue = 128,          // with Sysfs: if the kernel refuses the fs (EPERM in a user namespace that does not own the
                           // net/ipc namespace), bind the host's /sys (recursive) or /dev/mqueue instead, as runc ≥1.2 does
    FromFd = 256,          // A is the fd of a detached mount prepared by the parent (idmapped): move_mount it onto the target
    CopyUp = 512,          // tmpfs with tmpcopyup: copy what the mount hides into it (then remount with the config's flags)
    KeepDirMode = 1024,    // tmpfs over a directory of the image: the tmpfs root takes that directory's mode, as in runc
}

public static class SyncMessage
{
    public const int Continue = 1, Ready = 2, Error = 3, RunCreateRuntimeHooks = 4, Pid = 5, WriteTimeOffsets = 6,
        SeccompListener = 7; // carries the seccomp notify fd in SCM_RIGHTS
}

/// <summary>Child → parent report. Step narrows which part of an op failed (see <see cref="FailStep"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SyncRecord
{
    public int Type;
    public int Op;
    public int Step;
    public int Errno;
}

public static class FailStep
{
    public const int Main = 0, Resolve = 1, CreateTarget = 2, Remount = 3, Propagation = 4, SetAttr = 5, Verify = 6,
        Open = 7, NotProc = 8, NotDirectory = 9, NotDevNull = 10, Umount = 11, Chown = 12, Chmod = 13, Fork = 14, Timeout = 15,
        HookStatus = 16, NotFound = 17, NotExecutable = 18, Send = 19, PeerPty = 20, Unreachable = 21, CopyUp = 22;
}

[StructLayout(LayoutKind.Sequential)]
public struct PlanOp
{
    public OpCode Code;
    public int Flags;
    public long A, B, C, D, E, F, G, H;
}

/// <summary>
/// Start of the native plan block. Everything after it is addressed by offset from the block's start, so the
/// block can be dumped for golden tests and never contains a pointer into the managed heap.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct PlanHeader
{
    public int OpCount;
    public int OpsOffset;
    public int DataOffset;      // strings and blobs; op fields hold offsets relative to here (0 = null)
    public int SyncFd;          // child's end of the sync socketpair
    public int ProcFd;          // verified procfs directory fd (host /proc), for WriteProc
    public int StateOffset;     // buffer for the state JSON handed to hooks: int length + bytes
    public int StateCapacity;
    public int ScratchOffset;   // scratch space for building /proc/self/fd/N strings and paths
    public int ScratchSize;
    public int Total;
}
