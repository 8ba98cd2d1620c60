using System.Globalization;

namespace Runc.Runtime.Containers;

/// <summary>What /proc/PID/stat says about a process: its state letter and start time (to detect pid reuse).</summary>
public readonly record struct ProcStat(char State, ulong StartTime)
{
    public static ProcStat? Read(int pid)
    {
        if (pid <= 0) return null;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
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
