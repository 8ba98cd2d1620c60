using System.Runtime.InteropServices;
using System.Text;
using Runc.Linux;
using Runc.Runtime.Plan;

namespace Runc.Runtime.Launch;

/// <summary>
/// Runs a host program through the clone point and returns its combined stdout and stderr (Go's
/// CombinedOutput). System.Diagnostics.Process would start threads and add most of a megabyte to the binary.
/// </summary>
public static unsafe class ProgramRunner
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Capture(string program, IReadOnlyList<string> args)
    {
        int* p = stackalloc int[2];
        if (Interop.Libc.Pipe2(p, Interop.Libc.O_CLOEXEC) != 0) throw SyscallException.Last("pipe");
        using var readEnd = new SafeFd(p[0]);
        using var writeEnd = new SafeFd(p[1]);
        var env = new List<string>();
        foreach (string k in Environment.GetEnvironmentVariables().Keys) env.Add(k + "=" + Environment.GetEnvironmentVariable(k));
        if (!env.Exists(e => e.StartsWith("PATH=", StringComparison.Ordinal))) env.Add("PATH=" + ProcessPlanner.DefaultPath);

        var plan = new PlanBuilder { StateCapacity = 0 };
        plan.Add(OpCode.Dup2, "redirect stdout", writeEnd.Fd, 1);
        plan.Add(OpCode.Dup2, "redirect stderr", writeEnd.Fd, 2);
        ProcessPlanner.AddResolveExec(plan, program, env);
        plan.Add(OpCode.Execve, $"exec \"{program}\"", plan.StrArray([program, .. args]), plan.StrArray(env));
        using var native = plan.Build(syncFd: writeEnd.Fd, procFd: -1);
        int pid = ClonePoint.Spawn(native, 0);
        writeEnd.Dispose();
        var output = Encoding.UTF8.GetString(FdIo.ReadToEnd(readEnd.Fd, program));
        int status = ChildWait.Wait(pid, -1);
        return new Result(ChildWait.ExitCode(status), output);
    }
}
