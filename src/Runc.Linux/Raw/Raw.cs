using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Runc.Linux;

/// <summary>
/// The only calls allowed between clone and execve (DESIGN §3): libc entry points bound at link time
/// (DirectPInvoke), blittable arguments, no marshalling, no SetLastError, <see cref="SuppressGCTransitionAttribute"/>.
/// Anything glibc implements by signalling "all threads" (setuid family, setgroups) goes through raw
/// <c>syscall()</c>: in the child glibc still believes the parent's other threads exist and would wait for them.
/// Return values follow libc: -1 and <see cref="Errno"/> on failure.
/// </summary>
public static unsafe partial class Raw
{
    private const string Libc = "libc";

    [DllImport(Libc, EntryPoint = "__errno_location", ExactSpelling = true), SuppressGCTransition]
    private static extern int* ErrnoLocation();

    /// <summary>errno of the last failed call on this thread.</summary>
    public static int Errno
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => *ErrnoLocation();
    }

    [DllImport(Libc, EntryPoint = "syscall", ExactSpelling = true), SuppressGCTransition]
    public static extern long Syscall(long nr, long a, long b, long c, long d, long e, long f);

    [DllImport(Libc, EntryPoint = "read", ExactSpelling = true), SuppressGCTransition]
    public static extern nint Read(int fd, void* buf, nint count);

    [DllImport(Libc, EntryPoint = "write", ExactSpelling = true), SuppressGCTransition]
    public static extern nint Write(int fd, void* buf, nint count);

    [DllImport(Libc, EntryPoint = "close", ExactSpelling = true), SuppressGCTransition]
    public static extern int Close(int fd);

    [DllImport(Libc, EntryPoint = "openat", ExactSpelling = true), SuppressGCTransition]
    public static extern int OpenAt(int dirfd, byte* path, int flags, uint mode);

    [DllImport(Libc, EntryPoint = "dup3", ExactSpelling = true), SuppressGCTransition]
    public static extern int Dup3(int oldfd, int newfd, int flags);

    [DllImport(Libc, EntryPoint = "fcntl", ExactSpelling = true), SuppressGCTransition]
    public static extern int Fcntl(int fd, int cmd, long arg);

    [DllImport(Libc, EntryPoint = "mount", ExactSpelling = true), SuppressGCTransition]
    public static extern int Mount(byte* source, byte* target, byte* fstype, ulong flags, byte* data);

    [DllImport(Libc, EntryPoint = "umount2", ExactSpelling = true), SuppressGCTransition]
    public static extern int Umount2(byte* target, int flags);

    [DllImport(Libc, EntryPoint = "mkdirat", ExactSpelling = true), SuppressGCTransition]
    public static extern int MkdirAt(int dirfd, byte* path, uint mode);

    [DllImport(Libc, EntryPoint = "mknodat", ExactSpelling = true), SuppressGCTransition]
    public static extern int MknodAt(int dirfd, byte* path, uint mode, ulong dev);

    [DllImport(Libc, EntryPoint = "symlinkat", ExactSpelling = true), SuppressGCTransition]
    public static extern int SymlinkAt(byte* target, int dirfd, byte* linkpath);

    [DllImport(Libc, EntryPoint = "unlinkat", ExactSpelling = true), SuppressGCTransition]
    public static extern int UnlinkAt(int dirfd, byte* path, int flags);

    [DllImport(Libc, EntryPoint = "fchownat", ExactSpelling = true), SuppressGCTransition]
    public static extern int FchownAt(int dirfd, byte* path, uint uid, uint gid, int flags);

    [DllImport(Libc, EntryPoint = "fchmod", ExactSpelling = true), SuppressGCTransition]
    public static extern int Fchmod(int fd, uint mode);

    [DllImport(Libc, EntryPoint = "fstat", ExactSpelling = true), SuppressGCTransition]
    public static extern int Fstat(int fd, StatBuf* buf);

    [DllImport(Libc, EntryPoint = "fstatat", ExactSpelling = true), SuppressGCTransition]
    public static extern int FstatAt(int dirfd, byte* path, StatBuf* buf, int flags);

    [DllImport(Libc, EntryPoint = "fstatfs", ExactSpelling = true), SuppressGCTransition]
    public static extern int Fstatfs(int fd, StatfsBuf* buf);

    [DllImport(Libc, EntryPoint = "chdir", ExactSpelling = true), SuppressGCTransition]
    public static extern int Chdir(byte* path);

    [DllImport(Libc, EntryPoint = "fchdir", ExactSpelling = true), SuppressGCTransition]
    public static extern int Fchdir(int fd);

    [DllImport(Libc, EntryPoint = "chroot", ExactSpelling = true), SuppressGCTransition]
    public static extern int Chroot(byte* path);

    [DllImport(Libc, EntryPoint = "getcwd", ExactSpelling = true), SuppressGCTransition]
    public static extern byte* Getcwd(byte* buf, nint size);

    [DllImport(Libc, EntryPoint = "sethostname", ExactSpelling = true), SuppressGCTransition]
    public static extern int Sethostname(byte* name, nint len);

    [DllImport(Libc, EntryPoint = "setdomainname", ExactSpelling = true), SuppressGCTransition]
    public static extern int Setdomainname(byte* name, nint len);

    [DllImport(Libc, EntryPoint = "setns", ExactSpelling = true), SuppressGCTransition]
    public static extern int Setns(int fd, int nstype);

    [DllImport(Libc, EntryPoint = "unshare", ExactSpelling = true), SuppressGCTransition]
    public static extern int Unshare(int flags);

    [DllImport(Libc, EntryPoint = "setsid", ExactSpelling = true), SuppressGCTransition]
    public static extern int Setsid();

    [DllImport(Libc, EntryPoint = "ioctl", ExactSpelling = true), SuppressGCTransition]
    public static extern int Ioctl(int fd, ulong request, long arg);

    [DllImport(Libc, EntryPoint = "prctl", ExactSpelling = true), SuppressGCTransition]
    public static extern int Prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);

    [DllImport(Libc, EntryPoint = "prlimit", ExactSpelling = true), SuppressGCTransition]
    public static extern int Prlimit(int pid, int resource, ulong* newLimit, ulong* oldLimit);

    [DllImport(Libc, EntryPoint = "umask", ExactSpelling = true), SuppressGCTransition]
    public static extern uint Umask(uint mask);

    [DllImport(Libc, EntryPoint = "personality", ExactSpelling = true), SuppressGCTransition]
    public static extern int Personality(ulong persona);

    [DllImport(Libc, EntryPoint = "sendmsg", ExactSpelling = true), SuppressGCTransition]
    public static extern nint Sendmsg(int fd, MsgHdr* msg, int flags);

    [DllImport(Libc, EntryPoint = "kill", ExactSpelling = true), SuppressGCTransition]
    public static extern int Kill(int pid, int sig);

    [DllImport(Libc, EntryPoint = "execve", ExactSpelling = true), SuppressGCTransition]
    public static extern int Execve(byte* path, byte** argv, byte** envp);

    [DllImport(Libc, EntryPoint = "wait4", ExactSpelling = true), SuppressGCTransition]
    public static extern int Wait4(int pid, int* status, int options, void* rusage);

    [DllImport(Libc, EntryPoint = "poll", ExactSpelling = true), SuppressGCTransition]
    public static extern int Poll(PollFd* fds, ulong nfds, int timeoutMs);

    [DllImport(Libc, EntryPoint = "sigprocmask", ExactSpelling = true), SuppressGCTransition]
    public static extern int Sigprocmask(int how, ulong* set, ulong* oldset);

    [DllImport(Libc, EntryPoint = "pipe2", ExactSpelling = true), SuppressGCTransition]
    public static extern int Pipe2(int* fds, int flags);

    [DllImport(Libc, EntryPoint = "getpid", ExactSpelling = true), SuppressGCTransition]
    public static extern int Getpid();

    /// <summary>exit_group(2) directly: no atexit handlers, no stdio flush, nothing of the parent's runtime runs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ExitGroup(int code)
    {
        Syscall(SysNr.ExitGroup, code, 0, 0, 0, 0, 0);
    }
}

