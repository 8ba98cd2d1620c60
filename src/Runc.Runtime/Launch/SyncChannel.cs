using Runc.Linux;

namespace Runc.Runtime.Launch;

/// <summary>The parent's end of the SOCK_SEQPACKET pair shared with the spawn child: fixed-size records, one per message.</summary>
public sealed unsafe class SyncChannel : IDisposable
{
    public SafeFd Parent { get; }
    public SafeFd Child { get; }

    private SyncChannel(SafeFd parent, SafeFd child) { Parent = parent; Child = child; }

    public static SyncChannel Create()
    {
        int* sv = stackalloc int[2];
        if (Interop.Libc.Socketpair(K.AF_UNIX, K.SOCK_SEQPACKET | K.SOCK_CLOEXEC, 0, sv) != 0) throw SyscallException.Last("socketpair");
        return new SyncChannel(new SafeFd(sv[0]), new SafeFd(sv[1]));
    }

    public void Send(int type)
    {
        SyncRecord r = default;
        r.Type = type;
        FdIo.WriteAll(Parent, new ReadOnlySpan<byte>(&r, sizeof(SyncRecord)), "sync socket");
    }

    /// <summary>Send the hooks' state as one message: int length + bytes.</summary>
    public void SendState(ReadOnlySpan<byte> json)
    {
        var buf = new byte[4 + json.Length];
        BitConverter.TryWriteBytes(buf, json.Length);
        json.CopyTo(buf.AsSpan(4));
        FdIo.WriteAll(Parent, buf, "sync socket");
    }

    /// <summary>
    /// Next record from the child, or null when the child closed its end (it exited). A <see cref="SyncMessage.SeccompListener"/>
    /// record carries an fd (SCM_RIGHTS): it is returned in <paramref name="fd"/>, owned by the caller; any other record's fd is closed.
    /// </summary>
    public SyncRecord? Receive(out SafeFd? fd)
    {
        fd = null;
        SyncRecord r;
        long* control = stackalloc long[ScmRights.Space / 8];
        IoVec iov;
        iov.Base = &r;
        iov.Len = sizeof(SyncRecord);
        while (true)
        {
            MsgHdr msg = default;
            msg.Iov = &iov;
            msg.IovLen = 1;
            msg.Control = control;
            msg.ControlLen = ScmRights.Space;
            nint n = Interop.Libc.Recvmsg(Parent.Fd, &msg, MsgCmsgCloexec);
            if (n < 0 && Errno.Last == Errno.EINTR) continue;
            if (n < 0) throw SyscallException.Last("read sync socket");
            if (n == 0) return null;
            if (ScmRights.Read(control, msg.ControlLen) is >= 0 and var got)
            {
                var received = new SafeFd(got);
                if (r.Type == SyncMessage.SeccompListener) fd = received;
                else received.Dispose();
            }
            return r;
        }
    }

    /// <summary>Next record; for callers that expect no fd.</summary>
    public SyncRecord? Receive()
    {
        var r = Receive(out var fd);
        fd?.Dispose();
        return r;
    }

    private const int MsgCmsgCloexec = 0x40000000;

    /// <summary>After the clone only the child needs its end; closing ours makes EOF mean "child gone".</summary>
    public void CloseChildEnd() => Child.Dispose();

    public void Dispose()
    {
        Parent.Dispose();
        Child.Dispose();
    }
}
