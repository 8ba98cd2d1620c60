using System.Globalization;
using System.Text;
using Runc.Cgroups;
using Runc.Cli;
using Runc.Runtime.Containers;
using Runc.Runtime.Logging;

namespace Runc.Commands;

/// <summary>
/// ps: the container's processes from its cgroup. json → the host pids as a JSON array (`null` when there are
/// none, like Go's encoder of a nil slice); table → the host ps(1) (default `-ef`), its header and the lines whose
/// PID column is one of them. ps itself is started through the clone point (ProgramRunner).
/// </summary>
internal static class PsCommand
{
    public static int Run(Invocation inv)
    {
        if (Dispatcher.Rootless(inv)) Logger.Warn("nrunc ps may fail if you don't have the full access to cgroups");
        var store = Dispatcher.Store(inv);
        var state = store.Load(inv.ContainerId);
        var status = StatusProbe.Of(store, state);
        IReadOnlyList<int> pids = [];
        if (state.CgroupPaths is { Count: > 0 } paths)
        {
            var cg = CgroupManager.Load(paths, state.Rootless);
            if (status != Status.Stopped || cg.Exists())
            {
                try { pids = cg.GetPids(); }
                catch (RuncException e) { throw new RuncException("unable to get all container pids: " + e.Message); }
            }
        }
        switch (inv.GetString("format"))
        {
            case "table": break;
            case "json":
                Dispatcher.Out(pids.Count == 0 ? "null\n" : "[" + JoinPids(pids) + "]\n");
                return 0;
            default:
                throw new RuncException("invalid format option");
        }

        var psArgs = inv.ArgsAfterId();
        if (psArgs.Count == 0) psArgs = ["-ef"];
        string output = RunPs(psArgs);
        var lines = output.Split('\n');
        int pidIndex = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "PID");
        if (pidIndex < 0) throw new RuncException("couldn't find PID field in ps output");
        var set = new HashSet<int>(pids);
        var sb = new StringBuilder();
        sb.Append(lines[0]).Append('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string f = pidIndex < fields.Length ? fields[pidIndex] : "";
            if (!int.TryParse(f, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int p))
                throw new RuncException($"unable to parse pid: strconv.Atoi: parsing \"{f}\": invalid syntax");
            if (set.Contains(p)) sb.Append(line).Append('\n');
        }
        Dispatcher.Out(sb.ToString());
        return 0;
    }

    private static string JoinPids(IReadOnlyList<int> pids)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pids.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(pids[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>ps with stdout and stderr combined (Go's CombinedOutput); a failure carries its output.</summary>
    private static string RunPs(List<string> args)
    {
        var r = Runc.Runtime.Launch.ProgramRunner.Capture("ps", args);
        if (r.ExitCode != 0) throw new RuncException($"exit status {r.ExitCode.ToString(CultureInfo.InvariantCulture)}: {r.Output}");
        return r.Output;
    }
}
