using Runc.Cli;
using Runc.Runtime.Containers;

namespace Runc.Commands;

/// <summary><c>events [--stats] [--interval D] ID</c> (runc@v1.1.5:events.go): JSON lines on stdout.</summary>
internal static class EventsCommand
{
    public static int Run(Invocation inv)
    {
        EventsLoop.Run(Dispatcher.Store(inv), inv.ContainerId, inv.GetDuration("interval"), inv.GetBool("stats"), Dispatcher.Out);
        return 0;
    }
}
