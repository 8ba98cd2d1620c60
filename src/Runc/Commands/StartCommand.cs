using Runc.Cli;
using Runc.Runtime.Containers;

namespace Runc.Commands;

internal static class StartCommand
{
    public static int Run(Invocation inv)
    {
        ContainerOps.Start(Dispatcher.Store(inv), inv.ContainerId);
        return 0;
    }
}
