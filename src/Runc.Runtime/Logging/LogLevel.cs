namespace Runc.Runtime.Logging;

/// <summary>Severity of a log line, ordered so that "more verbose" is smaller. Names follow logrus.</summary>
public enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}

public static class LogLevels
{
    /// <summary>The word logrus writes for the level (clients such as containerd compare it to "error").</summary>
    public static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warning => "warning",
        _ => "error",
    };
}
