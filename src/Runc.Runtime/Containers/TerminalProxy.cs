using Runc.Linux;

namespace Runc.Runtime.Containers;

/// <summary>
/// `nrunc run` in the foreground with process.terminal: nrunc plays the console-socket receiver itself,
/// puts the host terminal in raw mode and copies bytes both ways until the container exits.
/// </summary>
public sealed unsafe class TerminalProxy : IDisposable
{
    private readonly SafeFd _hostTty;
    private readonly byte[] _saved = new byte[Interop.Libc.TermiosSize];
    private bool _raw;
    public SafeFd Receiver { get; }
    public SafeFd SenderForChild { get; }
    public SafeFd? Master { get; private set; }

    private TerminalProxy(SafeFd tty, SafeFd receiver, SafeFd sender) { _hostTty = tty; Receiver = receiver; SenderForChild = sender; }

    /// <summary>Fails like runc when there is no controlling terminal: "open /dev/tty: no such device or address".</summary>
    public static TerminalProxy Open()
    {
        SafeFd tty;
        try { tty = SafeFd.Open("/dev/tty", Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY); }
        catch (SyscallException e) { throw new RuncException("open /dev/tty: " + Errno.Message(e.Errno)); }
        int* sv = stackalloc int[2];
        if (Interop.Libc.Socketpair(K.AF_UNIX, K.SOCK_STREAM | K.SOCK_CLOEXEC, 0, sv) != 0) { tty.Dispose(); throw SyscallException.Last("socketpair"); }
        return new TerminalProxy(tty, new SafeFd(sv[0]), new SafeFd(sv[1]));
    }

    /// <summary>After the init is ready: take the pty master it sent, size it like our terminal, go raw.</summary>
    public void Attach()
    {
        SenderForChild.Dispose();
        Master = ReceiveFd(Receiver.Fd);
        Resize();
        fixed (byte* t = _saved)
        {
            if (Interop.Libc.Tcgetattr(_hostTty.Fd, t) == 0)
            {
                byte* raw = stackalloc byte[Interop.Libc.TermiosSize];
                new Span<byte>(t, Interop.Libc.TermiosSize).CopyTo(new Span<byte>(raw, Interop.Libc.TermiosSize));
                Interop.Libc.Cfmakeraw(raw);
                _raw = Interop.Libc.Tcsetattr(_hostTty.Fd, 0, raw) == 0;
            }
        }
    }

    /// <summary>The host terminal's rows and columns (0, 0 if unknown).</summary>
    public (ushort Rows, ushort Cols) HostSize()
    {
        ushort* ws = stackalloc ushort[4];
        return Interop.Libc.Ioctl(_hostTty.Fd, K.TIOCGWINSZ, (nint)ws) == 0 ? (ws[0], ws[1]) : ((ushort)0, (ushort)0);
    }

    public void Resize()
    {
        if (Master is null) return;
        ushort* ws = stackalloc ushort[4];
        if (Interop.Libc.Ioctl(_hostTty.Fd, K.TIOCGWINSZ, (nint)ws) == 0) Interop.Libc.Ioctl(Master.Fd, K.TIOCSWINSZ, (nint)ws);
    }

    /// <summary>Copy what is readable on <paramref name="from"/> to <paramref name="to"/>; false at EOF or error.</summary>
    public static bool Pump(int from, int to)
    {
        byte* buf = stackalloc byte[4096];
        nint n = Interop.Libc.Read(from, buf, 4096);
        if (n <= 0) return n < 0 && Errno.Last == Errno.EINTR;
        try { FdIo.WriteAll(to, new ReadOnlySpan<byte>(buf, (int)n), "terminal"); } catch (SyscallException) { return false; }
        return true;
    }

    private const int MsgCmsgCloexec = 0x40000000;

    private static SafeFd ReceiveFd(int sock)
    {
        byte* data = stackalloc byte[256];
        long* control = stackalloc long[8];
        IoVec iov;
        iov.Base = data;
        iov.Len = 256;
        MsgHdr msg = default;
        msg.Iov = &iov;
        msg.IovLen = 1;
        msg.Control = control;
        msg.ControlLen = 64;
        nint n;
        do n = Interop.Libc.Recvmsg(sock, &msg, MsgCmsgCloexec);
        while (n < 0 && Errno.Last == Errno.EINTR);
        if (n < 0) throw SyscallException.Last("receive the console");
        if (msg.ControlLen < 20 || ((int*)control)[3] != K.SCM_RIGHTS) throw new RuncException("receive the console: no file descriptor");
        return new SafeFd(((int*)control)[4]);
    }

    public void Dispose()
    {
        if (_raw) fixed (byte* t = _saved) Interop.Libc.Tcsetattr(_hostTty.Fd, 0, t);
        Master?.Dispose();
        Receiver.Dispose();
        SenderForChild.Dispose();
        _hostTty.Dispose();
    }
}
