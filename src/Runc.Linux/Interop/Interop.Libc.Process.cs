using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
        public static partial int Waitpid(int pid, out int status, int options);

        [LibraryImport(Lib, EntryPoint = "getpid")]
        public static partial int Getpid();

        [LibraryImport(Lib, EntryPoint = "geteuid")]
        public static partial uint Geteuid();

        [LibraryImport(Lib, EntryPoint = "getegid")]
        public static partial uint Getegid();

        [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
        public static partial int Setns(int fd, int nstype);

        [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
        public static partial int Prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);

        [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
        public static unsafe partial int Poll(PollFd* fds, ulong nfds, int timeoutMs);

        [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
        public static partial long Syscall(long nr, long a, long b, long c, long d, long e, long f);

        [LibraryImport(Lib, EntryPoint = "signalfd", SetLastError = true)]
        public static unsafe partial int Signalfd(int fd, ulong* mask, int flags);

        [LibraryImport(Lib, EntryPoint = "sigprocmask", SetLastError = true)]
        public static unsafe partial int Sigprocmask(int how, ulong* set, ulong* oldset);

        [LibraryImport(Lib, EntryPoint = "isatty")]
        public static partial int Isatty(int fd);

        [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
        public static partial int Ioctl(int fd, ulong request, nint arg);

        /// <summary>pidfd_open(2): a handle on a process that cannot be confused with a reused pid.</summary>
        public static int PidfdOpen(int pid) => (int)Syscall(SysNr.PidfdOpen, pid, 0, 0, 0, 0, 0);

        public static int PidfdSendSignal(int pidfd, int sig) => (int)Syscall(SysNr.PidfdSendSignal, pidfd, sig, 0, 0, 0, 0);

        /// <summary>sched_setaffinity(2) on another process; <paramref name="mask"/> is a cpu_set_t of any length.</summary>
        public static unsafe int SchedSetaffinity(int pid, ReadOnlySpan<ulong> mask)
        {
            fixed (ulong* m = mask) return (int)Syscall(SysNr.SchedSetaffinity, pid, mask.Length * 8, (long)m, 0, 0, 0);
        }
    }
}
