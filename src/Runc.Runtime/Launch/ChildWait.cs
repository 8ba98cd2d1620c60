using Runc.Linux;

namespace Runc.Runtime.Launch;

/// <summary>waitpid with an optional timeout (pidfd + poll), killing the child when it runs over.</summary>
public static unsafe class ChildWait
{
    public const int TimedOut = -1;

    public static int Wait(int pid, int timeoutMs)
    {
        if (timeoutMs >= 0)
        {
            int pidfd = Interop.Libc.PidfdOpen(pid);
            if (pidfd >= 0)
            {
                using var fd = new SafeFd(pidfd);
                PollFd p = default;
                p.Fd = pidfd;
                p.Events = K.POLLIN;
                int r;
                do r = Interop.Libc.Poll(&p, 1, timeoutMs); while (r < 0 && Errno.Last == Errno.EINTR);
                if (r == 0)
                {
                    Interop.Libc.Kill(pid, K.SIGKILL);
                    Interop.Libc.Waitpid(pid, out _, 0);
                    return TimedOut;
                }
            }
        }
        int w;
        int status;
        do w = Interop.Libc.Waitpid(pid, out status, 0); while (w < 0 && Errno.Last == Errno.EINTR);
        if (w < 0) throw SyscallException.Last($"wait for process {pid}");
        return status;
    }

    /// <summary>Exit code the way a shell reports it: the status, or 128+signal.</summary>
    public static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
}
