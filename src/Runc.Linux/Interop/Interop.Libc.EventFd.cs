using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

        [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
        public static partial int EventFd(uint initval, int flags);
    }
}
