namespace Runc;

internal static class Program
{
    // `__systemd-dbus` is nrunc's own D-Bus helper process for the systemd cgroup driver (SystemdHelperBus).
    private static int Main(string[] args) => args is [Runc.Cgroups.Systemd.SystemdDbusHelper.Command]
        ? Runc.Cgroups.Systemd.SystemdDbusHelper.Main()
        : Cli.App.Run(args, Commands.Dispatcher.Dispatch);
}
