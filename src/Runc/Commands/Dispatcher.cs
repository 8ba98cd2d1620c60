using Runc.Cli;
using Runc.Runtime.State;

namespace Runc.Commands;

/// <summary>Command name → handler. Handlers are thin: they read flags and call Runc.Runtime.</summary>
internal static class Dispatcher
{
    public static int Dispatch(Invocation inv)
    {
        AllocationPressureProbe.StartIfAsked();
        return Route(inv);
    }

    private static int Route(Invocation inv) => inv.Command.Name switch
    {
        "create" => CreateCommand.Run(inv),
        "start" => StartCommand.Run(inv),
        "run" => RunCommand.Run(inv),
        "kill" => KillCommand.Run(inv),
        "delete" => DeleteCommand.Run(inv),
        "state" => StateCommand.Run(inv),
        "list" => ListCommand.Run(inv),
        "spec" => SpecCommand.Run(inv),
        "features" => FeaturesCommand.Run(inv),
        "pause" => PauseCommand.Run(inv),
        "resume" => ResumeCommand.Run(inv),
        "update" => UpdateCommand.Run(inv),
        "events" => EventsCommand.Run(inv),
        "exec" => ExecCommand.Run(inv),
        "ps" => PsCommand.Run(inv),
        _ => NotImplemented(inv),
    };

    /// <summary>checkpoint/restore (CRIU's `criu check` fails on this kernel): the id is still checked first.</summary>
    private static int NotImplemented(Invocation inv)
    {
        if (inv.Args.Count > 0) ContainerId.Validate(inv.ContainerId);
        throw new RuncException($"\"{inv.Command.Name}\" is not implemented yet");
    }

    public static ContainerStore Store(Invocation inv) => new(inv.Globals.Root);

    /// <summary>
    /// Rootless cgroups (runc's shouldUseRootlessCgroupManager): --rootless if given; for "auto": not with
    /// --systemd-cgroup, yes when euid != 0, yes for root inside a user namespace (rootless podman), no for real root.
    /// </summary>
    public static bool Rootless(Invocation inv)
    {
        if (inv.Globals.ParseRootless() is bool given) return given;
        if (inv.Globals.SystemdCgroup) return false;
        if (Runc.Linux.Interop.Libc.Geteuid() != 0) return true;
        return HostFacts.Current.InUserNamespace();
    }

    public static void Out(string text) => Runc.Linux.FdStream.Stdout.Write(System.Text.Encoding.UTF8.GetBytes(text));
}
