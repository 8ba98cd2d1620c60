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

    public static int WaitForwarding(int pid)
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
        while (true)
        {
            if (Reap(pid) is int status) return status;
            nint n = Interop.Libc.Read(sfd, info, 128);
            if (n < 0)
            {
                if (Errno.Last == Errno.EINTR) continue;
                throw SyscallException.Last("read signalfd");
            }
            int signo = *(int*)info;
            if (signo == K.SIGCHLD || signo == K.SIGWINCH) continue;
            Interop.Libc.Kill(pid, signo);
        }
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
    /// delivered to any thread that does not block it, and would never reach the signalfd.
    /// </summary>
    private static void BlockEverywhere(ulong mask)
    {
        s_mask = mask;
        ulong* set = stackalloc ulong[16];
        new Span<ulong>(set, 16).Clear();
        set[0] = mask;
        Interop.Libc.Sigprocmask(K.SIG_BLOCK, set, null);
        MakeGarbage();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static ulong s_mask;

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
