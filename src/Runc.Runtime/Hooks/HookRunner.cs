using Runc.Linux;
using Runc.Oci;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Hooks;

/// <summary>
/// Runs runtime-namespace hooks (prestart, createRuntime, poststart, poststop) from the CLI process, through
/// the same clone point as containers: the hook gets the state JSON on stdin, its args and env, and a timeout.
/// </summary>
public static unsafe class HookRunner
{
    public static void RunAll(IReadOnlyList<Hook>? hooks, string kind, ReadOnlySpan<byte> stateJson)
    {
        if (hooks is null) return;
        for (int i = 0; i < hooks.Count; i++) Run(hooks[i], $"error running {kind} hook #{i}", stateJson);
    }

    /// <summary>poststart/poststop: failures are warnings and the lifecycle goes on (runtime-spec).</summary>
    public static void RunAllWarn(IReadOnlyList<Hook>? hooks, string kind, ReadOnlySpan<byte> stateJson, Action<string> warn)
    {
        if (hooks is null) return;
        for (int i = 0; i < hooks.Count; i++)
        {
            try { Run(hooks[i], $"error running {kind} hook #{i}", stateJson); }
            catch (RuncException e) { warn(e.Message); }
        }
    }

    public static void Run(Hook hook, string what, ReadOnlySpan<byte> stateJson)
    {
        int* p = stackalloc int[2];
        if (Interop.Libc.Pipe2(p, Interop.Libc.O_CLOEXEC) != 0) throw SyscallException.Last(what + ": pipe");
        using var readEnd = new SafeFd(p[0]);
        using var writeEnd = new SafeFd(p[1]);

        var plan = new PlanBuilder { StateCapacity = 0 };
        // A hook must not outlive the nrunc that waits for it (runc 1.1.5 leaks it when killed mid-create).
        plan.Add(OpCode.SetPdeathsig, "prctl(PR_SET_PDEATHSIG)", K.SIGKILL);
        plan.Add(OpCode.Dup2, "dup stdin", readEnd.Fd, 0);
        var args = hook.Args is { Count: > 0 } a ? a : [hook.Path];
        plan.Add(OpCode.ResolveExec, $"exec: \"{hook.Path}\"", 1, plan.Blob(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { plan.Str(hook.Path) }.AsSpan())));
        plan.Add(OpCode.Execve, what, plan.StrArray(args), plan.StrArray(hook.Env ?? []));
        using var native = plan.Build(syncFd: 2, procFd: -1);
        int pid = ClonePoint.Spawn(native, 0);
        readEnd.Dispose();
        Interop.Libc.Fcntl(writeEnd.Fd, K.F_SETFL, Interop.Libc.O_NONBLOCK);
        fixed (byte* s = stateJson) Interop.Libc.Write(writeEnd.Fd, s, (nuint)stateJson.Length); // a hook may ignore stdin
        writeEnd.Dispose();
        int status = ChildWait.Wait(pid, hook.Timeout is > 0 ? hook.Timeout.Value * 1000 : -1);
        if (status == ChildWait.TimedOut) throw new RuncException($"{what}: timeout after {hook.Timeout}s");
        if (status != 0)
            throw new RuncException((status & 0x7f) == 0 ? $"{what}: exit status {(status >> 8) & 0xff}" : $"{what}: signal: {Runc.Oci.Kernel.Signals.NameOf(status & 0x7f)}");
    }
}
