namespace Runc.Cli;

/// <summary>
/// How many positional arguments a command accepts (runc's checkArgs). <c>Exactly(1)</c>, <c>Minimum(1)</c>,
/// or a range like kill's 1..2, which runc checks as "minimum 1" then "maximum 2".
/// </summary>
public readonly record struct ArgRule(int? Min, int? Max)
{
    public static ArgRule Any => new(null, null);
    public static ArgRule Exactly(int n) => new(n, n);
    public static ArgRule Minimum(int n) => new(n, null);
    public static ArgRule Maximum(int n) => new(null, n);
    public static ArgRule Between(int min, int max) => new(min, max);

    /// <summary>
    /// Null when <paramref name="count"/> is fine, else runc's message with our program name:
    /// <c>nrunc: "create" requires exactly 1 argument(s)</c> (runc prints its argv[0]).
    /// </summary>
    public string? Check(string command, int count)
    {
        if (Min is { } min && Max == min)
            return count == min ? null : Message(command, "exactly", min);
        if (Min is { } lo && count < lo) return Message(command, "a minimum of", lo);
        if (Max is { } hi && count > hi) return Message(command, "a maximum of", hi);
        return null;
    }

    private static string Message(string command, string how, int n) =>
        $"{VersionInfo.Name}: \"{command}\" requires {how} {n} argument(s)";
}

/// <summary>
/// One nrunc command as the parser and help see it. Handlers never look at this for flag values;
/// they use <see cref="Invocation"/>.
/// </summary>
public sealed record CommandDef
{
    public required string Name { get; init; }
    /// <summary>The one-line summary shown in the command list and after "NAME:".</summary>
    public required string Usage { get; init; }
    /// <summary>What follows "[command options]" in USAGE (may span lines).</summary>
    public string ArgsUsage { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<FlagDef> Flags { get; init; } = [];
    public ArgRule Args { get; init; } = ArgRule.Any;
    /// <summary>
    /// cli's SkipArgReorder (runc sets it on exec and ps): flag parsing stops at the first positional,
    /// so everything after the container id belongs to the workload (exec) or to ps(1).
    /// </summary>
    public bool SkipArgReorder { get; init; }
    public bool Hidden { get; init; }
    /// <summary>Prepended to every failure message of this command ("nrunc create failed: ", "exec failed: ").</summary>
    public string ErrorPrefix { get; init; } = "";
    /// <summary>Exit status for a failure of the command itself; null = the exception's own (1). exec uses 255.</summary>
    public int? FailureExitCode { get; init; }
}