[StructLayout(LayoutKind.Sequential)]
public struct PollFd { public int Fd; public short Events; public short Revents; }

[StructLayout(LayoutKind.Sequential)]
public unsafe struct IoVec { public void* Base; public nint Len; }

[StructLayout(LayoutKind.Sequential)]
public unsafe struct MsgHdr
{
    public void* Name; public uint NameLen; public IoVec* Iov; public nint IovLen;
    public void* Control; public nint ControlLen; public int Flags;
}

/// <summary>struct stat for x86_64 and aarch64 glibc (both use the generic 144/128-byte layouts; fields used are portable).</summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
public struct StatBuf
{
#if TARGET_ARM64
    [FieldOffset(0)] public ulong Dev; [FieldOffset(8)] public ulong Ino; [FieldOffset(16)] public uint Mode; [FieldOffset(20)] public uint Nlink;
    [FieldOffset(24)] public uint Uid; [FieldOffset(28)] public uint Gid; [FieldOffset(32)] public ulong Rdev; [FieldOffset(48)] public long Size;
#else
    [FieldOffset(0)] public ulong Dev; [FieldOffset(8)] public ulong Ino; [FieldOffset(16)] public ulong Nlink; [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid; [FieldOffset(32)] public uint Gid; [FieldOffset(40)] public ulong Rdev; [FieldOffset(48)] public long Size;
#endif
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFREG = 0x8000,
        S_IFIFO = 0x1000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;
    public readonly bool IsDir => (Mode & S_IFMT) == S_IFDIR;
    public readonly bool IsChar => (Mode & S_IFMT) == S_IFCHR;
    public readonly bool IsRegular => (Mode & S_IFMT) == S_IFREG;
    public static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
    public static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
    public static ulong Makedev(ulong major, ulong minor) =>
        ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff);
}

/// <summary>struct statfs (64-bit): f_type first, f_flags at the end.</summary>
[StructLayout(LayoutKind.Explicit, Size = 120)]
public struct StatfsBuf
{
    [FieldOffset(0)] public long Type;
    [FieldOffset(88)] public long Flags;
    public const long PROC_SUPER_MAGIC = 0x9fa0, SYSFS_MAGIC = 0x62656572, DEVPTS_SUPER_MAGIC = 0x1cd1, TMPFS_MAGIC = 0x01021994,
        CGROUP_SUPER_MAGIC = 0x27e0eb, CGROUP2_SUPER_MAGIC = 0x63677270;
    // ST_* bits reported in f_flags (statvfs flags), used to keep locked mount flags on remount.
    public const long ST_RDONLY = 1, ST_NOSUID = 2, ST_NODEV = 4, ST_NOEXEC = 8, ST_SYNCHRONOUS = 16, ST_MANDLOCK = 64,
        ST_NOATIME = 1024, ST_NODIRATIME = 2048, ST_RELATIME = 4096;
}
