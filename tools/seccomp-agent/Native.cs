using System.Runtime.InteropServices;
using System.Text;

namespace SeccompAgent;

/// <summary>The few libc calls the agent needs: a listening unix socket, recvmsg with SCM_RIGHTS, poll and ioctl.</summary>
internal static unsafe partial class Native
{
    private const string Libc = "libc";
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000;
    public const short POLLIN = 1, POLLHUP = 0x10, POLLERR = 8;
    public const int EINTR = 4, ENOENT = 2;

    // <linux/seccomp.h>: _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, struct seccomp_notif_resp).
    public const ulong SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100, SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101;
    public const int NotifSize = 80, RespSize = 24;
    public const uint SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;

    [StructLayout(LayoutKind.Sequential)] public struct IoVec { public void* Base; public nint Len; }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name; public uint NameLen; public IoVec* Iov; public nint IovLen;
        public void* Control; public nint ControlLen; public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)] public struct PollFd { public int Fd; public short Events; public short Revents; }

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)] public static partial int Socket(int domain, int type, int protocol);
    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)] public static partial int Bind(int fd, byte* addr, uint len);
    [LibraryImport(Libc, EntryPoint = "listen", SetLastError = true)] public static partial int Listen(int fd, int backlog);
    [LibraryImport(Libc, EntryPoint = "accept4", SetLastError = true)] public static partial int Accept4(int fd, void* addr, void* len, int flags);
    [LibraryImport(Libc, EntryPoint = "recvmsg", SetLastError = true)] public static partial nint Recvmsg(int fd, MsgHdr* msg, int flags);
    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)] public static partial nint Read(int fd, byte* buf, nint count);
    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)] public static partial int Poll(PollFd* fds, nuint n, int timeout);
    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)] public static partial int Ioctl(int fd, ulong request, void* arg);
    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)] public static partial int Close(int fd);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Message(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>socket + bind + listen on <paramref name="path"/> (which must not exist yet).</summary>
    public static int ListenUnix(string path)
    {
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length >= 108) throw new IOException($"socket path too long: {path}");
        int fd = Socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"socket: {Message(Errno)}");
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        *(ushort*)addr = AF_UNIX;
        p.CopyTo(new Span<byte>(addr + 2, p.Length));
        if (Bind(fd, addr, (uint)(2 + p.Length + 1)) != 0) { int e = Errno; Close(fd); throw new IOException($"bind {path}: {Message(e)}"); }
        if (Listen(fd, 16) != 0) { int e = Errno; Close(fd); throw new IOException($"listen {path}: {Message(e)}"); }
        return fd;
    }

    /// <summary>One recvmsg: the bytes and the first SCM_RIGHTS fd (-1 when none came; extra fds are closed).</summary>
    public static (byte[] Data, int Fd) ReceiveWithFd(int sock, int max)
    {
        byte[] data = new byte[max];
        long* control = stackalloc long[16]; // room for several fds
        fixed (byte* d = data)
        {
            IoVec iov;
            iov.Base = d;
            iov.Len = max;
            nint n;
            MsgHdr msg;
            do
            {
                msg = default;
                msg.Iov = &iov;
                msg.IovLen = 1;
                msg.Control = control;
                msg.ControlLen = 128;
                n = Recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
            } while (n < 0 && Errno == EINTR);
            if (n < 0) throw new IOException($"recvmsg: {Message(Errno)}");
            int fd = -1;
            if (msg.ControlLen >= 20 && ((int*)control)[2] == SOL_SOCKET && ((int*)control)[3] == SCM_RIGHTS)
            {
                int count = (int)(((long)control[0] - 16) / 4);
                for (int i = 0; i < count; i++)
                {
                    int f = ((int*)control)[4 + i];
                    if (fd < 0) fd = f; else Close(f);
                }
            }
            return (data.AsSpan(0, (int)n).ToArray(), fd);
        }
    }
}
