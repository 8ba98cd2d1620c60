using Runc.Linux;

namespace Runc.Runtime.Launch;

/// <summary>
/// Runs a host helper program (newuidmap, newgidmap) from the CLI process and waits for it. It goes through
/// <see cref="ClonePoint"/> like hooks do: System.Diagnostics.Process would start threads before the
/// container's last clone (DESIGN §3). stdin/stdout/stderr are inherited, so the tool's own complaint
/// (e.g. "newuidmap: uid range [1-65537) -> [100000-165536) not allowed") reaches the caller.
/// </summary>
public static class ToolRunner
{
    /// <summary>Looks the tool up like Go's exec.LookPath (runc resolves newuidmap in the parent): PATH, then the usual dirs.</summary>
    public static string? Find(string name)
    {
        string[] dirs = [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries),
            "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
        foreach (var d in dirs)
        {
            if (!d.StartsWith('/')) continue;
            string p = Path.Combine(d, name);
            if (Interop.Libc.FstatAt(Interop.Libc.AT_FDCWD, p, out var st, 0) == 0 && !st.IsDir && (st.Mode & 0x49) != 0) return p;
        }
        return null;
    }

    public static void Run(string path, IReadOnlyList<string> argv, string what, int timeoutMs = 10_000)
    {
        var plan = new PlanBuilder { StateCapacity = 0 };
        plan.Add(OpCode.ResolveExec, $"exec: \"{path}\"", 1,
            plan.Blob(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { plan.Str(path) }.AsSpan())));
        plan.Add(OpCode.Execve, what, plan.StrArray(argv), plan.StrArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]));
        using var native = plan.Build(syncFd: 2, procFd: -1);
        int pid = ClonePoint.Spawn(native, 0);
        int status = ChildWait.Wait(pid, timeoutMs);
        if (status == ChildWait.TimedOut) throw new RuncException($"{what}: timeout");
        if (status != 0)
            throw new RuncException((status & 0x7f) == 0 ? $"{what}: exit status {(status >> 8) & 0xff}" : $"{what}: signal: {Runc.Oci.Kernel.Signals.NameOf(status & 0x7f)}");
    }
}
