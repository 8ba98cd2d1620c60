using Runc.Cli;
using Runc.Runtime.Containers;
using Runc.Runtime.Logging;

namespace Runc.Commands;

/// <summary><c>resume ID</c> (runc@v1.1.5:pause.go): thaw a paused container.</summary>
internal static class ResumeCommand
{
    public static int Run(Invocation inv)
    {
        if (Dispatcher.Rootless(inv)) Logger.Warn("nrunc resume may fail if you don't have the full access to cgroups");
        PauseOps.Resume(Dispatcher.Store(inv), inv.ContainerId);
        return 0;
    }
}
