using Runc.Linux;

namespace Runc.Runtime.Launch;

/// <summary>Renders a child's (op, step, errno) report as a sentence: the parent still holds the plan's descriptions.</summary>
public static class ChildErrors
{
    public static string Render(NativePlan plan, PlanOp op, SyncRecord r)
    {
        string what = r.Op >= 0 && r.Op < plan.Descriptions.Count ? plan.Descriptions[r.Op] : $"step {r.Op}";
        string err = Errno.Message(r.Errno);
        return op.Code switch
        {
            OpCode.ResolveExec => r.Step switch
            {
                FailStep.NotFound => $"{what}: executable file not found in $PATH",
                FailStep.NotExecutable => $"{what}: permission denied",
                _ => $"{what}: stat {ExecArg(what)}: {err}",
            },
            OpCode.RunHook when r.Step == FailStep.HookStatus =>
                (r.Errno & 0x20000) != 0 ? $"{what}: signal: {SignalName(r.Errno & 0xff)}" : $"{what}: exit status {r.Errno & 0xff}",
            OpCode.RunHook when r.Step == FailStep.Timeout => $"{what}: timeout",
            OpCode.Mount when r.Step == FailStep.NotProc => $"{what}: \"{MountDest(what)}\" cannot be mounted because it is not of type proc",
            OpCode.Mount when r.Step == FailStep.NotDirectory => $"{what}: filesystem must be mounted on ordinary directory",
            OpCode.Mount when r.Step == FailStep.CreateTarget => $"{what}: create mount target: {err}",
            OpCode.Mount when r.Step == FailStep.Remount => $"{what}: remount: {err}",
            OpCode.Mount when r.Step == FailStep.Propagation => $"{what}: set propagation: {err}",
            OpCode.Mount when r.Step == FailStep.SetAttr => $"{what}: mount_setattr: {err}",
            OpCode.Mount when r.Step == FailStep.CopyUp => $"{what}: tmpcopyup: {err}",
            OpCode.MaskPath when r.Step == FailStep.NotDevNull => $"{what}: /dev/null is not the character device 1:3",
            OpCode.Mknod when r.Step == FailStep.Verify => $"{what}: a different file already exists at that path",
            OpCode.VerifyCwd => what,
            OpCode.WriteProc when r.Step == FailStep.NotProc => $"{what}: not on procfs",
            _ => $"{what}: {err}",
        };
    }

    private static string ExecArg(string what)
    {
        // what = exec: "ARG"
        int q = what.IndexOf('"');
        return q < 0 ? what : what[(q + 1)..^1];
    }

    private static string MountDest(string what)
    {
        int on = what.LastIndexOf(" on \"", StringComparison.Ordinal);
        return on < 0 ? what : what[(on + 5)..^1];
    }

    private static string SignalName(int sig) => Runc.Oci.Kernel.Signals.NameOf(sig) ?? sig.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
