using System.Globalization;
using System.Text;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Runtime.Launch;

/// <summary>linux.timeOffsets → /proc/PID/timens_offsets ("monotonic SECS NANOS" / "boottime ..."), written by the parent.</summary>
public static class TimeOffsets
{
    public static string Render(IReadOnlyDictionary<string, LinuxTimeOffset> offsets)
    {
        var sb = new StringBuilder();
        foreach (var (clock, o) in offsets)
        {
            if (clock is not ("monotonic" or "boottime")) throw new SpecException($"config.json: linux.timeOffsets: unknown clock \"{clock}\"");
            sb.Append(CultureInfo.InvariantCulture, $"{clock} {o.Secs} {o.Nanosecs}\n");
        }
        return sb.ToString();
    }

    public static void Write(int pid, IReadOnlyDictionary<string, LinuxTimeOffset>? offsets)
    {
        if (offsets is null || offsets.Count == 0) return;
        string path = $"/proc/{pid}/timens_offsets";
        using var fd = SafeFd.Open(path, Interop.Libc.O_WRONLY);
        // One write per clock: the kernel accepts one line at a time reliably.
        foreach (var line in Render(offsets).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            FdIo.WriteAll(fd, Encoding.ASCII.GetBytes(line + "\n"), path);
    }
}
