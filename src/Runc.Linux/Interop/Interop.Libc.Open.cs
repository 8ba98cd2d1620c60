using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
            O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_SYNC = 0x101000,
            O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000, O_TMPFILE = 0x410000;
        public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

        [LibraryImport(Lib, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int OpenAt(int dirfd, string path, int flags, uint mode);

        [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
