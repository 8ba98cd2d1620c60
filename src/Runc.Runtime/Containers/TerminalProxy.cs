using Runc.Linux;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Containers;

/// <summary>
/// Foreground `run` and `exec` with a terminal (runc's tty.go): nrunc plays the console-socket receiver itself,
/// takes the pty master the container process sends, sizes it like the host terminal, puts
/// the host terminal in raw mode and restores it at the end. <see cref="Supervisor"/> copies the bytes and
/// forwards SIGWINCH as a resize. Opened before the clone, used after it.
/// </summary>
public sealed unsafe class TerminalProxy : IDisposable
{
    private const int F_DUPFD_CLOEXEC = 1030;

    private readonly SafeFd _hostTty;
    private readonly byte[] _saved = new byte[Interop.Libc.TermiosSize];
    private bool _raw;
    public SafeFd Receiver { get; }
    public SafeFd SenderForChild { get; }
    public SafeFd? Master { get; private set; }

    private TerminalProxy(SafeFd tty, SafeFd receiver, SafeFd sender) { _hostTty = tty; Receiver = receiver; SenderForChild = sender; }

    /// <summary>The host terminal as runc picks it (stderr, stdout, stdin, else /dev/tty), and the socket pair the
    /// child sends its pty master on. Without any terminal it fails as runc: "open /dev/tty: no such device or address".</summary>
    public static TerminalProxy Open()
    {
        var tty = OpenHostTerminal();
        int* sv = stackalloc int[2];
        if (Interop.Libc.Socketpair(K.AF_UNIX, K.SOCK_STREAM | K.SOCK_CLOEXEC, 0, sv) != 0) { tty.Dispose(); throw SyscallException.Last("socketpair"); }
        return new TerminalProxy(tty, new SafeFd(sv[0]), new SafeFd(sv[1]));
    }

    private static SafeFd OpenHostTerminal()
    {
        foreach (int fd in (ReadOnlySpan<int>)[2, 1, 0])
        {
            if (Interop.Libc.Isatty(fd) != 1) continue;
            int d = Interop.Libc.Fcntl(fd, F_DUPFD_CLOEXEC, 3);
            if (d < 0) throw SyscallException.Last("dup the host terminal");
            return new SafeFd(d);
        }
        try { return SafeFd.Open("/dev/tty", Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY); }
        catch (SyscallException e) { throw new RuncException("open /dev/tty: " + Errno.Message(e.Errno)); }
    }

    /// <summary>After the child sent its pty master: take it, size it like our terminal and make ours raw. ONLCR stays
    /// on, as with runc 1.1.5: our terminal is raw now, so the pty must turn "\n" into "\r\n" itself.</summary>
    public void Attach()
    {
        SenderForChild.Dispose();
        Master = UnixSocket.ReceiveFd(Receiver.Fd, "receive the pty master");
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
        byte* buf = stackalloc byte[16384];
        nint n = Interop.Libc.Read(from, buf, 16384);
        if (n <= 0) return n < 0 && Errno.Last == Errno.EINTR;
        try { FdIo.WriteAll(to, new ReadOnlySpan<byte>(buf, (int)n), "terminal"); } catch (SyscallException) { return false; }
        return true;
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
