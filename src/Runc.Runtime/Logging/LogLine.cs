using System.Text;
using Runc.Oci;

namespace Runc.Runtime.Logging;

/// <summary>
/// Renders one log record in runc's (logrus's) shapes. Pure: the time and caller are inputs,
/// so tests can pin every byte.
/// </summary>
public static class LogLine
{
    /// <summary>Where the log call was made; only written with <c>--debug</c>, as logrus' ReportCaller does.</summary>
    public readonly record struct Caller(string Function, string FileAndLine);

    /// <summary>
    /// JSON: keys sorted alphabetically (file, func, level, msg, time), Go escaping, newline-terminated.
    /// containerd decodes the file as a stream of these objects and podman as a single one.
    /// </summary>
    public static string Json(DateTimeOffset time, LogLevel level, string message, Caller? caller)
    {
        var sb = new StringBuilder(64 + message.Length);
        sb.Append('{');
        if (caller is { } c)
        {
            sb.Append("\"file\":");
            GoStrings.AppendJsonString(sb, c.FileAndLine);
            sb.Append(",\"func\":");
            GoStrings.AppendJsonString(sb, c.Function);
            sb.Append(',');
        }
        sb.Append("\"level\":\"").Append(LogLevels.Name(level)).Append("\",\"msg\":");
        GoStrings.AppendJsonString(sb, message);
        sb.Append(",\"time\":\"").Append(Rfc3339(time)).Append("\"}\n");
        return sb.ToString();
    }

    /// <summary>
    /// logrus text without a TTY: <c>time="..." level=error msg="..." [func=... file=...]</c>.
    /// logrus leaves out an empty msg and quotes a value only when it has a character outside [A-Za-z0-9-._/@^+].
    /// </summary>
    public static string Text(DateTimeOffset time, LogLevel level, string message, Caller? caller)
    {
        var sb = new StringBuilder(48 + message.Length);
        sb.Append("time=").Append(TextValue(Rfc3339(time)));
        sb.Append(" level=").Append(LogLevels.Name(level));
        if (message.Length != 0) sb.Append(" msg=").Append(TextValue(message));
        if (caller is { } c)
        {
            sb.Append(" func=").Append(TextValue(c.Function + "()"));
            sb.Append(" file=").Append(TextValue(c.FileAndLine));
        }
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>Go's time.RFC3339 ("2006-01-02T15:04:05Z07:00"): whole seconds, "Z" for a zero offset.</summary>
    public static string Rfc3339(DateTimeOffset time) => Runc.Oci.Rfc3339.Format(time);

    private static string TextValue(string value) => NeedsQuoting(value) ? GoStrings.Quote(value) : value;

    private static bool NeedsQuoting(string value)
    {
        foreach (char ch in value)
        {
            bool plain = ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '-' or '.' or '_' or '/' or '@' or '^' or '+';
            if (!plain) return true;
        }
        return false;
    }
}
