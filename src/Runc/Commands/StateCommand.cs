using Runc.Cli;
using Runc.Oci;
using Runc.Runtime.Containers;
using Runc.Runtime.State;

namespace Runc.Commands;

internal static class StateCommand
{
    public static int Run(Invocation inv)
    {
        var store = Dispatcher.Store(inv);
        var state = store.Load(inv.ContainerId);
        Dispatcher.Out(StateViewJson.Indented(View(store, state)));
        return 0;
    }

    /// <summary>runc's state JSON: pid 0 once stopped, created as RFC 3339 nanoseconds.</summary>
    public static ContainerStateView View(ContainerStore store, ContainerState state)
    {
        var status = StatusProbe.Of(store, state);
        return new ContainerStateView
        {
            OciVersion = SpecVersion.Runtime,
            Id = state.Id,
            Pid = status == Status.Stopped ? 0 : state.InitPid,
            Status = StatusText.Of(status),
            Bundle = state.Bundle,
            Rootfs = state.Rootfs,
            Created = state.Created,
            Annotations = state.Annotations,
            Owner = state.Owner,
        };
    }
}
