namespace Runc.Cli;

/// <summary>
/// A parsed, valid command line: what a command handler receives. Flags are read by any of their
/// names without dashes, e.g. <c>inv.GetString("bundle")</c>, <c>inv.GetBool("d")</c>,
/// <c>inv.GetStrings("env")</c>; <see cref="Args"/> are the positionals (container id first).
/// </summary>
public sealed class Invocation
{
    public Invocation(GlobalOptions globals, CommandDef command, FlagValues flags, IReadOnlyList<string> args)
    {
        Globals = globals;
        Command = command;
        Flags = flags;
        Args = args;
    }

    public GlobalOptions Globals { get; }
    public CommandDef Command { get; }
    public FlagValues Flags { get; }
    /// <summary>Positionals after the flags. For exec, everything after the id is the command, flag-looking words included.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The first positional: the container id for every command that takes one.</summary>
    public string ContainerId => Args.Count > 0 ? Args[0] : "";

    /// <summary>The positional arguments after the container id (exec's command, ps's options).</summary>
    public List<string> ArgsAfterId()
    {
        var rest = new List<string>(Math.Max(0, Args.Count - 1));
        for (int i = 1; i < Args.Count; i++) rest.Add(Args[i]);
        return rest;
    }

    public bool IsSet(string name) => Flags.IsSet(name);
    public bool GetBool(string name) => Flags.GetBool(name);
    public string GetString(string name) => Flags.GetString(name);
    public IReadOnlyList<string> GetStrings(string name) => Flags.GetStrings(name);
    public long GetInt(string name) => Flags.GetInt(name);
    public ulong GetUint(string name) => Flags.GetUint(name);
    public TimeSpan GetDuration(string name) => Flags.GetDuration(name);
}
