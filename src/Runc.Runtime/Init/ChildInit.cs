using System.Runtime.CompilerServices;
using Runc.Linux;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Init;

/// <summary>
/// The spawn child: everything between clone3 and execve (DESIGN §3).
///
/// Rules for every line in this file, because after clone only this thread exists and the managed runtime's
/// other threads (and any GC they would run) are gone:
///  - no allocation (no new, no strings, no boxing, no lambdas, no LINQ, no collections): only stack and the
///    native plan block prepared by the parent;
///  - no exceptions (no checked arithmetic, no array or span indexing that could throw): raw pointers only;
///  - only <see cref="Raw"/> calls (DirectPInvoke + SuppressGCTransition);
///  - no static fields of classes with a static constructor: constants only;
///  - never return: the last op execs or exits, and every failure reports (op, step, errno) and exits.
/// </summary>
internal static unsafe partial class ChildInit
{
    private struct Ctx
    {
        public byte* Base;
        public byte* Data;
        public byte* Scratch;
        public int ScratchSize;
        public int SyncFd;
        public int ProcFd;
        public int RootFd;
        public byte* ExecPath;
        public PlanHeader* Header;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(byte* plan)
    {
        Ctx ctx;
        ctx.Base = plan;
        ctx.Header = (PlanHeader*)plan;
        ctx.Data = plan + ctx.Header->DataOffset;
        ctx.Scratch = plan + ctx.Header->ScratchOffset;
        ctx.ScratchSize = ctx.Header->ScratchSize;
        ctx.SyncFd = ctx.Header->SyncFd;
        ctx.ProcFd = ctx.Header->ProcFd;
        ctx.RootFd = -1;
        ctx.ExecPath = null;

        // Device nodes and mount targets get exactly the modes the plan says; the process umask is set by an op later.
        Raw.Umask(0);

        var ops = (PlanOp*)(plan + ctx.Header->OpsOffset);
        int count = ctx.Header->OpCount;
        for (int i = 0; i < count; i++)
        {
            int step = FailStep.Main;
            int err = Execute(ref ctx, ops + i, &step);
            if (err != 0) Fail(ref ctx, i, step, err);
        }
        Raw.ExitGroup(0);
    }

    private static void Fail(ref Ctx ctx, int op, int step, int errno)
    {
        SyncRecord r;
        r.Type = SyncMessage.Error;
        r.Op = op;
        r.Step = step;
        r.Errno = errno;
        Raw.Write(ctx.SyncFd, &r, sizeof(SyncRecord));
        // 127/126 mirror a shell's "not found"/"cannot execute" for failures after the parent has gone (start).
        Raw.ExitGroup(errno == Errno.ENOENT ? 127 : errno == Errno.EACCES ? 126 : 1);
    }

    /// <summary>
    /// The host procfs handle is only for WriteProc, which the planner puts before the cwd and the program. It must be
    /// gone before anything resolves a path the config chose: "/proc/self/fd/N/../../../bin/sh" as args[0] or cwd would
    /// otherwise walk from the host's /proc to the host's root (CVE-2024-21626), and a parked init must not hold a host
    /// directory (CVE-2016-9962).
    /// </summary>
    private static void CloseProcFd(ref Ctx ctx)
    {
        if (ctx.ProcFd < 0) return;
        Raw.Close(ctx.ProcFd);
        ctx.ProcFd = -1;
    }

    private static byte* S(ref Ctx ctx, long offset) => offset == 0 ? null : ctx.Data + offset;

