using Runc.Cli;
using Runc.Oci.Kernel;
using Runc.Runtime.Containers;

namespace Runc.Commands;

internal static class KillCommand
{
    public static int Run(Invocation inv)
    {
        string sig = inv.Args.Count > 1 ? inv.Args[1] : "SIGTERM";
        int signal = Signals.Parse(sig);
        ContainerOps.Kill(Dispatcher.Store(inv), inv.ContainerId, signal, inv.GetBool("all"));
        return 0;
    }
}
