using System.Text;
using Runc.Cgroups.Systemd;
using Runc.Linux;
using Runc.Runtime.Logging;
using Runc.Runtime.Plan;

namespace Runc.Runtime.Launch;

/// <summary>
/// <see cref="ISystemdBus"/> for the CLI: each call runs nrunc's own D-Bus helper (`nrunc __systemd-dbus`, see
/// <see cref="SystemdDbusHelper"/>) through the clone point, hands it the request on stdin and reads its answer.
/// The D-Bus library's threads live and die in that process; the CLI stays single-threaded for its later clones.
/// </summary>
public sealed unsafe class SystemdHelperBus : ISystemdBus
{
    public void StartUnit(string unit, IReadOnlyList<SystemdProperty> props) => Run("start", unit, props);

    public string GetUnitTypeProperty(string unit, string unitType, string name) =>
        Run("unitprop", unit, null, [unitType, name]).GetValueOrDefault("value", "");
    public void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> props) => Run("set", unit, props);
    public void StopUnit(string unit) => Run("stop", unit, null);

    public void ResetFailedUnit(string unit)
    {
        try { Run("reset", unit, null); }
        catch (RuncException e) { Logger.Warn("unable to reset failed unit: " + e.Message); }
    }

    /// <summary>-1 when the version cannot be read (runc logs the error and goes on as with an old systemd).</summary>
    public int Version()
    {
        try { return int.Parse(Run("version", "", null).GetValueOrDefault("version", "-1"), System.Globalization.CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is RuncException or FormatException)
        {
            Logger.Warn("unable to get systemd version: " + e.Message);
            return -1;
        }
    }

    private static Dictionary<string, string> Run(string op, string unit, IReadOnlyList<SystemdProperty>? props, IEnumerable<string>? args = null)
    {
        byte[] request = Encoding.UTF8.GetBytes(SystemdDbusHelper.Request(op, unit, props, args));
        int* p = stackalloc int[2];
        if (Interop.Libc.Pipe2(p, Interop.Libc.O_CLOEXEC) != 0) throw SyscallException.Last("pipe");
        using var inRead = new SafeFd(p[0]);
        using var inWrite = new SafeFd(p[1]);
        if (Interop.Libc.Pipe2(p, Interop.Libc.O_CLOEXEC) != 0) throw SyscallException.Last("pipe");
        using var outRead = new SafeFd(p[0]);
        using var outWrite = new SafeFd(p[1]);
        // A request is a few hundred bytes: it fits in the pipe before the helper exists.
        FdIo.WriteAll(inWrite, request, "systemd dbus request");
        inWrite.Dispose();

        var env = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(k => k + "=" + Environment.GetEnvironmentVariable(k)).ToList();
        var plan = new PlanBuilder { StateCapacity = 0 };
        plan.Add(OpCode.Dup2, "redirect stdin", inRead.Fd, 0);
        plan.Add(OpCode.Dup2, "redirect stdout", outWrite.Fd, 1);
        plan.Add(OpCode.Dup2, "redirect stderr", outWrite.Fd, 2);
        const string self = "/proc/self/exe";
        ProcessPlanner.AddResolveExec(plan, self, env);
        plan.Add(OpCode.Execve, "exec nrunc dbus helper", plan.StrArray(["nrunc", SystemdDbusHelper.Command]), plan.StrArray(env));
        using var native = plan.Build(syncFd: outWrite.Fd, procFd: -1);
        int pid = ClonePoint.Spawn(native, 0);
        outWrite.Dispose();
        inRead.Dispose();
        string output = Encoding.UTF8.GetString(FdIo.ReadToEnd(outRead.Fd, "systemd dbus helper"));
        int status = ChildWait.Wait(pid, -1);

        var answer = new Dictionary<string, string>(StringComparer.Ordinal);
        string? error = null;
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int tab = line.IndexOf('\t');
            string kind = tab < 0 ? "" : line[..tab];
            string text = tab < 0 ? line : SystemdPropertyCodec.Unescape(line[(tab + 1)..]);
            switch (kind)
            {
                case "warn": Logger.Warn(text); break;
                case "error": error = text; break;
                case "": error ??= line; break; // a crash of the helper: pass its own words on
                default: answer[kind] = text; break;
            }
        }
        if ((status != 0 || error != null) && answer.ContainsKey("unreachable"))
            throw new SystemdUnreachableException(error ?? "failed to connect to dbus");
        if (status != 0 || error != null)
            throw new RuncException(error ?? $"systemd dbus helper failed (exit status {ChildWait.ExitCode(status)})");
        return answer;
    }
}
