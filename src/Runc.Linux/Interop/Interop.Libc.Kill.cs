using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        public const int SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

        [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int sig);
    }
}
