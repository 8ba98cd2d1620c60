using Runc.Cgroups;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>runc's statuses. There is no "creating": clients (podman) reject unknown values.</summary>
public enum Status { Created, Running, Paused, Stopped }

public static class StatusText
{
    public static string Of(Status s) => s switch
    {
        Status.Created => "created",
        Status.Running => "running",
        Status.Paused => "paused",
        _ => "stopped",
    };
}

/// <summary>Derives a container's status like runc: init gone or reused → stopped; frozen → paused; fifo present → created.</summary>
public static class StatusProbe
{
    public static Status Of(ContainerStore store, ContainerState state)
    {
        if (!ProcStat.IsAlive(state.InitPid, state.InitStartTime)) return Status.Stopped;
        if (state.CgroupPaths is { Count: > 0 } paths)
        {
            try
            {
                var cg = CgroupManager.Load(paths, state.Rootless);
                if (cg.GetFreezerState() == FreezerState.Frozen) return Status.Paused;
            }
            catch (RuncException) { } // a missing freezer is not a reason to fail `state`
        }
        return File.Exists(Path.Combine(store.DirOf(state.Id), ContainerStore.FifoFile)) ? Status.Created : Status.Running;
    }
}
