using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        [LibraryImport(Lib, EntryPoint = "socketpair", SetLastError = true)]
        public static unsafe partial int Socketpair(int domain, int type, int protocol, int* sv);

        [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
        public static partial int Socket(int domain, int type, int protocol);

        [LibraryImport(Lib, EntryPoint = "connect", SetLastError = true)]
        public static unsafe partial int Connect(int fd, byte* addr, uint len);

        [LibraryImport(Lib, EntryPoint = "recvmsg", SetLastError = true)]
        public static unsafe partial nint Recvmsg(int fd, MsgHdr* msg, int flags);

        [LibraryImport(Lib, EntryPoint = "sendmsg", SetLastError = true)]
        public static unsafe partial nint Sendmsg(int fd, MsgHdr* msg, int flags);

        [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
        public static unsafe partial int Pipe2(int* fds, int flags);
    }
}
