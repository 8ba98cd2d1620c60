using System.Runtime.InteropServices;

namespace Runc.Linux;

/// <summary>
/// All P/Invoke lives in partial classes of <c>Interop.Libc</c>, one syscall or tight group per file,
/// named after the C function. Calls that may run in the spawn child are in Interop.Raw (DESIGN §3).
/// </summary>
public static partial class Interop
{
    public static partial class Libc
    {
        internal const string Lib = "libc";
    }
}
