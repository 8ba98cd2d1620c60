using Runc.Runtime.Logging;

namespace Runc.Cli;

/// <summary>
/// Turns argv into a <see cref="ParseResult"/> following runc's urfave/cli v1 flow step by step:
/// global flags (only before the command) → --help/--version → "before" (root, log format) →
/// command lookup → command flags (reordered unless exec/ps) → -h → argument count.
/// Pure apart from reading <see cref="HostFacts"/> and the working directory: it opens no file.
/// </summary>
public static class CommandLine
{
    public static ParseResult Parse(IReadOnlyList<string> argv, HostFacts host)
    {
        // 1. Global flags. cli reports a two-forms clash before any parse error, and without "Incorrect Usage.".
        var globalFlags = new FlagValues(CommandTable.GlobalFlags);
        List<string> rest = [];
        UsageException? parseError = null;
        try { rest = GoFlagParser.Parse(globalFlags, argv); }
        catch (UsageException e) { parseError = e; }
        try { GoFlagParser.CheckOneFormPerFlag(globalFlags); }
        catch (UsageException e) { return Usage(null, e.Message + "\n" + HelpText.ForApp(), e.Message); }
        if (parseError is not null)
            return Usage(null, $"Incorrect Usage. {parseError.Message}\n\n{HelpText.ForApp()}", parseError.Message);

        // 2. Help and version win over everything else and need no set-up (no log file is created).
        if (globalFlags.GetBool("help")) return Info(null, HelpText.ForApp());
        if (globalFlags.GetBool("version")) return Info(null, VersionInfo.Text);

        // 3. runc's app.Before: a failure here is logged by the default (stderr, text) logger.
        GlobalOptions globals;
        try { globals = ReadGlobals(globalFlags, host); }
        catch (RuncException e) { return new ParseResult { Outcome = ParseOutcome.Failed, Error = e.Message }; }

        // 4. The command, or the help "command".
        if (rest.Count == 0) return Info(globals, HelpText.ForApp());
        string name = rest[0];
        if (name is "help" or "h")
        {
            if (rest.Count == 1 || rest[1] is "help" or "h") return Info(globals, HelpText.ForApp());
            return CommandTable.Find(rest[1]) is { } topic ? Info(globals, HelpText.ForCommand(topic)) : Unknown(globals, rest[1]);
        }
        var command = CommandTable.Find(name);
        if (command is null) return Unknown(globals, name);

        // 5. Command flags; cli adds the hidden help flag to every command.
        List<FlagDef> defs = [.. command.Flags, CommandTable.CommandHelp];
        var flags = new FlagValues(defs);
        var commandArgs = rest.GetRange(1, rest.Count - 1);
        List<string> positionals;
        try
        {
            positionals = GoFlagParser.Parse(flags, command.SkipArgReorder ? commandArgs : GoFlagParser.Reorder(defs, commandArgs));
            GoFlagParser.CheckOneFormPerFlag(flags);
        }
        catch (UsageException e)
        {
            return Usage(globals, $"Incorrect Usage: {e.Message}\n\n{HelpText.ForCommand(command)}", e.Message);
        }
        if (flags.GetBool("help")) return Info(globals, HelpText.ForCommand(command));

        // 6. runc's checkArgs, the first thing each command's action does.
        if (command.Args.Check(command.Name, positionals.Count) is { } countError)
            return Usage(globals, "Incorrect Usage.\n\n" + HelpText.ForCommand(command), countError);

        return new ParseResult
        {
            Outcome = ParseOutcome.Run,
            Globals = globals,
            Invocation = new Invocation(globals, command, flags, positionals),
        };
    }

    private static GlobalOptions ReadGlobals(FlagValues flags, HostFacts host)
    {
        bool rootIsSet = flags.IsSet("root");
        var (defaultRoot, fromXdg) = rootIsSet ? ("", false) : RootDirectory.Default(host);
        string root = RootDirectory.Revise(rootIsSet ? flags.GetString("root") : defaultRoot);
        string logFile = flags.GetString("log");
        return new GlobalOptions
        {
            Root = root,
            RootIsSet = rootIsSet,
            RootFromXdg = fromXdg,
            LogFile = logFile.Length == 0 ? null : logFile,
            LogFormat = LogFormats.Parse(flags.GetString("log-format")),
            Debug = flags.GetBool("debug"),
            SystemdCgroup = flags.GetBool("systemd-cgroup"),
            Rootless = flags.GetString("rootless"),
            Criu = flags.GetString("criu"),
        };
    }

    private static ParseResult Info(GlobalOptions? globals, string text) =>
        new() { Outcome = ParseOutcome.Info, Globals = globals, Stdout = text };

    private static ParseResult Usage(GlobalOptions? globals, string stdout, string error) =>
        new() { Outcome = ParseOutcome.UsageError, Globals = globals, Stdout = stdout, Error = error };

    // cli's help action fails with this text, newline included, and exit status 3.
    private static ParseResult Unknown(GlobalOptions globals, string name) =>
        new() { Outcome = ParseOutcome.UnknownCommand, Globals = globals, Error = $"No help topic for '{name}'\n" };
}
