using System.Globalization;

namespace Runc.Runtime.Containers;

/// <summary>What /proc/PID/stat says about a process: its state letter and start time (to detect pid reuse).</summary>
public readonly record struct ProcStat(char State, ulong StartTime)
{
    public static ProcStat? Read(int pid)
    {
        if (pid <= 0) return null;
        string? text = ReadSmallFile($"/proc/{pid}/stat");
        if (text is null) return null;
        return Parse(text);
    }

    /// <summary>Plain open/read/close with the project's fd helpers (File.ReadAllText costs twice the syscalls and a
    /// stream, and every `state`, `list` entry and signal check reads this); null if it cannot be read.</summary>
    private static string? ReadSmallFile(string path)
    {
        try
        {
            using var fd = Runc.Linux.SafeFd.Open(path, Runc.Linux.Interop.Libc.O_RDONLY | Runc.Linux.Interop.Libc.O_CLOEXEC);
            byte[] bytes = Runc.Linux.FdIo.ReadToEnd(fd.Fd, path);
            return bytes.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(bytes);
        }
        catch (Runc.Linux.SyscallException) { return null; }
    }

    /// <summary>The state letter and start time of a /proc/PID/stat line.</summary>
    public static ProcStat? Parse(string text)
    {
        // comm (field 2) may hold spaces and parentheses: fields restart after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return null;
        var rest = text[(close + 2)..].Split(' ');
        if (rest.Length < 20) return null;
        return new ProcStat(rest[0][0], ulong.Parse(rest[19], CultureInfo.InvariantCulture));
    }

    /// <summary>Alive and the same process that was recorded (a zombie counts as gone).</summary>
    public static bool IsAlive(int pid, ulong startTime) =>
        Read(pid) is { } s && s.State != 'Z' && s.State != 'X' && s.StartTime == startTime;
}
