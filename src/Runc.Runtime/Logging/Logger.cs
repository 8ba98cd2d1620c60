using System.Runtime.CompilerServices;
using System.Text;
using Runc.Linux;

namespace Runc.Runtime.Logging;

/// <summary>
/// nrunc's process-wide logger: synchronous, no buffering, no background thread (DESIGN §3 forbids
/// threads before a clone). Until <see cref="Configure(LogFormat, bool, string?)"/> runs it writes
/// logrus text at level info to stderr, which is also what runc does before it has read its flags.
/// </summary>
public static class Logger
{
    private static LogSink _sink = LogSink.Default();

    /// <summary>True with <c>--debug</c>; lets callers skip building expensive debug messages.</summary>
    public static bool IsDebugEnabled => _sink.MinLevel == LogLevel.Debug;

    /// <summary>
    /// Applies the global flags. A non-empty <paramref name="logFile"/> is opened
    /// O_CREAT|O_WRONLY|O_APPEND|O_SYNC mode 0644 for every command (so even a successful call leaves the file),
    /// exactly like runc; an open failure throws and leaves the previous sink in place.
    /// </summary>
    public static void Configure(LogFormat format, bool debug, string? logFile) =>
        Configure(format, debug, logFile, Runc.Linux.FdStream.Stderr, static () => DateTimeOffset.Now);

    /// <summary>Same as the public overload with the stderr stream and clock replaceable (tests).</summary>
    public static void Configure(LogFormat format, bool debug, string? logFile, Stream stderr, Func<DateTimeOffset> clock)
    {
        Stream? file = null;
        if (!string.IsNullOrEmpty(logFile))
        {
            var fd = SafeFd.Open(logFile,
                Interop.Libc.O_CREAT | Interop.Libc.O_WRONLY | Interop.Libc.O_APPEND | Interop.Libc.O_SYNC, 0x1A4 /* 0644 */);
            // O_APPEND makes every write (including .NET's positioned pwrite) land at the current end of file,
            // so several nrunc calls sharing one log.json (containerd does that) never overwrite each other.
            file = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd.Detach(), ownsHandle: true), FileAccess.Write, bufferSize: 0);
        }
        var old = _sink;
        _sink = new LogSink(format, debug ? LogLevel.Debug : LogLevel.Info, file ?? stderr, file is not null, stderr, clock);
        old.Dispose();
    }

    /// <summary>Back to the start-up state (text, info, stderr). Closes a log file opened by Configure.</summary>
    public static void Reset(Stream? stderr = null, Func<DateTimeOffset>? clock = null)
    {
        var err = stderr ?? Runc.Linux.FdStream.Stderr;
        var old = _sink;
        _sink = new LogSink(LogFormat.Text, LogLevel.Info, err, false, err, clock ?? (static () => DateTimeOffset.Now));
        old.Dispose();
    }

    public static void Debug(string message, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => Write(LogLevel.Debug, message, member, file, line);

    /// <summary>Visible at the default level, like logrus.Info. Never log on a success path: callers' stdio is the container's.</summary>
    public static void Info(string message, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => Write(LogLevel.Info, message, member, file, line);

    public static void Warn(string message, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => Write(LogLevel.Warning, message, member, file, line);

    public static void Error(string message, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => Write(LogLevel.Error, message, member, file, line);

    /// <summary>Ends a command with <paramref name="error"/>: see <see cref="Fatal(string, int, string, string, int)"/>; returns its ExitCode.</summary>
    public static int Fatal(RuncException error, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => Fatal(error.Message, error.ExitCode, member, file, line);

    /// <summary>
    /// runc's fatalWithCode: the error goes to the logger once at level error; when the logger writes to a
    /// file, the bare message also goes to stderr (conmon relays stderr, containerd reads the file).
    /// Returns <paramref name="exitCode"/> so callers can write <c>return Logger.Fatal(...)</c>.
    /// </summary>
    public static int Fatal(string message, int exitCode = 1, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Write(LogLevel.Error, message, member, file, line);
        if (_sink.OutputIsFile)
        {
            // A message that already ends a line (cli's "No help topic ...\n") is written as it is, like Go's writer does.
            _sink.WriteStderr(message.EndsWith('\n') ? message : message + "\n");
        }
        return exitCode;
    }

    private static void Write(LogLevel level, string message, string member, string file, int line)
    {
        var sink = _sink;
        if (level < sink.MinLevel) return;
        // Caller fields appear only with --debug, as with runc (logrus ReportCaller is switched on by --debug).
        LogLine.Caller? caller = sink.MinLevel == LogLevel.Debug ? new LogLine.Caller(member, ShortPath(file) + ":" + line) : null;
        DateTimeOffset now = sink.Clock();
        sink.WriteLine(sink.Format == LogFormat.Json
            ? LogLine.Json(now, level, message, caller)
            : LogLine.Text(now, level, message, caller));
    }

    /// <summary>Build paths are absolute; keep the part from the project directory on (e.g. "Runc/Cli/App.cs").</summary>
    private static string ShortPath(string path)
    {
        int i = path.LastIndexOf("/src/", StringComparison.Ordinal);
        return i >= 0 ? path[(i + 5)..] : Path.GetFileName(path);
    }

    private sealed class LogSink(LogFormat format, LogLevel minLevel, Stream output, bool outputIsFile, Stream stderr, Func<DateTimeOffset> clock) : IDisposable
    {
        public LogFormat Format { get; } = format;
        public LogLevel MinLevel { get; } = minLevel;
        public bool OutputIsFile { get; } = outputIsFile;
        public Func<DateTimeOffset> Clock { get; } = clock;

        public static LogSink Default()
        {
            var err = Runc.Linux.FdStream.Stderr;
            return new(LogFormat.Text, LogLevel.Info, err, false, err, static () => DateTimeOffset.Now);
        }

        public void WriteLine(string text) => WriteTo(output, text);
        public void WriteStderr(string text) => WriteTo(stderr, text);

        // Logging must never turn into a second failure (full disk, closed stderr): drop the line instead.
        private static void WriteTo(Stream stream, string text)
        {
            try
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush();
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            catch (NotSupportedException) { }
        }

        public void Dispose()
        {
            if (OutputIsFile) output.Dispose();
        }
    }
}
