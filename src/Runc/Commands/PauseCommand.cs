using Runc.Cli;
using Runc.Runtime.Containers;
using Runc.Runtime.Logging;

namespace Runc.Commands;

/// <summary><c>pause ID</c> (runc@v1.1.5:pause.go): freeze a created or running container.</summary>
internal static class PauseCommand
{
    public static int Run(Invocation inv)
    {
        if (Dispatcher.Rootless(inv)) Logger.Warn("nrunc pause may fail if you don't have the full access to cgroups");
        PauseOps.Pause(Dispatcher.Store(inv), inv.ContainerId);
        return 0;
    }
}
