using Runc.Runtime.Logging;

namespace Runc.Cli;

/// <summary>The global flags (given before the command), already checked and with defaults applied.</summary>
public sealed record GlobalOptions
{
    /// <summary>Absolute state directory: --root, or the default chosen by <see cref="RootDirectory.Default(HostFacts)"/>.</summary>
    public required string Root { get; init; }
    public bool RootIsSet { get; init; }
    /// <summary>The root came from $XDG_RUNTIME_DIR: runc creates it 0700 with the sticky bit so it is not pruned.</summary>
    public bool RootFromXdg { get; init; }
    /// <summary>--log; null means stderr.</summary>
    public string? LogFile { get; init; }
    public LogFormat LogFormat { get; init; }
    public bool Debug { get; init; }
    public bool SystemdCgroup { get; init; }
    /// <summary>--rootless as given ("auto" by default); read it with <see cref="ParseRootless"/> where it matters.</summary>
    public string Rootless { get; init; } = "auto";
    /// <summary>--criu (default "criu"): accepted for containerd 1.6, which sends it when CriuPath is configured.</summary>
    public string Criu { get; init; } = "criu";

    /// <summary>
    /// --rootless as runc reads it (parseBoolOrAuto): null for "auto"/"", else Go's ParseBool. Checked only
    /// by the commands that need it, like runc, so a bad value does not break <c>list</c>.
    /// </summary>
    public bool? ParseRootless()
    {
        if (Rootless.Length == 0 || Rootless.Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        if (GoValues.ParseBool(Rootless, out bool value) is null) return value;
        throw new RuncException($"invalid --rootless value \"{Rootless}\": want true, false or auto");
    }
}
