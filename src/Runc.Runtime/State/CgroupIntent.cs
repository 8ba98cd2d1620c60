using System.Text;
using Runc.Cgroups;
using Runc.Linux;

namespace Runc.Runtime.State;

/// <summary>
/// The cgroup a create is about to make, written into the state dir before the cgroup exists. state.json only
/// appears once the container is created, so a CLI killed in between (SIGKILL during a slow createRuntime hook,
/// or right after the clone) used to leave a cgroup, with the parked init or hook processes in it, that
/// `delete --force` could not find. delete of such a half-made container now kills what is in that cgroup and
/// removes it (issue 8 §10).
/// </summary>
public static class CgroupIntent
{
    public const string FileName = "cgroup.intent";

    /// <summary>A "#systemd" line names the unit a systemd-driver create starts (stopped again by delete).</summary>
    public static void Write(string stateDir, IReadOnlyDictionary<string, string> paths, bool rootless, string? systemdUnit = null)
    {
        var sb = new StringBuilder(rootless ? "rootless\n" : "root\n");
        if (systemdUnit != null) sb.Append("#systemd\t").Append(systemdUnit).Append('\n');
        foreach (var (controller, path) in paths) sb.Append(controller).Append('\t').Append(path).Append('\n');
        // Atomic, and a full disk fails as `write "...": no space left on device` with nothing half-written.
        ContainerStore.WriteAtomically(Path.Combine(stateDir, FileName), Encoding.UTF8.GetBytes(sb.ToString()), 0x1a4);
    }

    /// <summary>Kills everything in the recorded cgroup and removes it; silent when there is no record.</summary>
    public static void DestroyFor(string stateDir)
    {
        string file = Path.Combine(stateDir, FileName);
        if (!File.Exists(file)) return;
        var lines = File.ReadAllLines(file);
        if (lines.Length < 2) return;
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unit = null;
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("#systemd\t", StringComparison.Ordinal)) { unit = line["#systemd\t".Length..]; continue; }
            int tab = line.IndexOf('\t');
            if (tab >= 0) paths[line[..tab]] = line[(tab + 1)..]; // "" (the unified hierarchy) starts with the tab
        }
        if (paths.Count == 0) return;
        var cg = CgroupManager.Load(paths, lines[0] == "rootless");
        if (unit != null)
        {
            // The unit may exist with nothing of ours in it yet: stop it whatever the directories say.
            var bus = new Runc.Cgroups.Systemd.SystemdDbusClient(m => Logging.Logger.Warn(m));
            Runc.Cgroups.Systemd.SystemdManager? sd = cg switch
            {
                Runc.Cgroups.V1.V1Manager v1 => new Runc.Cgroups.Systemd.SystemdV1Manager(v1, unit, bus, m => Logging.Logger.Warn(m)),
                Runc.Cgroups.V2.V2Manager v2 => new Runc.Cgroups.Systemd.SystemdV2Manager(v2, unit, bus, m => Logging.Logger.Warn(m)),
                _ => null,
            };
            if (sd != null) { sd.Destroy(); return; }
        }
        if (!cg.Exists()) return;
        try { cg.Thaw(); } catch (Exception e) when (e is RuncException or IOException) { }
        for (int i = 0; i < 100 && cg.GetPids().Count > 0; i++)
        {
            cg.Signal(K.SIGKILL);
            Thread.Sleep(10);
        }
        cg.Destroy();
    }
}
