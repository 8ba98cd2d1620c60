using System.Text;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Runtime.Launch;

/// <summary>
/// The runtime's half of SCMP_ACT_NOTIFY (runtime-spec config-linux.md, "Seccomp"; runc 1.1's procSeccomp): the spawn
/// child loaded its filter with SECCOMP_FILTER_FLAG_NEW_LISTENER and passed the listener fd up the sync socket; the
/// parent connects to <c>linux.seccomp.listenerPath</c> and sends one message, the <see cref="ContainerProcessState"/>
/// JSON with the fd in SCM_RIGHTS, then closes its copies. The child waits meanwhile: a notified syscall with no agent
/// listening would hang.
/// </summary>
public static unsafe class SeccompAgent
{
    private const string Prefix = "unable to start container process: ";

    /// <summary>
    /// Handles one <see cref="SyncMessage.SeccompListener"/> record: hands <paramref name="listener"/> to the agent and
    /// releases the child. Consumes <paramref name="listener"/>. Errors read as runc's.
    /// </summary>
    public static void HandOver(SyncChannel sync, SafeFd? listener, LinuxSeccomp? profile, ContainerProcessState state)
    {
        using (listener)
        {
            if (listener is null) throw new RuncException(Prefix + "receive the seccomp listener: no file descriptor in the message");
            if (profile?.ListenerPath is not { Length: > 0 } path) throw new RuncException(Prefix + "listenerPath is not set");
            try { Send(path, state, listener.Fd); }
            catch (RuncException e) { throw new RuncException(Prefix + e.Message, e); }
        }
        sync.Send(SyncMessage.Continue);
    }

    /// <summary>runc's sendContainerProcessState: connect, one sendmsg with the JSON and the fd, close.</summary>
    public static void Send(string listenerPath, ContainerProcessState state, int fd)
    {
        SafeFd sock;
        try { sock = UnixSocket.Connect(listenerPath); }
        catch (SyscallException e)
        {
            throw new RuncException("failed to connect with seccomp agent specified in the seccomp profile: " +
                $"dial unix {listenerPath}: connect: {Errno.Message(e.Errno)}");
        }
        catch (RuncException e)
        {
            throw new RuncException("failed to connect with seccomp agent specified in the seccomp profile: " + e.Message);
        }
        using (sock)
        {
            byte[] json = OciJson.SerializeContainerProcessState(state);
            int err = UnixSocket.SendWithFd(sock.Fd, json, fd);
            if (err != 0) throw new RuncException($"cannot send seccomp fd to {listenerPath}: {Errno.Message(err)}");
        }
    }

    /// <summary>The document for <see cref="Send"/>: one listener named "seccompFd", metadata from the profile.</summary>
    public static ContainerProcessState StateFor(LinuxSeccomp? profile, int pid, Runc.Oci.State containerState) => new()
    {
        OciVersion = SpecVersion.Runtime,
        Fds = [ContainerProcessState.SeccompFdName],
        Pid = pid,
        Metadata = profile?.ListenerMetadata is { Length: > 0 } m ? m : null,
        State = containerState,
    };
}
