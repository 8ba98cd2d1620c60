using System.Text;
using Runc.Runtime.Logging;

namespace Runc.Cli;

/// <summary>
/// nrunc's front door: parse, answer help/version/usage errors, set up logging from the global flags,
/// run the command, and turn its failure into runc's one error record and exit status.
/// </summary>
public static class App
{
    /// <summary>The process's own stdout/stderr and clock; tests substitute their own.</summary>
    internal sealed record Io(Stream Stdout, Stream Stderr, Func<DateTimeOffset> Clock)
    {
        public static Io Console() =>
            new(Runc.Linux.FdStream.Stdout, Runc.Linux.FdStream.Stderr, static () => DateTimeOffset.Now);
    }

    /// <summary>
    /// Runs one nrunc call. <paramref name="dispatch"/> executes the parsed command and returns the exit
    /// status (for run/exec: the workload's); a <see cref="RuncException"/> it throws becomes the fatal
    /// log record, prefixed per command ("nrunc create failed: ", "exec failed: ") with the command's exit code.
    /// </summary>
    public static int Run(string[] argv, Func<Invocation, int> dispatch) => Run(argv, dispatch, Io.Console(), HostFacts.Current);

    internal static int Run(IReadOnlyList<string> argv, Func<Invocation, int> dispatch, Io io, HostFacts host)
    {
        Logger.Reset(io.Stderr, io.Clock);
        var result = CommandLine.Parse(argv, host);

        if (result.Globals is { } globals)
        {
            // runc's app.Before: only for command lines that get this far (not --help/--version).
            try
            {
                PrepareXdgRoot(globals);
                Logger.Configure(globals.LogFormat, globals.Debug, globals.LogFile, io.Stderr, io.Clock);
            }
            catch (RuncException e)
            {
                return Logger.Fatal(e.Message, 1);
            }
        }

        if (result.Stdout.Length > 0) Write(io.Stdout, result.Stdout);
        if (result.Outcome != ParseOutcome.Run) return result.Error is null ? result.ExitCode : Logger.Fatal(result.Error, result.ExitCode);

        var invocation = result.Invocation!;
        var command = invocation.Command;
        try
        {
            return dispatch(invocation);
        }
        catch (RuncException e)
        {
            return Logger.Fatal(command.ErrorPrefix + e.Message, command.FailureExitCode ?? e.ExitCode);
        }
        catch (Exception e)
        {
            // A bug or an unwrapped .NET error: still end with one clean error record (containerd rejects
            // anything else in log.json), keeping the details for --debug.
            Logger.Debug(e.ToString());
            return Logger.Fatal(command.ErrorPrefix + Describe(e), command.FailureExitCode ?? 1);
        }
    }

    /// <summary>
    /// When the root comes from $XDG_RUNTIME_DIR, runc makes it 0700 with the sticky bit before anything else,
    /// because tmpfiles cleaners prune XDG_RUNTIME_DIR entries that lack it.
    /// </summary>
    /// <summary>
    /// Framework exceptions carry resource keys instead of sentences in this trimmed build; say what they mean
    /// in errno words, like every other nrunc error.
    /// </summary>
    internal static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "file name too long",
        IOException io when io.HResult is > 0 and < 200 => Runc.Linux.Errno.Message(io.HResult),
        OutOfMemoryException => "cannot allocate memory",
        _ => e.Message,
    };

    private static void PrepareXdgRoot(GlobalOptions globals)
    {
        if (globals.RootIsSet || !globals.RootFromXdg || !OperatingSystem.IsLinux()) return;
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            Directory.CreateDirectory(globals.Root, Private);
            File.SetUnixFileMode(globals.Root, Private | UnixFileMode.StickyBit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuncException($"mkdir \"{globals.Root}\": {e.Message}");
        }
    }

    private static void Write(Stream stream, string text)
    {
        try
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush();
        }
        catch (IOException) { } // a closed stdout must not hide the real outcome
    }
}
