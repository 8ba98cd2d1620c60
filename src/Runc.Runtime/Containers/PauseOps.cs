using Runc.Cgroups;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary><c>pause</c> and <c>resume</c>: freeze and thaw the container's cgroup (runc@v1.1.5:libcontainer/container_linux.go
/// Pause/Resume). A created container can be paused (and is created again after resume).</summary>
public static class PauseOps
{
    public static void Pause(ContainerStore store, string id)
    {
        using var lk = store.Lock(id);
        var state = store.Load(id);
        var status = StatusProbe.Of(store, state);
        if (status is not (Status.Running or Status.Created)) throw ContainerException.NotRunning();
        Manager(state).Freeze();
    }

    public static void Resume(ContainerStore store, string id)
    {
        using var lk = store.Lock(id);
        var state = store.Load(id);
        if (StatusProbe.Of(store, state) != Status.Paused) throw ContainerException.NotPaused();
        Manager(state).Thaw();
    }

    private static ICgroupManager Manager(ContainerState state) =>
        state.CgroupPaths is { Count: > 0 } paths
            ? CgroupManager.Load(paths, state.Rootless)
            : throw new RuncException("cgroup freezer is not available: the container has no cgroup");
}
