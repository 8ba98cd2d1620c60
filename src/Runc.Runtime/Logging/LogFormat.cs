namespace Runc.Runtime.Logging;

/// <summary>The two line formats of <c>--log-format</c>.</summary>
public enum LogFormat
{
    /// <summary>logrus text: <c>time="..." level=error msg="..."</c>.</summary>
    Text,
    /// <summary>One JSON object per line: <c>{"level":"error","msg":"...","time":"..."}</c>.</summary>
    Json,
}

public static class LogFormats
{
    /// <summary>Parses a <c>--log-format</c> value; empty means text, as in runc.</summary>
    public static LogFormat Parse(string value) => value switch
    {
        "" or "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        _ => throw new RuncException("invalid log-format: " + value),
    };
}
