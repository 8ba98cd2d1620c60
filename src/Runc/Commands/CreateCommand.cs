using Runc.Cli;
using Runc.Runtime.Containers;

namespace Runc.Commands;

internal static class CreateCommand
{
    public static int Run(Invocation inv)
    {
        Launcher.Create(Dispatcher.Store(inv), inv.ContainerId, Options(inv, waitForStart: true));
        return 0;
    }

    /// <summary>Flags shared by create and run.</summary>
    public static CreateOptions Options(Invocation inv, bool waitForStart) => new()
    {
        Bundle = inv.GetString("bundle"),
        PidFile = inv.IsSet("pid-file") && inv.GetString("pid-file").Length > 0 ? Path.GetFullPath(inv.GetString("pid-file")) : null,
        ConsoleSocket = inv.IsSet("console-socket") && inv.GetString("console-socket").Length > 0 ? inv.GetString("console-socket") : null,
        PidfdSocket = inv.IsSet("pidfd-socket") && inv.GetString("pidfd-socket").Length > 0 ? inv.GetString("pidfd-socket") : null,
        NoPivot = inv.GetBool("no-pivot"),
        NoNewKeyring = inv.GetBool("no-new-keyring"),
        PreserveFds = checked((int)inv.GetInt("preserve-fds")),
        WaitForStart = waitForStart,
        SystemdCgroup = inv.Globals.SystemdCgroup,
        // Real root keeps strict cgroups (device rules) even with an explicit --rootless=true.
        Rootless = Dispatcher.Rootless(inv) && (Runc.Linux.Interop.Libc.Geteuid() != 0 || HostFacts.Current.InUserNamespace()),
    };
}