    /// <summary>Runs one op; returns 0 or an errno, with *step saying which part failed.</summary>
    private static int Execute(ref Ctx ctx, PlanOp* op, int* step)
    {
        switch (op->Code)
        {
            case OpCode.SyncWait: return SyncWait(ref ctx);
            case OpCode.SyncSend: return SyncSend(ref ctx, (int)op->A);
            case OpCode.RecvState: return RecvState(ref ctx);
            case OpCode.Setns: return Raw.Setns((int)op->A, (int)op->B) == 0 ? 0 : Raw.Errno;
            case OpCode.Unshare: return Raw.Unshare((int)op->A) == 0 ? 0 : Raw.Errno;
            case OpCode.Setsid: return Raw.Setsid() >= 0 ? 0 : Raw.Errno;
            case OpCode.SetPdeathsig: return Raw.Prctl(K.PR_SET_PDEATHSIG, (ulong)op->A, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.MountPropagation:
                return Raw.Mount(null, S(ref ctx, op->A), null, (ulong)op->B, null) == 0 ? 0 : Raw.Errno;
            case OpCode.OpenRoot: return OpenRoot(ref ctx, S(ref ctx, op->A));
            case OpCode.Mount: return MountEntry(ref ctx, op, step);
            case OpCode.Mkdir:
            {
                int fd = MkdirAllInRoot(ref ctx, S(ref ctx, op->A), (uint)op->B, step);
                if (fd < 0) return -fd;
                Raw.Close(fd);
                return 0;
            }
            case OpCode.Mknod: return Mknod(ref ctx, op, step);
            case OpCode.Symlink: return Symlink(ref ctx, S(ref ctx, op->A), S(ref ctx, op->B), step);
            case OpCode.PivotRoot: return PivotRoot(ref ctx, step);
            case OpCode.ChrootNoPivot: return ChrootNoPivot(ref ctx, step);
            case OpCode.MaskPath: return MaskPath(S(ref ctx, op->A), step);
            case OpCode.ReadonlyPath: return ReadonlyPath(S(ref ctx, op->A), step);
            case OpCode.RemountRootReadonly: return RemountRootReadonly(step);
            case OpCode.Hostname:
            {
                byte* name = S(ref ctx, op->A);
                return Raw.Sethostname(name, StrLen(name)) == 0 ? 0 : Raw.Errno;
            }
            case OpCode.Domainname:
            {
                byte* name = S(ref ctx, op->A);
                return Raw.Setdomainname(name, StrLen(name)) == 0 ? 0 : Raw.Errno;
            }
            case OpCode.WriteProc: return WriteProc(ref ctx, S(ref ctx, op->A), S(ref ctx, op->B), step);
            case OpCode.Rlimit:
            {
                ulong* lim = stackalloc ulong[2];
                lim[0] = (ulong)op->B;
                lim[1] = (ulong)op->C;
                return Raw.Prlimit(0, (int)op->A, lim, null) == 0 ? 0 : Raw.Errno;
            }
            case OpCode.Chdir:
                CloseProcFd(ref ctx);
                return Raw.Chdir(S(ref ctx, op->A)) == 0 ? 0 : Raw.Errno;
            case OpCode.VerifyCwd:
            {
                byte* buf = stackalloc byte[4096];
                if (Raw.Getcwd(buf, 4096) == null) { *step = FailStep.Unreachable; return Raw.Errno == 0 ? Errno.ENOENT : Raw.Errno; }
                if (buf[0] != (byte)'/') { *step = FailStep.Unreachable; return Errno.ENOENT; }
                return 0;
            }
            case OpCode.JoinKeyring:
                return Raw.Syscall(SysNr.Keyctl, K.KEYCTL_JOIN_SESSION_KEYRING, (long)S(ref ctx, op->A), 0, 0, 0, 0) >= 0 ? 0 : Raw.Errno;
            case OpCode.Personality: return Raw.Personality((ulong)op->A) != -1 ? 0 : Raw.Errno;
            case OpCode.SchedSetattr:
                return Raw.Syscall(SysNr.SchedSetattr, 0, (long)S(ref ctx, op->A), 0, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.IoprioSet:
                // IOPRIO_WHO_PROCESS (1) for the calling process (0).
                return Raw.Syscall(SysNr.IoprioSet, 1, 0, op->A, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.CpuAffinity:
                return Raw.Syscall(SysNr.SchedSetaffinity, 0, op->B, (long)S(ref ctx, op->A), 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.Mempolicy:
                return Raw.Syscall(SysNr.SetMempolicy, op->A, (long)S(ref ctx, op->B), op->C, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.ResolveExec:
                CloseProcFd(ref ctx);
                return ResolveExec(ref ctx, op, step);
            case OpCode.Console: return Console(ref ctx, op, step);
            case OpCode.Dup2:
                if (op->A == op->B) return Raw.Fcntl((int)op->A, K.F_SETFD, 0) == -1 ? Raw.Errno : 0;
                return Raw.Dup3((int)op->A, (int)op->B, 0) >= 0 ? 0 : Raw.Errno;
            case OpCode.CloseExecFrom:
                return Raw.Syscall(SysNr.CloseRange, op->A, uint.MaxValue, K.CLOSE_RANGE_CLOEXEC, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.WaitStart: return WaitStart((int)op->A);
            case OpCode.RunHook: return RunHook(ref ctx, op, step);
            case OpCode.Setgroups:
                return Raw.Syscall(SysNr.Setgroups, op->A, (long)S(ref ctx, op->B), 0, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.Setresgid: return Raw.Syscall(SysNr.Setresgid, op->A, op->A, op->A, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.Setresuid: return Raw.Syscall(SysNr.Setresuid, op->A, op->A, op->A, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.KeepCaps: return Raw.Prctl(K.PR_SET_KEEPCAPS, (ulong)op->A, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.DropBounding: return DropBounding((ulong)op->A, (int)op->B, step);
            case OpCode.Capset: return Capset((ulong)op->A, (ulong)op->B, (ulong)op->C);
            case OpCode.RaiseAmbient:
                for (int cap = 0; cap < 64; cap++)
                    if (((ulong)op->A & (1UL << cap)) != 0)
                        Raw.Prctl(K.PR_CAP_AMBIENT, K.PR_CAP_AMBIENT_RAISE, (ulong)cap, 0, 0); // like runc: best effort
                return 0;
            case OpCode.NoNewPrivs: return Raw.Prctl(K.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.Umask: Raw.Umask((uint)op->A); return 0;
            case OpCode.Seccomp: return Seccomp(ref ctx, op, step);
            case OpCode.SetDumpable: return Raw.Prctl(K.PR_SET_DUMPABLE, (ulong)op->A, 0, 0, 0) == 0 ? 0 : Raw.Errno;
            case OpCode.Execve: return Execve(ref ctx, op);
            case OpCode.Exit: Raw.ExitGroup((int)op->A); return 0;
            case OpCode.CloseFd: Raw.Close((int)op->A); return 0;
            case OpCode.ForkIntoPidns: return ForkIntoPidns(ref ctx, op, step);
            case OpCode.JoinCgroup: return JoinCgroup((int)op->A);
            case OpCode.SetnsPath:
            {
                int fd = Raw.OpenAt(Interop.Libc.AT_FDCWD, S(ref ctx, op->A), Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC, 0);
                if (fd < 0) return Raw.Errno;
                int r = Raw.Setns(fd, (int)op->B);
                int e = r == 0 ? 0 : Raw.Errno;
                Raw.Close(fd);
                return e;
            }
            default: return Errno.EINVAL;
        }
    }

    // ---- sync channel -------------------------------------------------------------------------------------

    /// <summary>"0" into a v1 tasks file moves the calling thread, here the whole process (see CgroupJoin).</summary>
    private static int JoinCgroup(int tasksFd)
    {
        nint n;
        do n = Raw.Write(tasksFd, "0"u8.AsPointer(), 1); while (n < 0 && Raw.Errno == Errno.EINTR);
        int err = n < 0 ? Raw.Errno : 0;
        Raw.Close(tasksFd);
        return err;
    }

    private static int SyncWait(ref Ctx ctx)
    {
        SyncRecord r;
        nint n;
        do n = Raw.Read(ctx.SyncFd, &r, sizeof(SyncRecord)); while (n < 0 && Raw.Errno == Errno.EINTR);
        if (n != sizeof(SyncRecord) || r.Type != SyncMessage.Continue) Raw.ExitGroup(1); // parent gone: nothing to report to
        return 0;
    }

    private static int SyncSend(ref Ctx ctx, int type)
    {
        SyncRecord r;
        r.Type = type;
        r.Op = 0;
        r.Step = 0;
        r.Errno = 0;
        return Raw.Write(ctx.SyncFd, &r, sizeof(SyncRecord)) == sizeof(SyncRecord) ? 0 : Raw.Errno;
    }

    /// <summary>
    /// A rootless exec: only the container's user namespace gives the right to join its pid namespace, and that
    /// namespace can only be joined here, so the process that execs must be born after both. CLONE_PARENT makes it
    /// nrunc's child, not ours (runc's nsexec does the same for its stage-2 child), so nrunc waits for it as usual.
    /// </summary>
    private static int ForkIntoPidns(ref Ctx ctx, PlanOp* op, int* step)
    {
        if (Raw.Setns((int)op->A, (int)K.CLONE_NEWPID) != 0) return Raw.Errno;
        Raw.Close((int)op->A);
        long pid = Raw.Syscall(SysNr.Clone, (long)K.CLONE_PARENT, 0, 0, 0, 0, 0);
        if (pid < 0) { *step = FailStep.Fork; return Raw.Errno; }
        if (pid == 0) return 0;
        SyncRecord r;
        r.Type = SyncMessage.Pid;
        r.Op = 0;
        r.Step = 0;
        r.Errno = (int)pid;
        Raw.Write(ctx.SyncFd, &r, sizeof(SyncRecord));
        Raw.ExitGroup(0);
        return 0;
    }

    private static int RecvState(ref Ctx ctx)
    {
        byte* buf = ctx.Base + ctx.Header->StateOffset;
        nint n;
        do n = Raw.Read(ctx.SyncFd, buf, 4 + ctx.Header->StateCapacity); while (n < 0 && Raw.Errno == Errno.EINTR);
        if (n < 4) Raw.ExitGroup(1);
        return 0;
    }

    // ---- paths inside the rootfs ----------------------------------------------------------------------------

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    private static int Openat2(int dirfd, byte* path, int flags, ulong resolve)
    {
        OpenHow how;
        how.Flags = (ulong)(flags | Interop.Libc.O_CLOEXEC);
        how.Mode = 0;
        how.Resolve = resolve;
        long r = Raw.Syscall(SysNr.Openat2, dirfd, (long)path, (long)&how, sizeof(OpenHow), 0, 0);
        return r >= 0 ? (int)r : -Raw.Errno;
    }

    /// <summary>Open a path inside the rootfs: symlinks are resolved as if the rootfs were "/", magic links refused.</summary>
    private static int OpenInRoot(ref Ctx ctx, byte* path, int flags, bool noSymlinks = false)
    {
        ulong resolve = K.RESOLVE_IN_ROOT | K.RESOLVE_NO_MAGICLINKS | (noSymlinks ? K.RESOLVE_NO_SYMLINKS : 0);
        return Openat2(ctx.RootFd, path, flags, resolve);
    }

    /// <summary>
    /// mkdir -p inside the rootfs, one component at a time, each prefix resolved in root, so a symlink swapped
    /// in at any moment can only lead to another place inside the rootfs. Returns an O_PATH fd of the last
    /// directory or -errno.
    /// </summary>
    private static int MkdirAllInRoot(ref Ctx ctx, byte* path, uint mode, int* step)
    {
        byte* buf = ctx.Scratch;
        int len = StrLen(path);
        if (len + 2 >= ctx.ScratchSize) return -Errno.ENAMETOOLONG;
        // Work on a copy: components are cut by writing NULs temporarily.
        for (int i = 0; i <= len; i++) buf[i] = path[i];

        int parent = Openat2(ctx.RootFd, DotPtr(), Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY, K.RESOLVE_IN_ROOT);
        if (parent < 0) { *step = FailStep.Resolve; return parent; }
        int i0 = 0;
        while (i0 < len)
        {
            while (i0 < len && buf[i0] == (byte)'/') i0++;
            if (i0 >= len) break;
            int end = i0;
            while (end < len && buf[end] != (byte)'/') end++;
            byte saved = buf[end];
            buf[end] = 0;
            int next = Openat2(ctx.RootFd, buf, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY, K.RESOLVE_IN_ROOT | K.RESOLVE_NO_MAGICLINKS);
            if (next == -Errno.ENOENT)
            {
                if (Raw.MkdirAt(parent, buf + i0, mode) != 0 && Raw.Errno != Errno.EEXIST)
                {
                    int e = Raw.Errno;
                    Raw.Close(parent);
                    *step = FailStep.CreateTarget;
                    return -e;
                }
                next = Openat2(ctx.RootFd, buf, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY, K.RESOLVE_IN_ROOT | K.RESOLVE_NO_MAGICLINKS);
            }
            buf[end] = saved;
            Raw.Close(parent);
            if (next < 0) { *step = next == -Errno.ENOTDIR ? FailStep.NotDirectory : FailStep.Resolve; return next; }
            parent = next;
            i0 = end;
        }
        return parent;
    }

    // u8 literals live in the binary's read-only data and carry a hidden NUL: usable as C strings.
    private static byte* DotPtr() => "."u8.AsPointer();

    /// <summary>Split "a/b/c" into the parent (written to scratch + offset) and the last component.</summary>
    private static byte* SplitLast(byte* path, byte* parentOut)
    {
        int len = StrLen(path);
        while (len > 1 && path[len - 1] == (byte)'/') len--;
        int slash = len - 1;
        while (slash >= 0 && path[slash] != (byte)'/') slash--;
        for (int i = 0; i < slash; i++) parentOut[i] = path[i];
        parentOut[slash < 0 ? 0 : slash] = 0;
        return path + slash + 1;
    }

    /// <summary>Make sure a file exists at path inside the root (for file bind mounts and /dev/console). Returns 0 or errno.</summary>
    private static int EnsureFileInRoot(ref Ctx ctx, byte* path, int* step)
    {
        byte* parentPath = ctx.Scratch + ctx.ScratchSize / 2;
        byte* name = SplitLast(path, parentPath);
        // MkdirAllInRoot uses the first half of scratch; the parent path lives in the second half.
        int dir = MkdirAllInRoot(ref ctx, parentPath, 0755, step);
        if (dir < 0) return -dir;
        // mknod does not follow a symlink at the last component and fails with EEXIST instead (CVE-2024-45310).
        int dfd = DirFdForPath(dir);
        int rc = Raw.MknodAt(dfd, name, StatBuf.S_IFREG | 0644, 0);
        int e = rc == 0 ? 0 : Raw.Errno;
        CloseBoth(dfd, dir);
        if (rc != 0 && e != Errno.EEXIST) { *step = FailStep.CreateTarget; return e; }
        return 0;
    }

    // mknodat/symlinkat need a real directory fd, not O_PATH: reopen the O_PATH fd as a directory through itself.
    private static int DirFdForPath(int opath) =>
        Raw.OpenAt(opath, DotPtr(), Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC, 0);

    private static void CloseBoth(int dfd, int opath)
    {
        if (dfd >= 0) Raw.Close(dfd);
        Raw.Close(opath);
    }

    /// <summary>Writes "/proc/self/fd/N" into buf.</summary>
    private static byte* FdPath(byte* buf, int fd)
    {
        byte* prefix = "/proc/self/fd/"u8.AsPointer();
        int i = 0;
        for (; i < 14; i++) buf[i] = prefix[i];
        byte* digits = stackalloc byte[12];
        int n = 0;
        uint v = (uint)fd;
        do { digits[n++] = (byte)('0' + v % 10); v /= 10; } while (v != 0);
        while (n > 0) buf[i++] = digits[--n];
        buf[i] = 0;
        return buf;
    }

    // ---- rootfs -------------------------------------------------------------------------------------------

    private static int OpenRoot(ref Ctx ctx, byte* rootfs)
    {
        // A bind of the rootfs onto itself makes it a mount point, which pivot_root requires.
        if (Raw.Mount(rootfs, rootfs, null, K.MS_BIND | K.MS_REC, null) != 0) return Raw.Errno;
        int fd = Raw.OpenAt(Interop.Libc.AT_FDCWD, rootfs, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0) return Raw.Errno;
        ctx.RootFd = fd;
        return 0;
    }

    private static int MountEntry(ref Ctx ctx, PlanOp* op, int* step)
    {
        byte* source = S(ref ctx, op->A);
        byte* dest = S(ref ctx, op->B);
        byte* fstype = S(ref ctx, op->C);
        ulong flags = (ulong)op->D;
        byte* data = S(ref ctx, op->E);
        var mf = (MountOpFlags)op->Flags;

        // 0. A tmpfs over a directory the image has takes that directory's mode (runc chmods the new root).
        uint imageDirMode = uint.MaxValue;
        if ((mf & MountOpFlags.KeepDirMode) != 0)
        {
            int pre = OpenInRoot(ref ctx, dest, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY, false);
            StatBuf st;
            if (pre >= 0 && Raw.Fstat(pre, &st) == 0) imageDirMode = st.Mode & 0xFFF;
            if (pre >= 0) Raw.Close(pre);
        }

        // 1. The mount point, created inside the rootfs.
        if ((mf & MountOpFlags.TargetIsFile) != 0)
        {
            int e = EnsureFileInRoot(ref ctx, dest, step);
            if (e != 0) return e;
        }
        else
        {
            int dir = MkdirAllInRoot(ref ctx, dest, 0755, step);
            if (dir < 0) return -dir;
            Raw.Close(dir);
        }

        // 2. Open it again, resolved in root; proc and sys must be real directories, not symlinks (CVE-2019-19921).
        bool strict = (mf & (MountOpFlags.Proc | MountOpFlags.Sysfs)) != 0;
        int target = OpenInRoot(ref ctx, dest, Interop.Libc.O_PATH | ((mf & MountOpFlags.TargetIsFile) != 0 ? 0 : Interop.Libc.O_DIRECTORY), strict);
        if (target < 0) { *step = strict && target == -Errno.ELOOP ? FailStep.NotDirectory : FailStep.Resolve; return -target; }

        byte* targetPath = stackalloc byte[32];
        if ((mf & MountOpFlags.FromFd) != 0)
        {
            // A detached tree the parent prepared (idmapped): attach it by fd, then the usual remount/propagation.
            long mv = Raw.Syscall(SysNr.MoveMount, op->A, (long)EmptyPtr(), target, (long)EmptyPtr(),
                K.MOVE_MOUNT_F_EMPTY_PATH | K.MOVE_MOUNT_T_EMPTY_PATH, 0);
            int me = mv == 0 ? 0 : Raw.Errno;
            Raw.Close(target);
            Raw.Close((int)op->A);
            if (me != 0) return me;
            return AfterMount(ref ctx, op, dest, flags, mf, targetPath, step);
        }
        FdPath(targetPath, target);
        ulong first = (mf & MountOpFlags.Bind) != 0 ? (flags & (K.MS_BIND | K.MS_REC)) | K.MS_BIND : flags & ~(K.MS_SHARED | K.MS_SLAVE | K.MS_PRIVATE | K.MS_UNBINDABLE);
        // tmpcopyup: keep a handle on what the tmpfs will hide, fill the tmpfs from it, make it read-only only afterwards.
        int hidden = -1;
        if ((mf & MountOpFlags.CopyUp) != 0)
        {
            hidden = Raw.OpenAt(target, ".\0"u8.AsPointer(), Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC, 0);
            if (hidden < 0) { int oe = Raw.Errno; Raw.Close(target); *step = FailStep.Open; return oe; }
            first &= ~K.MS_RDONLY;
        }
        if (Raw.Mount(source, targetPath, fstype, first, data) != 0)
        {
            if (hidden >= 0) Raw.Close(hidden);
            int e = Raw.Errno;
            // sysfs needs a net namespace owned by our user namespace, mqueue an ipc one: without them bind the host's.
            bool fallback = (e == Errno.EPERM || e == Errno.EBUSY) && (mf & (MountOpFlags.Sysfs | MountOpFlags.Mqueue)) != 0 && (mf & MountOpFlags.Bind) == 0;
            byte* host = (mf & MountOpFlags.Sysfs) != 0 ? "/sys\0"u8.AsPointer() : "/dev/mqueue\0"u8.AsPointer();
            if (!fallback || Raw.Mount(host, targetPath, null, K.MS_BIND | K.MS_REC, null) != 0)
            {
                Raw.Close(target);
                return e;
            }
            mf |= MountOpFlags.Bind;
            if ((flags & ~(K.MS_BIND | K.MS_REC | K.MS_SHARED | K.MS_SLAVE | K.MS_PRIVATE | K.MS_UNBINDABLE)) != 0) mf |= MountOpFlags.Remount;
        }
        Raw.Close(target);
        if (hidden >= 0 || imageDirMode != uint.MaxValue)
        {
            int e = FillTmpfs(ref ctx, hidden, imageDirMode, dest, step);
            if (hidden >= 0) Raw.Close(hidden);
            if (e != 0) return e;
        }
        return AfterMount(ref ctx, op, dest, flags, mf, targetPath, step);
    }

    /// <summary>Steps after the mount itself: verify, remount with the flags, propagation, mount_setattr.</summary>
    private static int AfterMount(ref Ctx ctx, PlanOp* op, byte* dest, ulong flags, MountOpFlags mf, byte* targetPath, int* step)
    {
        // 3. The new mount: reopen so that later steps act on it, not on the directory underneath.
        int mnt = OpenInRoot(ref ctx, dest, Interop.Libc.O_PATH);
        if (mnt < 0) { *step = FailStep.Resolve; return -mnt; }
        FdPath(targetPath, mnt);
        if ((mf & MountOpFlags.Proc) != 0 && !IsFs(mnt, StatfsBuf.PROC_SUPER_MAGIC)) { Raw.Close(mnt); *step = FailStep.NotProc; return Errno.EINVAL; }

        if ((mf & MountOpFlags.Remount) != 0)
        {
            ulong re = (flags & ~(K.MS_REC | K.MS_SHARED | K.MS_SLAVE | K.MS_PRIVATE | K.MS_UNBINDABLE)) | K.MS_REMOUNT | K.MS_BIND;
            if (Raw.Mount(null, targetPath, null, re, null) != 0)
            {
                // In a user namespace flags the kernel locked on the source (nosuid, nodev, noexec...) must be kept.
                int e = Raw.Errno;
                if (e != Errno.EPERM || Raw.Mount(null, targetPath, null, re | LockedFlags(mnt), null) != 0)
                {
                    e = Raw.Errno;
                    Raw.Close(mnt);
                    *step = FailStep.Remount;
                    return e;
                }
            }
        }
        if (op->F != 0)
        {
            ulong prop = (ulong)op->F;
            ulong rec = prop & K.MS_REC;
            for (int bit = 0; bit < 4; bit++)
            {
                ulong p = bit switch { 0 => K.MS_SHARED, 1 => K.MS_SLAVE, 2 => K.MS_PRIVATE, _ => K.MS_UNBINDABLE };
                if ((prop & p) == 0) continue;
                if (Raw.Mount(null, targetPath, null, p | rec, null) != 0)
                {
                    int e = Raw.Errno;
                    Raw.Close(mnt);
                    *step = FailStep.Propagation;
                    return e;
                }
            }
        }
        if (op->G != 0 || op->H != 0)
        {
            int e = SetAttr(mnt, (ulong)op->G, (ulong)op->H, true);
            if (e != 0) { Raw.Close(mnt); *step = FailStep.SetAttr; return e; }
        }
        Raw.Close(mnt);
        return 0;
    }

    private static bool IsFs(int fd, long magic)
    {
        StatfsBuf st;
        return Raw.Fstatfs(fd, &st) == 0 && st.Type == magic;
    }

    private static ulong LockedFlags(int fd)
    {
        StatfsBuf st;
        if (Raw.Fstatfs(fd, &st) != 0) return 0;
        ulong f = 0;
        if ((st.Flags & StatfsBuf.ST_RDONLY) != 0) f |= K.MS_RDONLY;
        if ((st.Flags & StatfsBuf.ST_NOSUID) != 0) f |= K.MS_NOSUID;
        if ((st.Flags & StatfsBuf.ST_NODEV) != 0) f |= K.MS_NODEV;
        if ((st.Flags & StatfsBuf.ST_NOEXEC) != 0) f |= K.MS_NOEXEC;
        if ((st.Flags & StatfsBuf.ST_NOATIME) != 0) f |= K.MS_NOATIME;
        if ((st.Flags & StatfsBuf.ST_NODIRATIME) != 0) f |= K.MS_NODIRATIME;
        if ((st.Flags & StatfsBuf.ST_RELATIME) != 0) f |= K.MS_RELATIME;
        return f;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    private static int SetAttr(int fd, ulong set, ulong clear, bool recursive)
    {
        MountAttr a;
        a.AttrSet = set;
        a.AttrClr = clear;
        a.Propagation = 0;
        a.UsernsFd = 0;
        long flags = Interop.Libc.AT_EMPTY_PATH | (recursive ? K.AT_RECURSIVE : 0);
        return Raw.Syscall(SysNr.MountSetattr, fd, (long)EmptyPtr(), flags, (long)&a, sizeof(MountAttr), 0) == 0 ? 0 : Raw.Errno;
    }

    private static byte* EmptyPtr() => "\0"u8.AsPointer();

    /// <summary>Clone the mount (or file) at srcFd and attach it on top of targetFd, all by fd: no path to race.</summary>
    private static int BindFdOnFd(int srcFd, int targetFd, bool recursive, ulong attrSet)
    {
        long flags = K.OPEN_TREE_CLONE | K.OPEN_TREE_CLOEXEC | Interop.Libc.AT_EMPTY_PATH | (recursive ? K.AT_RECURSIVE : 0);
        long tree = Raw.Syscall(SysNr.OpenTree, srcFd, (long)EmptyPtr(), flags, 0, 0, 0);
        if (tree < 0) return Raw.Errno;
        if (attrSet != 0)
        {
            int e = SetAttr((int)tree, attrSet, 0, recursive);
            if (e != 0) { Raw.Close((int)tree); return e; }
        }
        long r = Raw.Syscall(SysNr.MoveMount, tree, (long)EmptyPtr(), targetFd, (long)EmptyPtr(),
            K.MOVE_MOUNT_F_EMPTY_PATH | K.MOVE_MOUNT_T_EMPTY_PATH, 0);
        int err = r == 0 ? 0 : Raw.Errno;
        Raw.Close((int)tree);
        return err;
    }

    private static int Mknod(ref Ctx ctx, PlanOp* op, int* step)
    {
        byte* path = S(ref ctx, op->A);
        uint mode = (uint)op->B;
        if ((op->Flags & 1) != 0)
        {
            // Inside a user namespace mknod is not allowed: bind the host's node instead (runc does the same).
            int e = EnsureFileInRoot(ref ctx, path, step);
            if (e != 0) return e;
            int target = OpenInRoot(ref ctx, path, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW);
            if (target < 0) { *step = FailStep.Resolve; return -target; }
            byte* tp = stackalloc byte[32];
            FdPath(tp, target);
            int rc = Raw.Mount(S(ref ctx, op->F), tp, null, K.MS_BIND, null);
            e = rc == 0 ? 0 : Raw.Errno;
            Raw.Close(target);
            return e;
        }

        byte* parentPath = ctx.Scratch + ctx.ScratchSize / 2;
        byte* name = SplitLast(path, parentPath);
        int dir = MkdirAllInRoot(ref ctx, parentPath, 0755, step);
        if (dir < 0) return -dir;
        int dfd = DirFdForPath(dir);
        int err = 0;
        if (Raw.MknodAt(dfd, name, mode, (ulong)op->C) != 0)
        {
            err = Raw.Errno;
            if (err == Errno.EEXIST)
            {
                // An existing node must be the same device, never a symlink or a file (CVE-2025-31133).
                StatBuf st;
                if (Raw.FstatAt(dfd, name, &st, Interop.Libc.AT_SYMLINK_NOFOLLOW) == 0 && (st.Mode & StatBuf.S_IFMT) == (mode & StatBuf.S_IFMT) && st.Rdev == (ulong)op->C)
                    err = 0;
                else
                    *step = FailStep.Verify;
            }
        }
        if (err == 0 && Raw.FchownAt(dfd, name, (uint)op->D, (uint)op->E, Interop.Libc.AT_SYMLINK_NOFOLLOW) != 0)
        {
            err = Raw.Errno;
            *step = FailStep.Chown;
        }
        CloseBoth(dfd, dir);
        return err;
    }

    private static int Symlink(ref Ctx ctx, byte* link, byte* target, int* step)
    {
        byte* parentPath = ctx.Scratch + ctx.ScratchSize / 2;
        byte* name = SplitLast(link, parentPath);
        int dir = MkdirAllInRoot(ref ctx, parentPath, 0755, step);
        if (dir < 0) return -dir;
        int dfd = DirFdForPath(dir);
        int err = Raw.SymlinkAt(target, dfd, name) == 0 || Raw.Errno == Errno.EEXIST ? 0 : Raw.Errno;
        CloseBoth(dfd, dir);
        return err;
    }

    private static int PivotRoot(ref Ctx ctx, int* step)
    {
        int oldRoot = Raw.OpenAt(Interop.Libc.AT_FDCWD, "/\0"u8.AsPointer(), Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY | Interop.Libc.O_CLOEXEC, 0);
        if (oldRoot < 0) return Raw.Errno;
        if (Raw.Fchdir(ctx.RootFd) != 0) { int e = Raw.Errno; Raw.Close(oldRoot); return e; }
        byte* dot = DotPtr();
        // pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only the container.
        if (Raw.Syscall(SysNr.PivotRoot, (long)dot, (long)dot, 0, 0, 0, 0) != 0) { int e = Raw.Errno; Raw.Close(oldRoot); return e; }
        if (Raw.Fchdir(oldRoot) != 0) { int e = Raw.Errno; Raw.Close(oldRoot); *step = FailStep.Umount; return e; }
        Raw.Close(oldRoot);
        // The old root must not propagate our unmount to the host.
        if (Raw.Mount(null, dot, null, K.MS_SLAVE | K.MS_REC, null) != 0) { *step = FailStep.Propagation; return Raw.Errno; }
        if (Raw.Umount2(dot, K.MNT_DETACH) != 0) { *step = FailStep.Umount; return Raw.Errno; }
        if (Raw.Chdir("/\0"u8.AsPointer()) != 0) return Raw.Errno;
        Raw.Close(ctx.RootFd);
        ctx.RootFd = -1;
        return 0;
    }

    private static int ChrootNoPivot(ref Ctx ctx, int* step)
    {
        if (Raw.Fchdir(ctx.RootFd) != 0) return Raw.Errno;
        byte* dot = DotPtr();
        if (Raw.Mount(dot, "/\0"u8.AsPointer(), null, K.MS_MOVE, null) != 0) return Raw.Errno;
        if (Raw.Chroot(dot) != 0) { *step = FailStep.Umount; return Raw.Errno; }
        if (Raw.Chdir("/\0"u8.AsPointer()) != 0) return Raw.Errno;
        Raw.Close(ctx.RootFd);
        ctx.RootFd = -1;
        return 0;
    }

    private static int MaskPath(byte* path, int* step)
    {
        int target = Raw.OpenAt(Interop.Libc.AT_FDCWD, path, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC, 0);
        if (target < 0) return Raw.Errno == Errno.ENOENT ? 0 : Raw.Errno;
        StatBuf st;
        if (Raw.Fstat(target, &st) != 0) { int e = Raw.Errno; Raw.Close(target); return e; }
        int err;
        if (st.IsDir)
        {
            // A read-only, empty tmpfs hides a directory.
            err = MountReadonlyTmpfs(target);
        }
        else
        {
            // Files are covered by /dev/null, but only the real one: char 1:3, checked on the fd we mount from.
            int devnull = Raw.OpenAt(Interop.Libc.AT_FDCWD, "/dev/null\0"u8.AsPointer(), Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC, 0);
            if (devnull < 0) { err = Raw.Errno; *step = FailStep.NotDevNull; Raw.Close(target); return err; }
            StatBuf dn;
            if (Raw.Fstat(devnull, &dn) != 0 || !dn.IsChar || StatBuf.Major(dn.Rdev) != 1 || StatBuf.Minor(dn.Rdev) != 3)
            {
                Raw.Close(devnull);
                Raw.Close(target);
                *step = FailStep.NotDevNull;
                return Errno.EINVAL;
            }
            // runc leaves the /dev/null bind read-write; writes to it are discarded anyway.
            err = BindFdOnFd(devnull, target, false, 0);
            Raw.Close(devnull);
        }
        Raw.Close(target);
        return err;
    }

    private static int MountReadonlyTmpfs(int targetFd)
    {
        long fs = Raw.Syscall(SysNr.Fsopen, (long)"tmpfs\0"u8.AsPointer(), K.FSOPEN_CLOEXEC, 0, 0, 0, 0);
        if (fs < 0) return Raw.Errno;
        // Same look as runc's mount("tmpfs", path, "tmpfs", MS_RDONLY): source "tmpfs", read-only superblock.
        if (Raw.Syscall(SysNr.Fsconfig, fs, K.FSCONFIG_SET_STRING, (long)"source"u8.AsPointer(), (long)"tmpfs"u8.AsPointer(), 0, 0) != 0 ||
            Raw.Syscall(SysNr.Fsconfig, fs, K.FSCONFIG_SET_FLAG, (long)"ro"u8.AsPointer(), 0, 0, 0) != 0 ||
            Raw.Syscall(SysNr.Fsconfig, fs, K.FSCONFIG_CMD_CREATE, 0, 0, 0, 0) != 0) { int e = Raw.Errno; Raw.Close((int)fs); return e; }
        long mnt = Raw.Syscall(SysNr.Fsmount, fs, K.FSMOUNT_CLOEXEC, (long)K.MOUNT_ATTR_RDONLY, 0, 0, 0);
        int err = mnt < 0 ? Raw.Errno : 0;
        Raw.Close((int)fs);
        if (err != 0) return err;
        long r = Raw.Syscall(SysNr.MoveMount, mnt, (long)EmptyPtr(), targetFd, (long)EmptyPtr(), K.MOVE_MOUNT_F_EMPTY_PATH | K.MOVE_MOUNT_T_EMPTY_PATH, 0);
        err = r == 0 ? 0 : Raw.Errno;
        Raw.Close((int)mnt);
        return err;
    }

    private static int ReadonlyPath(byte* path, int* step)
    {
        int target = Raw.OpenAt(Interop.Libc.AT_FDCWD, path, Interop.Libc.O_PATH | Interop.Libc.O_CLOEXEC, 0);
        if (target < 0) return Raw.Errno == Errno.ENOENT ? 0 : Raw.Errno;
        int err = BindFdOnFd(target, target, true, K.MOUNT_ATTR_RDONLY);
        Raw.Close(target);
        return err;
    }

    private static int RemountRootReadonly(int* step)
    {
        byte* root = "/\0"u8.AsPointer();
        ulong flags = K.MS_BIND | K.MS_REMOUNT | K.MS_RDONLY;
        if (Raw.Mount(null, root, null, flags, null) == 0) return 0;
        int e = Raw.Errno;
        if (e != Errno.EPERM) return e;
        int fd = Raw.OpenAt(Interop.Libc.AT_FDCWD, root, Interop.Libc.O_PATH | Interop.Libc.O_CLOEXEC, 0);
        ulong locked = fd >= 0 ? LockedFlags(fd) : 0;
        if (fd >= 0) Raw.Close(fd);
        return Raw.Mount(null, root, null, flags | locked, null) == 0 ? 0 : Raw.Errno;
    }

    /// <summary>Write to procfs through the parent's verified /proc fd, never a path the container could redirect (CVE-2025-52881).</summary>
    private static int WriteProc(ref Ctx ctx, byte* relPath, byte* value, int* step)
    {
        int fd = Openat2(ctx.ProcFd, relPath, Interop.Libc.O_WRONLY, K.RESOLVE_BENEATH | K.RESOLVE_NO_MAGICLINKS);
        if (fd < 0) { *step = FailStep.Open; return -fd; }
        if (!IsFs(fd, StatfsBuf.PROC_SUPER_MAGIC)) { Raw.Close(fd); *step = FailStep.NotProc; return Errno.EINVAL; }
        nint len = StrLen(value);
        nint n = Raw.Write(fd, value, len);
        int err = n == len ? 0 : n < 0 ? Raw.Errno : Errno.EIO;
        Raw.Close(fd);
        return err;
    }

    // ---- process ------------------------------------------------------------------------------------------

    private static int ResolveExec(ref Ctx ctx, PlanOp* op, int* step)
    {
        long* candidates = (long*)S(ref ctx, op->B);
        int lastErr = Errno.ENOENT;
        bool search = (op->Flags & 1) != 0;
        for (int i = 0; i < (int)op->A; i++)
        {
            byte* path = S(ref ctx, candidates[i]);
            StatBuf st;
            if (Raw.FstatAt(Interop.Libc.AT_FDCWD, path, &st, 0) != 0)
            {
                lastErr = Raw.Errno;
                continue;
            }
            if (!st.IsDir && (st.Mode & 0x49) != 0)
            {
                ctx.ExecPath = path;
                return 0;
            }
            lastErr = Errno.EACCES;
        }
        if (search) { *step = FailStep.NotFound; return Errno.ENOENT; }
        *step = lastErr == Errno.EACCES ? FailStep.NotExecutable : FailStep.Main;
        return lastErr;
    }

    private static int Console(ref Ctx ctx, PlanOp* op, int* step)
    {
        int master = Raw.OpenAt(Interop.Libc.AT_FDCWD, "/dev/ptmx\0"u8.AsPointer(), Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY | Interop.Libc.O_CLOEXEC, 0);
        if (master < 0) { *step = FailStep.Open; return Raw.Errno; }
        if (!IsFs(master, StatfsBuf.DEVPTS_SUPER_MAGIC)) { Raw.Close(master); *step = FailStep.Verify; return Errno.EINVAL; }
        int unlock = 0;
        if (Raw.Ioctl(master, K.TIOCSPTLCK, (long)&unlock) != 0) { int e = Raw.Errno; Raw.Close(master); return e; }
        // TIOCGPTPEER opens the peer through the master itself: no /dev/pts/N path lookup (CVE-2025-52565).
        int slave = Raw.Ioctl(master, K.TIOCGPTPEER, Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY | Interop.Libc.O_CLOEXEC);
        if (slave < 0) { int e = Raw.Errno; Raw.Close(master); *step = FailStep.PeerPty; return e; }
        if (op->B > 0 || op->C > 0)
        {
            ushort* ws = stackalloc ushort[4];
            ws[0] = (ushort)op->B; ws[1] = (ushort)op->C; ws[2] = 0; ws[3] = 0;
            Raw.Ioctl(slave, K.TIOCSWINSZ, (long)ws);
        }
        if ((op->Flags & 1) != 0)
        {
            // /dev/console: a fresh file created without following symlinks, then the pty bound on it by fd.
            int dev = Raw.OpenAt(Interop.Libc.AT_FDCWD, "/dev\0"u8.AsPointer(), Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC, 0);
            if (dev < 0) { int e = Raw.Errno; Raw.Close(master); Raw.Close(slave); *step = FailStep.CreateTarget; return e; }
            byte* name = "console\0"u8.AsPointer();
            if (Raw.MknodAt(dev, name, StatBuf.S_IFREG | 0600, 0) != 0 && Raw.Errno != Errno.EEXIST)
            { int e = Raw.Errno; Raw.Close(dev); Raw.Close(master); Raw.Close(slave); *step = FailStep.CreateTarget; return e; }
            int console = Raw.OpenAt(dev, name, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC, 0);
            Raw.Close(dev);
            StatBuf cst;
            if (console < 0 || Raw.Fstat(console, &cst) != 0 || (cst.Mode & StatBuf.S_IFMT) == StatBuf.S_IFLNK)
            { if (console >= 0) Raw.Close(console); Raw.Close(master); Raw.Close(slave); *step = FailStep.Verify; return Errno.EINVAL; }
            int e2 = BindFdOnFd(slave, console, false, 0);
            Raw.Close(console);
            if (e2 != 0) { Raw.Close(master); Raw.Close(slave); *step = FailStep.CreateTarget; return e2; }
        }
        int serr = SendFd((int)op->A, master);
        Raw.Close(master);
        Raw.Close((int)op->A);
        if (serr != 0) { Raw.Close(slave); *step = FailStep.Send; return serr; }
        for (int fd = 0; fd < 3; fd++)
            if (Raw.Dup3(slave, fd, 0) < 0) { int e = Raw.Errno; Raw.Close(slave); return e; }
        Raw.Close(slave);
        if (Raw.Ioctl(0, K.TIOCSCTTY, 0) != 0) return Raw.Errno;
        return 0;
    }

    /// <summary>One message: the name payload "/dev/ptmx" plus the fd in SCM_RIGHTS (the runc console-socket protocol).</summary>
    private static int SendFd(int sock, int fd) => SendWithFd(sock, "/dev/ptmx"u8.AsPointer(), 9, fd);

    /// <summary>One message of <paramref name="len"/> bytes with <paramref name="fd"/> in SCM_RIGHTS.</summary>
    private static int SendWithFd(int sock, void* payload, int len, int fd)
    {
        IoVec iov;
        iov.Base = payload;
        iov.Len = len;
        long* control = stackalloc long[ScmRights.Space / 8];
        ScmRights.Write(control, fd);
        MsgHdr msg;
        msg.Name = null;
        msg.NameLen = 0;
        msg.Iov = &iov;
        msg.IovLen = 1;
        msg.Control = control;
        msg.ControlLen = ScmRights.Space;
        msg.Flags = 0;
        nint n;
        do n = Raw.Sendmsg(sock, &msg, 0); while (n < 0 && Raw.Errno == Errno.EINTR);
        return n < 0 ? Raw.Errno : 0;
    }

    private static int WaitStart(int fifo)
    {
        byte b;
        nint n;
        do n = Raw.Read(fifo, &b, 1); while (n < 0 && Raw.Errno == Errno.EINTR);
        if (n != 1) return n < 0 ? Raw.Errno : Errno.EPIPE;
        Raw.Close(fifo);
        return 0;
    }

    private static int RunHook(ref Ctx ctx, PlanOp* op, int* step)
    {
        int* pipe = stackalloc int[2];
        if (Raw.Pipe2(pipe, Interop.Libc.O_CLOEXEC) != 0) { *step = FailStep.Fork; return Raw.Errno; }
        byte** argv = (byte**)ToPointerArray(ref ctx, op->B);
        byte** envp = (byte**)ToPointerArray(ref ctx, op->C);
        byte* path = S(ref ctx, op->A);
        long pid = Raw.Syscall(SysNr.Clone, K.SIGCHLD, 0, 0, 0, 0, 0);
        if (pid < 0) { int e = Raw.Errno; Raw.Close(pipe[0]); Raw.Close(pipe[1]); *step = FailStep.Fork; return e; }
        if (pid == 0)
        {
            Raw.Dup3(pipe[0], 0, 0);
            ulong* empty = stackalloc ulong[16];
            for (int i = 0; i < 16; i++) empty[i] = 0;
            Raw.Sigprocmask(K.SIG_SETMASK, empty, null);
            Raw.Execve(path, argv, envp);
            Raw.ExitGroup(127);
        }
        Raw.Close(pipe[0]);
        byte* state = ctx.Base + ctx.Header->StateOffset;
        int len = *(int*)state;
        // The hook may not read its stdin; a full pipe or EPIPE must not stop us.
        Raw.Fcntl(pipe[1], K.F_SETFL, Interop.Libc.O_NONBLOCK);
        Raw.Write(pipe[1], state + 4, len);
        Raw.Close(pipe[1]);
        return WaitChild((int)pid, (int)op->D, step);
    }

    private static int WaitChild(int pid, int timeoutSeconds, int* step)
    {
        if (timeoutSeconds > 0)
        {
            long pidfd = Raw.Syscall(SysNr.PidfdOpen, pid, 0, 0, 0, 0, 0);
            if (pidfd >= 0)
            {
                PollFd p;
                p.Fd = (int)pidfd;
                p.Events = K.POLLIN;
                p.Revents = 0;
                int r;
                do r = Raw.Poll(&p, 1, timeoutSeconds * 1000); while (r < 0 && Raw.Errno == Errno.EINTR);
                Raw.Close((int)pidfd);
                if (r == 0)
                {
                    Raw.Kill(pid, K.SIGKILL);
                    int ignored;
                    Raw.Wait4(pid, &ignored, 0, null);
                    *step = FailStep.Timeout;
                    return Errno.ETIMEDOUT;
                }
            }
        }
        int status;
        int w;
        do w = Raw.Wait4(pid, &status, 0, null); while (w < 0 && Raw.Errno == Errno.EINTR);
        if (w < 0) return Raw.Errno;
        if (status != 0)
        {
            *step = FailStep.HookStatus;
            // Exit status in the low byte of errno's slot, signal (if any) in the next: the parent decodes it.
            return (status & 0x7f) == 0 ? ((status >> 8) & 0xff) | 0x10000 : (status & 0x7f) | 0x20000;
        }
        return 0;
    }

    /// <summary>Turns a NULL-terminated array of data offsets into pointers, in place (the child's copy of the plan).</summary>
    private static long* ToPointerArray(ref Ctx ctx, long offset)
    {
        long* arr = (long*)S(ref ctx, offset);
        if (arr == null) return null;
        for (int i = 0; arr[i] != 0; i++) arr[i] = (long)(ctx.Data + arr[i]);
        return arr;
    }

    private static int DropBounding(ulong keep, int lastCap, int* step)
    {
        for (int cap = 0; cap <= lastCap && cap < 64; cap++)
        {
            if ((keep & (1UL << cap)) != 0) continue;
            if (Raw.Prctl(K.PR_CAPBSET_DROP, (ulong)cap, 0, 0, 0) != 0 && Raw.Errno != Errno.EINVAL) return Raw.Errno;
        }
        return 0;
    }

    private static int Capset(ulong effective, ulong permitted, ulong inheritable)
    {
        // _LINUX_CAPABILITY_VERSION_3 with two 32-bit data words per set.
        uint* header = stackalloc uint[2];
        header[0] = 0x20080522;
        header[1] = 0;
        uint* data = stackalloc uint[6];
        data[0] = (uint)effective; data[1] = (uint)permitted; data[2] = (uint)inheritable;
        data[3] = (uint)(effective >> 32); data[4] = (uint)(permitted >> 32); data[5] = (uint)(inheritable >> 32);
        return Raw.Syscall(SysNr.Capset, (long)header, (long)data, 0, 0, 0, 0) == 0 ? 0 : Raw.Errno;
    }

    private static int Seccomp(ref Ctx ctx, PlanOp* op, int* step)
    {
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
        long* prog = stackalloc long[2];
        prog[0] = op->B;
        prog[1] = (long)S(ref ctx, op->A);
        long r = Raw.Syscall(SysNr.Seccomp, K.SECCOMP_SET_MODE_FILTER, op->C, (long)prog, 0, 0, 0);
        if (r < 0) return Raw.Errno;
        if (op->D == 0) return 0;
        // SECCOMP_FILTER_FLAG_NEW_LISTENER returned the notify fd. The parent passes it to the agent with the
        // container's state (runc's procSeccomp); until it says so, nothing may run that the filter could notify
        // on with nobody listening, so wait for its Continue. Everything from here on already goes through the filter.
        if (r <= 0) { *step = FailStep.Send; return Errno.EBADF; }
        SyncRecord rec;
        rec.Type = SyncMessage.SeccompListener;
        rec.Op = 0;
        rec.Step = 0;
        rec.Errno = 0;
        int e = SendWithFd(ctx.SyncFd, &rec, sizeof(SyncRecord), (int)r);
        if (e != 0) { Raw.Close((int)r); *step = FailStep.Send; return e; }
        SyncWait(ref ctx); // exits when the parent gave up (closed the socket) instead
        Raw.Close((int)r);
        return 0;
    }

    private static int Execve(ref Ctx ctx, PlanOp* op)
    {
        byte** argv = (byte**)ToPointerArray(ref ctx, op->A);
        byte** envp = (byte**)ToPointerArray(ref ctx, op->B);
        // execve keeps the signal mask: the parent blocked everything around clone, the workload starts clean.
        ulong* empty = stackalloc ulong[16];
        for (int i = 0; i < 16; i++) empty[i] = 0;
        Raw.Sigprocmask(K.SIG_SETMASK, empty, null);
        Raw.Execve(ctx.ExecPath, argv, envp);
        return Raw.Errno;
    }

    private static int StrLen(byte* s)
    {
        if (s == null) return 0;
        int n = 0;
        while (s[n] != 0) n++;
        return n;
    }
}

internal static unsafe class Utf8Extensions
{
    /// <summary>Address of a u8 literal (lives in the binary's read-only data, valid for the process's life).</summary>
    public static byte* AsPointer(this ReadOnlySpan<byte> literal) =>
        (byte*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(literal));
}
