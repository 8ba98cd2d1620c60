using Runc.Cli;
using Runc.Oci;

namespace Runc.Commands;

internal static class SpecCommand
{
    public static int Run(Invocation inv)
    {
        string bundle = inv.GetString("bundle") is { Length: > 0 } b ? b : Directory.GetCurrentDirectory();
        bool rootless = inv.GetBool("rootless");
        var spec = rootless
            ? DefaultSpec.Create(true, Runc.Linux.Interop.Libc.Geteuid(), Runc.Linux.Interop.Libc.Getegid())
            : DefaultSpec.Create(false);
        DefaultSpec.WriteConfig(bundle, spec);
        return 0;
    }
}
