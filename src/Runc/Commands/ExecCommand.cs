using Runc.Cli;
using Runc.Runtime.Containers;
using Runc.Runtime.Launch;

namespace Runc.Commands;

/// <summary>
/// exec: start a process inside a created or running container. Foreground: stdio are nrunc's own (inherited),
/// signals are forwarded and nrunc exits with the process's status (128+N for a signal). Detached: returns once
/// the process has exec'd, its pid in --pid-file. Failures of the exec itself exit 255 (the command table).
/// </summary>
internal static class ExecCommand
{
    public static int Run(Invocation inv)
    {
        // Before anything of ours can take a free fd number in 3..3+N-1 and hide a missing one.
        int preserve = checked((int)inv.GetInt("preserve-fds"));
        string? missing = Executor.CheckPreservedFds(preserve);
        var req = Request(inv, missing);
        var started = Executor.Start(Dispatcher.Store(inv), inv.ContainerId, req);
        if (req.Detach) return 0;
        using var terminal = started.Terminal;
        return ChildWait.ExitCode(Supervisor.WaitForwarding(started.Pid, terminal));
    }

    private static string? NonEmpty(Invocation inv, string name) =>
        inv.IsSet(name) && inv.GetString(name).Length > 0 ? inv.GetString(name) : null;

    public static ExecRequest Request(Invocation inv, string? preserveFdsError) => new()
    {
        ProcessFile = NonEmpty(inv, "process"),
        Args = inv.ArgsAfterId(),
        Cwd = NonEmpty(inv, "cwd"),
        Env = inv.GetStrings("env"),
        Tty = inv.IsSet("tty") ? inv.GetBool("tty") : null,
        User = NonEmpty(inv, "user"),
        AdditionalGids = inv.GetStrings("additional-gids"),
        Caps = inv.GetStrings("cap"),
        NoNewPrivs = inv.IsSet("no-new-privs") ? inv.GetBool("no-new-privs") : null,
        AppArmor = NonEmpty(inv, "apparmor"),
        ProcessLabel = NonEmpty(inv, "process-label"),
        ConsoleSocket = NonEmpty(inv, "console-socket"),
        PidfdSocket = NonEmpty(inv, "pidfd-socket"),
        Detach = inv.GetBool("detach"),
        PidFile = NonEmpty(inv, "pid-file") is { } pf ? Path.GetFullPath(pf) : null,
        PreserveFds = checked((int)inv.GetInt("preserve-fds")),
        Cgroups = inv.GetStrings("cgroup"),
        IgnorePaused = inv.GetBool("ignore-paused"),
        PreserveFdsError = preserveFdsError,
    };
}
