using Runc.Cli;
using Runc.Linux;
using Runc.Runtime.Containers;
using Runc.Runtime.Hooks;
using Runc.Runtime.Launch;
using Runc.Runtime.Logging;
using Runc.Runtime.State;

namespace Runc.Commands;

/// <summary>create + start in one process; in the foreground nrunc forwards signals and returns the exit status.</summary>
internal static class RunCommand
{
    public static int Run(Invocation inv)
    {
        bool detach = inv.GetBool("detach");
        // Seal first (Launcher.Create would): the process before the re-exec should do no work it has to repeat.
        ContainerId.Validate(inv.ContainerId);
        ExeSeal.ReexecSealedIfNeeded();
        var store = Dispatcher.Store(inv);
        // Orphans of the container (no pid namespace) must come back to us to be reaped, as with runc.
        if (!detach) Interop.Libc.Prctl(K.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        var options = CreateCommand.Options(inv, waitForStart: false);
        // A terminal without a console socket in the foreground: nrunc receives the pty and proxies it (runc does the same).
        using var terminal = !detach && options.ConsoleSocket is null && Launcher.WantsTerminal(options.Bundle) ? TerminalProxy.Open() : null;
        if (terminal != null) options = options.WithConsole(terminal.SenderForChild.Fd, terminal.HostSize());
        var launched = Launcher.Create(store, inv.ContainerId, options);
        terminal?.Attach();
        var state = launched.State;
        if (launched.Spec.Hooks?.Poststart is { Count: > 0 } hooks)
            HookRunner.RunAllWarn(hooks, "poststart", Launcher.HookState(launched.Spec, state, "running", state.InitPid), m => Logger.Warn(m));
        if (detach) return 0;

        int status;
        try
        {
            status = Supervisor.WaitForwarding(state.InitPid, terminal);
        }
        catch (RuncException)
        {
            // Never leave a running container behind a failed foreground run.
            using var lk = store.Lock(state.Id);
            ContainerOps.Destroy(store, state, Status.Running);
            throw;
        }
        if (!inv.GetBool("keep"))
        {
            using var lk = store.Lock(state.Id);
            ContainerOps.Destroy(store, state, Status.Stopped);
        }
        return ChildWait.ExitCode(status);
    }
}
