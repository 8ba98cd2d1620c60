using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
        public static unsafe partial nint Read(int fd, byte* buf, nuint count);

        [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
        public static unsafe partial nint Write(int fd, byte* buf, nuint count);

        [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
        public static partial long LSeek(int fd, long offset, int whence);
    }
}
