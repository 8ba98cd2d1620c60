using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        public const int AF_NETLINK = 16, NETLINK_ROUTE = 0, SOCK_RAW = 3;

        [LibraryImport(Lib, EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial uint IfNameToIndex(string name);

        [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
        public static unsafe partial nint Send(int fd, byte* buf, nuint len, int flags);

        [LibraryImport(Lib, EntryPoint = "recv", SetLastError = true)]
        public static unsafe partial nint Recv(int fd, byte* buf, nuint len, int flags);
    }
}
