using System.Globalization;
using System.Text;
using Runc.Cgroups;
using Runc.Cli;
using Runc.Runtime.Containers;

namespace Runc.Commands;

/// <summary>
/// ps: the container's processes from its cgroup. json → the host pids as a JSON array (`null` when there are
/// none, like Go's encoder of a nil slice); table → the host ps(1) (default `-ef`), its header and the lines whose
/// PID column is one of them. Nothing is cloned here, so starting ps through System.Diagnostics.Process is safe.
/// </summary>
internal static class PsCommand
{
    public static int Run(Invocation inv)
    {
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
                Dispatcher.Out(pids.Count == 0 ? "null\n" : "[" + string.Join(",", pids.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]\n");
                return 0;
            default:
                throw new RuncException("invalid format option");
        }

        var psArgs = inv.Args.Skip(1).ToList();
        if (psArgs.Count == 0) psArgs = ["-ef"];
        string output = RunPs(psArgs);
        var lines = output.Split('\n');
        int pidIndex = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "PID");
        if (pidIndex < 0) throw new RuncException("couldn't find PID field in ps output");
        var set = pids.ToHashSet();
        var sb = new StringBuilder();
        sb.Append(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
        {
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

    /// <summary>ps with stdout and stderr combined (Go's CombinedOutput); a failure carries its output.</summary>
    private static string RunPs(List<string> args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ps")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        System.Diagnostics.Process p;
        try { p = System.Diagnostics.Process.Start(psi) ?? throw new RuncException("exec: \"ps\": could not start"); }
        catch (System.ComponentModel.Win32Exception) { throw new RuncException("exec: \"ps\": executable file not found in $PATH"); }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            string all = stdout + err.GetAwaiter().GetResult();
            if (p.ExitCode != 0) throw new RuncException($"exit status {p.ExitCode.ToString(CultureInfo.InvariantCulture)}: {all}");
            return all;
        }
    }
}
