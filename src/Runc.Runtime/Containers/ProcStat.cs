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

    /// <summary>One open/read/close (every `state`, `list` entry and signal checks this; File.ReadAllText costs twice
    /// the syscalls and a stream). /proc/PID/stat is well under 2 KiB; null if it cannot be read.</summary>
    private static unsafe string? ReadSmallFile(string path)
    {
        int fd = Runc.Linux.Interop.Libc.OpenAt(Runc.Linux.Interop.Libc.AT_FDCWD, path, Runc.Linux.Interop.Libc.O_RDONLY | Runc.Linux.Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0) return null;
        try
        {
            byte* buf = stackalloc byte[2048];
            nint n;
            do n = Runc.Linux.Interop.Libc.Read(fd, buf, 2048);
            while (n < 0 && Runc.Linux.Errno.Last == Runc.Linux.Errno.EINTR);
            return n <= 0 ? null : System.Text.Encoding.UTF8.GetString(buf, (int)n);
        }
        finally { Runc.Linux.Interop.Libc.Close(fd); }
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
