using System.Runtime.InteropServices;
using Runc.Linux;
using Runc.Runtime.Init;

namespace Runc.Runtime.Launch;

/// <summary>
/// The one place nrunc clones (DESIGN §3). After clone3 only the calling thread exists in the child; if any
/// other thread of the parent had begun a GC, the child would wait for it forever at its first GC poll.
/// So the process must be effectively single-threaded here: the main thread plus the runtime's idle
/// finalizer thread, nothing else. We check that and refuse loudly instead of risking a hang.
/// </summary>
public static unsafe class ClonePoint
{
    [StructLayout(LayoutKind.Sequential)]
    private struct CloneArgs
    {
        public ulong Flags, PidFd, ChildTid, ParentTid, ExitSignal, Stack, StackSize, Tls, SetTid, SetTidSize, Cgroup;
    }

    /// <summary>
    /// Clone a child that runs <paramref name="plan"/> and never returns. <paramref name="cgroupFd"/> ≥ 0 places
    /// the child in that cgroup v2 directory atomically (CLONE_INTO_CGROUP). Returns the child's pid.
    /// </summary>
    public static int Spawn(NativePlan plan, ulong namespaceFlags, int cgroupFd = -1)
    {
        ThreadGuard.EnsureSafeToClone();

        // Signals stay blocked in the child until just before execve: no managed handler may run in it.
        // glibc's sigset_t is 128 bytes and glibc may copy all of it: give it whole ones.
        ulong* all = stackalloc ulong[16];
        ulong* old = stackalloc ulong[16];
        new Span<ulong>(all, 16).Fill(~0UL);
        Raw.Sigprocmask(K.SIG_SETMASK, all, old);

        CloneArgs args = default;
        args.Flags = namespaceFlags | (cgroupFd >= 0 ? K.CLONE_INTO_CGROUP : 0);
        args.ExitSignal = K.SIGCHLD;
        args.Cgroup = cgroupFd >= 0 ? (ulong)cgroupFd : 0;
        byte* planBase = plan.Base;

        long pid = Raw.Syscall(SysNr.Clone3, (long)&args, sizeof(CloneArgs), 0, 0, 0, 0);
        if (pid == 0)
        {
            ChildInit.Run(planBase); // never returns
        }
        int err = Raw.Errno;
        if (pid < 0 && err == Errno.ENOSYS && cgroupFd < 0)
        {
            // Kernels before 5.3: plain clone with fork semantics (no new stack).
            pid = Raw.Syscall(SysNr.Clone, (long)(namespaceFlags | K.SIGCHLD), 0, 0, 0, 0, 0);
            if (pid == 0) ChildInit.Run(planBase);
            err = Raw.Errno;
        }
        Raw.Sigprocmask(K.SIG_SETMASK, old, null);
        if (pid < 0) throw new SyscallException("clone", err);
        return (int)pid;
    }
}

/// <summary>Counts this process's threads before a clone; only the main thread and the idle finalizer may exist.</summary>
public static class ThreadGuard
{
    public static void EnsureSafeToClone()
    {
        // A finalizer that is running right now could be allocating: let it finish first. Without a GC so far
        // (the common case for a short CLI) there is nothing to finalize and this costs nothing.
        if (GC.CollectionCount(0) > 0) GC.WaitForPendingFinalizers();

        int threads = CountThreads();
        if (threads <= 2) return;
        var names = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try { names.Add(File.ReadAllText(Path.Combine(dir, "comm")).Trim()); } catch (IOException) { }
        }
        int unexpected = -1; // this thread
        foreach (var n in names)
            if (n != ".NET Finalizer") unexpected++;
        if (unexpected > 0)
            throw new RuncException($"refusing to clone: {threads} threads are running ({string.Join(", ", names)}); " +
                "a clone from a multithreaded .NET process can deadlock the child");
    }

    private static int CountThreads()
    {
        // Field 20 of /proc/self/stat is num_threads; it follows the comm field, which may contain spaces.
        string stat = File.ReadAllText("/proc/self/stat");
        int close = stat.LastIndexOf(')');
        var fields = stat.AsSpan(close + 2).ToString().Split(' ');
        return int.Parse(fields[17], System.Globalization.CultureInfo.InvariantCulture);
    }
}
