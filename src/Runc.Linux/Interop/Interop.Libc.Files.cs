using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

        [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
        public static partial int Flock(int fd, int operation);

        [LibraryImport(Lib, EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Mkfifo(string path, uint mode);

        [LibraryImport(Lib, EntryPoint = "renameat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int RenameAt(int olddirfd, string oldpath, int newdirfd, string newpath);

        [LibraryImport(Lib, EntryPoint = "unlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int UnlinkAt(int dirfd, string path, int flags);

        [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
        public static partial int Fchmod(int fd, uint mode);

        [LibraryImport(Lib, EntryPoint = "fstatat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int FstatAt(int dirfd, string path, out StatBuf buf, int flags);

        [LibraryImport(Lib, EntryPoint = "fstat", SetLastError = true)]
        public static partial int Fstat(int fd, out StatBuf buf);

        [LibraryImport(Lib, EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static unsafe partial nint Readlink(string path, byte* buf, nint size);

        [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
        public static partial int Fcntl(int fd, int cmd, long arg);

        [LibraryImport(Lib, EntryPoint = "umask")]
        public static partial uint Umask(uint mask);
    }
}
