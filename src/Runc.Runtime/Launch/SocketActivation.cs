using System.Globalization;

namespace Runc.Runtime.Launch;

/// <summary>
/// systemd socket activation as runc honours it: LISTEN_FDS fds starting at 3 are passed on only when
/// LISTEN_PID names this very process; the container then sees LISTEN_PID=1.
/// </summary>
public static class SocketActivation
{
    public static int InheritedFds()
    {
        string? fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        if (string.IsNullOrEmpty(fds) || pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) return 0;
        return int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 0;
    }
}
