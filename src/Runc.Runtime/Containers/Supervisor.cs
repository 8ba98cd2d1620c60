using System.Runtime.CompilerServices;
using Runc.Linux;

namespace Runc.Runtime.Containers;

/// <summary>
/// Foreground `run`/`exec`: forward every catchable signal to the container process and reap children
/// (nrunc is their subreaper), until that process exits. One thread, a signalfd, no .NET signal machinery:
/// its handler thread would break the clone point for hooks that still have to run afterwards.
/// </summary>
public static unsafe class Supervisor
{
    private const int SFD_CLOEXEC = 0x80000;

    public static int WaitForwarding(int pid, TerminalProxy? terminal = null)
    {
        // glibc's sigset_t is 128 bytes and glibc may copy all of it: give it a whole one.
        ulong* mask = stackalloc ulong[16];
        new Span<ulong>(mask, 16).Clear();
        mask[0] = ~0UL & ~(1UL << (K.SIGKILL - 1)) & ~(1UL << (K.SIGSTOP - 1));
        BlockEverywhere(mask[0]);
        int sfd = Interop.Libc.Signalfd(-1, mask, SFD_CLOEXEC);
        if (sfd < 0) throw SyscallException.Last("signalfd");
        using var fd = new SafeFd(sfd);
        byte* info = stackalloc byte[128]; // struct signalfd_siginfo
        PollFd* fds = stackalloc PollFd[3];
        bool stdinOpen = true, masterOpen = true;
        // A container still running after TrimAfterMs is a long-lived one: shed what starting it needed (MemoryTrim);
        // short ones (run /bin/true) never pay for that.
        bool trimmed = false;
        while (true)
        {
            if (Reap(pid) is int status)
            {
                // Drain what the container wrote last.
                if (terminal?.Master is { } m) while (masterOpen && Readable(m.Fd) && TerminalProxy.Pump(m.Fd, 1)) { }
                return status;
            }
            if (terminal?.Master is { } master)
            {
                int count = 0;
                fds[count++] = new PollFd { Fd = sfd, Events = K.POLLIN };
                if (masterOpen) fds[count++] = new PollFd { Fd = master.Fd, Events = K.POLLIN };
                if (stdinOpen) fds[count++] = new PollFd { Fd = 0, Events = K.POLLIN };
                int r = Interop.Libc.Poll(fds, (ulong)count, trimmed ? -1 : TrimAfterMs);
                if (r < 0 && Errno.Last == Errno.EINTR) continue;
                if (r == 0) { MemoryTrim.Release(); trimmed = true; continue; }
                for (int i = 1; i < count; i++)
                {
                    if ((fds[i].Revents & (K.POLLIN | K.POLLHUP)) == 0) continue;
                    if (fds[i].Fd == master.Fd) masterOpen = TerminalProxy.Pump(master.Fd, 1);
                    else stdinOpen = TerminalProxy.Pump(0, master.Fd);
                }
                if ((fds[0].Revents & K.POLLIN) == 0) continue;
            }
            else if (!trimmed && QuietFor(sfd, TrimAfterMs))
            {
                MemoryTrim.Release();
                trimmed = true;
                continue;
            }
            nint n = Interop.Libc.Read(sfd, info, 128);
            if (n < 0)
            {
                if (Errno.Last == Errno.EINTR) continue;
                throw SyscallException.Last("read signalfd");
            }
            int signo = *(int*)info;
            if (signo == K.SIGWINCH) { terminal?.Resize(); continue; }
            if (signo == K.SIGCHLD) continue;
            Interop.Libc.Kill(pid, signo);
        }
    }

    private const int TrimAfterMs = 200;

    private static bool Readable(int fd)
    {
        PollFd p = new() { Fd = fd, Events = K.POLLIN };
        return Interop.Libc.Poll(&p, 1, 0) > 0 && (p.Revents & K.POLLIN) != 0;
    }

    /// <summary>True only when <paramref name="fd"/> stayed without input for <paramref name="timeoutMs"/>.</summary>
    private static bool QuietFor(int fd, int timeoutMs)
    {
        PollFd p = new() { Fd = fd, Events = K.POLLIN };
        return Interop.Libc.Poll(&p, 1, timeoutMs) == 0;
    }

    /// <summary>Reap every exited child; the status of <paramref name="pid"/> if it was among them.</summary>
    private static int? Reap(int pid)
    {
        int? result = null;
        while (true)
        {
            int w = Interop.Libc.Waitpid(-1, out int status, K.WNOHANG | K.__WALL);
            if (w <= 0) return result;
            if (w == pid) result = status;
        }
    }

    /// <summary>
    /// Block the signals in this thread and in the runtime's finalizer thread: a process-directed signal is
    /// delivered to any thread that does not block it, and would never reach the signalfd. Normally the finalizer
    /// thread was born with them blocked (src/Runc/Native/sigmask.c); only if it was not, a finalizer blocks them from
    /// inside it, at the price of a full collection.
    /// </summary>
    private static void BlockEverywhere(ulong mask)
    {
        s_mask = mask;
        ulong* set = stackalloc ulong[16];
        new Span<ulong>(set, 16).Clear();
        set[0] = mask;
        Interop.Libc.Sigprocmask(K.SIG_BLOCK, set, null);
        if (OtherThreadsBlock(mask & ~NeverBlockedByThreads)) return;
        MakeGarbage();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Whether every thread but this one blocks all of <paramref name="mask"/> (SigBlk in /proc/self/task/*/status).</summary>
    private static bool OtherThreadsBlock(ulong mask)
    {
        // The supervisor runs on the main thread, whose tid is the pid.
        string self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (Path.GetFileName(task) == self) continue;
                if ((SigBlk(File.ReadAllText(Path.Combine(task, "status"))) & mask) != mask) return false;
            }
            return true;
        }
        catch (IOException) { return false; } // a thread ending meanwhile: take the sure way
    }

    /// <summary>The SigBlk mask of a /proc status text (0 when missing; the caller then takes the sure way).</summary>
    public static ulong SigBlk(string status) => StatusMask(status, "SigBlk:");

    /// <summary>The SigIgn mask of a /proc status text (0 when missing).</summary>
    public static ulong SigIgn(string status) => StatusMask(status, "SigIgn:");

    private static ulong StatusMask(string status, string key)
    {
        foreach (var range in status.AsSpan().Split('\n'))
        {
            var line = status.AsSpan(range);
            if (line.StartsWith(key) &&
                ulong.TryParse(line[key.Length..].Trim(), System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture, out ulong v))
                return v;
        }
        return 0;
    }

    private static ulong s_mask;

    /// <summary>Signals 32 and 33 are glibc's own (its sigprocmask never blocks them) and 34 is the .NET runtime's
    /// thread activation signal, which it unblocks in every thread it runs; an outside 34 that lands there is dropped
    /// by the runtime's handler (not forwarded, and harmless).</summary>
    private const ulong NeverBlockedByThreads = (1UL << 31) | (1UL << 32) | (1UL << 33);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeGarbage() => _ = new FinalizerThreadMasker();

    /// <summary>Its finalizer runs on the finalizer thread: the only way to change that thread's signal mask.</summary>
    private sealed class FinalizerThreadMasker
    {
        ~FinalizerThreadMasker()
        {
            ulong* set = stackalloc ulong[16];
            new Span<ulong>(set, 16).Clear();
            set[0] = s_mask;
            Interop.Libc.Sigprocmask(K.SIG_BLOCK, set, null);
        }
    }
}
