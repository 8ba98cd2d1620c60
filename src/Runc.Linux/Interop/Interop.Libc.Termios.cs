using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        /// <summary>struct termios is 60 bytes on Linux glibc; kept opaque and handed to glibc's helpers.</summary>
        public const int TermiosSize = 60;

        [LibraryImport(Lib, EntryPoint = "tcgetattr", SetLastError = true)]
        public static unsafe partial int Tcgetattr(int fd, byte* termios);

        [LibraryImport(Lib, EntryPoint = "tcsetattr", SetLastError = true)]
        public static unsafe partial int Tcsetattr(int fd, int action, byte* termios);

        [LibraryImport(Lib, EntryPoint = "cfmakeraw")]
        public static unsafe partial void Cfmakeraw(byte* termios);
    }
}
