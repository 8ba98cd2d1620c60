using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        public const int MADV_DONTNEED = 4;

        [LibraryImport(Lib, EntryPoint = "madvise", SetLastError = true)]
        public static partial int Madvise(nint addr, nuint length, int advice);

        /// <summary>glibc: give free heap memory back to the kernel; 1 when some was released.</summary>
        [LibraryImport(Lib, EntryPoint = "malloc_trim")]
        public static partial int MallocTrim(nuint pad);
    }
}
