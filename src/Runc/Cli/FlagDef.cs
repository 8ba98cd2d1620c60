namespace Runc.Cli;

/// <summary>The value types urfave/cli v1 flags have in runc; each parses like its Go flag.Value.</summary>
public enum FlagKind
{
    /// <summary>Presence means true; only <c>--f=false</c> (never <c>--f false</c>) sets false.</summary>
    Bool,
    String,
    /// <summary>Repeatable; every occurrence appends (<c>--env A=1 --env B=2</c>).</summary>
    StringSlice,
    /// <summary>Go int (64-bit), base auto-detected (0x.., 0o.., 0b.., leading 0 = octal).</summary>
    Int,
    /// <summary>Go uint (64-bit), base auto-detected.</summary>
    Uint,
    /// <summary>Go time.Duration syntax (<c>5s</c>, <c>500ms</c>, <c>1h2m</c>).</summary>
    Duration,
}

/// <summary>
/// One flag of a command. <paramref name="Names"/> holds the long name first and then the aliases
/// (<c>["bundle", "b"]</c>); every name works with one or two dashes. <paramref name="Default"/> is the
/// value as it would be typed on the command line (parsed with the flag's own rules) and is shown in help
/// the way cli v1 shows it.
/// </summary>
public sealed record FlagDef(string[] Names, FlagKind Kind, string Usage, string? Default = null, bool Hidden = false)
{
    public string Name => Names[0];

    public bool TakesValue => Kind != FlagKind.Bool;

    public static FlagDef Bool(string names, string usage, bool hidden = false) => new(Split(names), FlagKind.Bool, usage, null, hidden);
    public static FlagDef String(string names, string usage, string? @default = null, bool hidden = false) => new(Split(names), FlagKind.String, usage, @default, hidden);
    public static FlagDef Strings(string names, string usage) => new(Split(names), FlagKind.StringSlice, usage);
    public static FlagDef Int(string names, string usage, long @default = 0) => new(Split(names), FlagKind.Int, usage, @default.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static FlagDef Uint(string names, string usage) => new(Split(names), FlagKind.Uint, usage, "0");
    public static FlagDef Duration(string names, string usage, string @default) => new(Split(names), FlagKind.Duration, usage, @default);

    /// <summary>"bundle, b" → ["bundle", "b"], the way cli v1 declares names.</summary>
    private static string[] Split(string names) =>
        names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
