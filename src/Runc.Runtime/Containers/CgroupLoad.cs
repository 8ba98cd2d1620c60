using Runc.Cgroups;
using Runc.Cgroups.Systemd;
using Runc.Cgroups.V1;
using Runc.Cgroups.V2;
using Runc.Runtime.Launch;
using Runc.Runtime.Logging;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>The cgroup manager of a saved container for the commands that talk to systemd (delete, update): a
/// container made with the systemd driver gets its unit back (rootless v2 excepted: no unit); everything else the fs driver.</summary>
public static class CgroupLoad
{
    public static ICgroupManager For(ContainerState state, IReadOnlyDictionary<string, string> paths)
    {
        var cg = CgroupManager.Load(paths, state.Rootless);
        if (state.SystemdCgroup && cg is V1Manager v1)
            return new SystemdV1Manager(v1, SystemdManager.UnitNameFromPaths(paths), new SystemdDbusClient(m => Logger.Warn(m)), m => Logger.Warn(m));
        if (state.SystemdCgroup && !state.Rootless && cg is V2Manager v2)
            return new SystemdV2Manager(v2, SystemdManager.UnitNameFromPaths(paths), new SystemdDbusClient(m => Logger.Warn(m)), m => Logger.Warn(m));
        return cg;
    }
}
