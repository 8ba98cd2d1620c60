namespace Runc.Cli;

/// <summary>What the command line asks for, before anything is done about it.</summary>
public enum ParseOutcome
{
    /// <summary>Run <see cref="ParseResult.Invocation"/>.</summary>
    Run,
    /// <summary>Print <see cref="ParseResult.Stdout"/> (help or version), exit 0.</summary>
    Info,
    /// <summary>Print <see cref="ParseResult.Stdout"/> ("Incorrect Usage" + help), log <see cref="ParseResult.Error"/>, exit 1.</summary>
    UsageError,
    /// <summary>A global option is unusable (e.g. <c>--log-format xml</c>): log the error, exit 1.</summary>
    Failed,
    /// <summary>No such command: log "No help topic for 'x'", exit 3.</summary>
    UnknownCommand,
}

/// <summary>
/// The pure result of <see cref="CommandLine.Parse"/>. <see cref="Globals"/> is non-null exactly when runc
/// would have run its "before" step (root, log set-up) for this command line, i.e. when the log file must
/// be opened and errors go to the configured logger; otherwise errors go to the default stderr logger.
/// </summary>
public sealed class ParseResult
{
    public required ParseOutcome Outcome { get; init; }
    public GlobalOptions? Globals { get; init; }
    public Invocation? Invocation { get; init; }
    /// <summary>Text for stdout (help, version, usage report); empty if none.</summary>
    public string Stdout { get; init; } = "";
    /// <summary>The message to log at level error, for the failing outcomes.</summary>
    public string? Error { get; init; }

    public int ExitCode => Outcome switch
    {
        ParseOutcome.Run or ParseOutcome.Info => 0,
        ParseOutcome.UnknownCommand => 3,
        _ => 1,
    };
}
