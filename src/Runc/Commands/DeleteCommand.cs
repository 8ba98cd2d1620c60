using Runc.Cli;
using Runc.Runtime.Containers;

namespace Runc.Commands;

internal static class DeleteCommand
{
    public static int Run(Invocation inv)
    {
        ContainerOps.Delete(Dispatcher.Store(inv), inv.ContainerId, inv.GetBool("force"));
        return 0;
    }
}
