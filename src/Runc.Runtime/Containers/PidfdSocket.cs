using Runc.Linux;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Containers;

/// <summary>
/// --pidfd-socket (runc 1.2): the caller's AF_UNIX socket receives a pidfd of the new process in one SCM_RIGHTS
/// message whose bytes name the kind of process, "standard" for a container's init and "setns" for an exec, as
/// runc's init sends it. nrunc opens the pidfd in the parent right after the clone: the same process, and the
/// receiver has it before create or exec returns.
/// </summary>
public static class PidfdSocket
{
    public static void Send(SafeFd socket, int pid, string kind)
    {
        int pidfd = Interop.Libc.PidfdOpen(pid);
        if (pidfd < 0) throw SyscallException.Last("failed to pidfd_open");
        using var fd = new SafeFd(pidfd);
        UnixSocket.SendFd(socket.Fd, pidfd, System.Text.Encoding.ASCII.GetBytes(kind), "failed to send pidfd on socket");
    }
}
