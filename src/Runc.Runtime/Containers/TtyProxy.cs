using System.Runtime.CompilerServices;
using Runc.Linux;

namespace Runc.Runtime.Containers;

/// <summary>
/// Foreground `exec -t` (runc's tty.go): the pty master comes back to nrunc over an internal socket; nrunc puts
/// the host terminal in raw mode, copies stdin → master and master → stdout, resizes the pty from the host
/// terminal at start and on SIGWINCH, forwards every other signal, and restores the host terminal at the end.
/// Single-threaded: one poll loop over stdin, the master and a signalfd. Only used after the last clone.
/// </summary>
public static unsafe class TtyProxy
{
    private const ulong TCGETS = 0x5401, TCSETS = 0x5402, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
    private const int SFD_CLOEXEC = 0x80000;

    /// <summary>The host terminal runc would use: stdin, stdout or stderr if one is a tty, else /dev/tty.</summary>
    public static SafeFd OpenHostTerminal()
    {
        for (int fd = 0; fd < 3; fd++)
            if (Interop.Libc.Isatty(fd) == 1) return new SafeFd(Interop.Libc.Fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 3) is int d and >= 0 ? d : throw SyscallException.Last("dup"));
        int t = Interop.Libc.OpenAt(Interop.Libc.AT_FDCWD, "/dev/tty", Interop.Libc.O_RDWR | Interop.Libc.O_CLOEXEC | Interop.Libc.O_NOCTTY, 0);
        if (t < 0) throw new RuncException($"open /dev/tty: {Errno.Message(Errno.Last)}");
        return new SafeFd(t);
    }

    /// <summary>One fd from an SCM_RIGHTS message on <paramref name="sock"/>.</summary>
    public static SafeFd ReceiveFd(int sock)
    {
        byte* data = stackalloc byte[4096];
        IoVec iov;
        iov.Base = data;
        iov.Len = 4096;
        long* control = stackalloc long[8];
        MsgHdr msg = default;
        msg.Iov = &iov;
        msg.IovLen = 1;
        msg.Control = control;
        msg.ControlLen = 64;
        nint n;
        do n = Interop.Libc.Recvmsg(sock, &msg, 0x40000000 /* MSG_CMSG_CLOEXEC */); while (n < 0 && Errno.Last == Errno.EINTR);
        if (n < 0) throw SyscallException.Last("receive the pty master");
        if (msg.ControlLen < 20 || ((int*)control)[2] != K.SOL_SOCKET || ((int*)control)[3] != K.SCM_RIGHTS)
            throw new RuncException("receive the pty master: no file descriptor in the message");
        return new SafeFd(((int*)control)[4]);
    }

    /// <summary>Proxy until <paramref name="pid"/> exited and the master is drained; returns its wait status.</summary>
    public static int Run(int pid, SafeFd master, SafeFd host)
    {
        // The workload's output must not get a second CR: runc clears ONLCR on the master.
        byte* tio = stackalloc byte[64];
        if (Interop.Libc.Ioctl(master.Fd, TCGETS, (nint)tio) == 0)
        {
            *(uint*)(tio + 4) &= ~4u; // c_oflag &= ~ONLCR
            Interop.Libc.Ioctl(master.Fd, TCSETS, (nint)tio);
        }
        Resize(host.Fd, master.Fd);
        byte* saved = stackalloc byte[64];
        bool restored = Interop.Libc.Ioctl(host.Fd, TCGETS, (nint)saved) != 0;
        if (!restored)
        {
            byte* raw = stackalloc byte[64];
            new Span<byte>(saved, 64).CopyTo(new Span<byte>(raw, 64));
            MakeRaw(raw);
            Interop.Libc.Ioctl(host.Fd, TCSETS, (nint)raw);
        }
        try { return Loop(pid, master.Fd, host.Fd); }
        finally { if (!restored) Interop.Libc.Ioctl(host.Fd, TCSETS, (nint)saved); }
    }

    private static int Loop(int pid, int master, int host)
    {
        ulong* mask = stackalloc ulong[16];
        new Span<ulong>(mask, 16).Clear();
        mask[0] = ~0UL & ~(1UL << (K.SIGKILL - 1)) & ~(1UL << (K.SIGSTOP - 1));
        BlockEverywhere(mask[0]);
        int sfd = Interop.Libc.Signalfd(-1, mask, SFD_CLOEXEC);
        if (sfd < 0) throw SyscallException.Last("signalfd");
        using var sig = new SafeFd(sfd);
        byte* buf = stackalloc byte[16384];
        PollFd* p = stackalloc PollFd[3];
        bool stdinOpen = true, masterOpen = true;
        int? status = null;
        while (masterOpen || status is null)
        {
            if (status is null && Reap(pid) is int s) status = s;
            if (status is not null && !masterOpen) break;
            int n = 0;
            p[n++] = new PollFd { Fd = sfd, Events = K.POLLIN };
            if (masterOpen) p[n++] = new PollFd { Fd = master, Events = K.POLLIN };
            if (stdinOpen && masterOpen) p[n++] = new PollFd { Fd = 0, Events = K.POLLIN };
            // Once the process is gone, drain what is left in the master and stop at the first quiet moment.
            int r = Interop.Libc.Poll(p, (ulong)n, status is null ? -1 : 100);
            if (r < 0) { if (Errno.Last == Errno.EINTR) continue; throw SyscallException.Last("poll"); }
            if (r == 0) break;
            for (int i = 0; i < n; i++)
            {
                if (p[i].Revents == 0) continue;
                if (p[i].Fd == sfd)
                {
                    if (Interop.Libc.Read(sfd, buf, 128u) != 128) continue;
                    int signo = *(int*)buf;
                    if (signo == K.SIGCHLD) continue;
                    if (signo == K.SIGWINCH) { Resize(host, master); continue; }
                    Interop.Libc.Kill(pid, signo);
                }
                else if (p[i].Fd == master)
                {
                    nint got = Interop.Libc.Read(master, buf, 16384u);
                    if (got <= 0) { if (got < 0 && Errno.Last == Errno.EINTR) continue; masterOpen = false; continue; }
                    WriteAll(1, buf, got);
                }
                else
                {
                    nint got = Interop.Libc.Read(0, buf, 16384u);
                    if (got <= 0) { if (got < 0 && Errno.Last == Errno.EINTR) continue; stdinOpen = false; continue; }
                    WriteAll(master, buf, got);
                }
            }
        }
        while (status is null)
        {
            int w = Interop.Libc.Waitpid(pid, out int st, K.__WALL);
            if (w == pid) status = st;
            else if (w < 0 && Errno.Last != Errno.EINTR) throw SyscallException.Last("wait");
        }
        Reap(-2);
        return status.Value;
    }

    private static void WriteAll(int fd, byte* b, nint len)
    {
        while (len > 0)
        {
            nint w = Interop.Libc.Write(fd, b, (nuint)len);
            if (w < 0) { if (Errno.Last == Errno.EINTR) continue; return; } // a closed reader only loses output
            b += w;
            len -= w;
        }
    }

    private static void Resize(int host, int master)
    {
        ushort* ws = stackalloc ushort[4];
        if (Interop.Libc.Ioctl(host, TIOCGWINSZ, (nint)ws) == 0) Interop.Libc.Ioctl(master, TIOCSWINSZ, (nint)ws);
    }

    /// <summary>cfmakeraw on a kernel struct termios (c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[]).</summary>
    private static void MakeRaw(byte* t)
    {
        uint* f = (uint*)t;
        f[0] &= ~(0x1u | 0x2 | 0x8 | 0x20 | 0x40 | 0x80 | 0x100 | 0x400); // IGNBRK BRKINT PARMRK ISTRIP INLCR IGNCR ICRNL IXON
        f[1] &= ~0x1u;                                                     // OPOST
        f[3] &= ~(0x8u | 0x40 | 0x2 | 0x1 | 0x8000);                       // ECHO ECHONL ICANON ISIG IEXTEN
        f[2] &= ~(0x30u | 0x100);                                          // CSIZE PARENB
        f[2] |= 0x30;                                                      // CS8
        byte* cc = t + 17;
        cc[6] = 1; // VMIN
        cc[5] = 0; // VTIME
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

    // Same technique as Supervisor: block in this thread and, through a finalizer, in the runtime's finalizer
    // thread, so every process-directed signal reaches the signalfd.
    private static ulong s_mask;

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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeGarbage() => _ = new FinalizerThreadMasker();

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
