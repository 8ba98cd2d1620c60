using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        /// <summary>f_type magics nrunc checks (linux/magic.h).</summary>
        public const long CGROUP_SUPER_MAGIC = 0x27e0eb, CGROUP2_SUPER_MAGIC = 0x63677270, TMPFS_MAGIC = 0x01021994;

        /// <summary>struct statfs on 64-bit Linux: f_type is the first word; the rest is kept opaque.</summary>
        [StructLayout(LayoutKind.Sequential)]
        public unsafe struct StatFs
        {
            public long f_type, f_bsize;
            public ulong f_blocks, f_bfree, f_bavail, f_files, f_ffree;
            public fixed int f_fsid[2];
            public long f_namelen, f_frsize, f_flags;
            public fixed long f_spare[4];
        }

        [LibraryImport(Lib, EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Statfs(string path, out StatFs buf);

        [LibraryImport(Lib, EntryPoint = "fstatfs", SetLastError = true)]
        public static partial int Fstatfs(int fd, out StatFs buf);
    }
}
