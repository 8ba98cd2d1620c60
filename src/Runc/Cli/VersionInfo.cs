using System.Reflection;

namespace Runc.Cli;

/// <summary>
/// What <c>nrunc --version</c> prints. The version and commit come from the assembly's informational
/// version, which the SDK stamps as "0.1.0+&lt;git sha&gt;" from the project's &lt;Version&gt; and the git
/// checkout it builds in (reading an assembly attribute is AOT-safe: no reflection over members).
/// </summary>
public static class VersionInfo
{
    /// <summary>Our program name, used where runc prints "runc" (help, usage errors, error prefixes).</summary>
    public const string Name = "nrunc";

    /// <summary>The OCI runtime-spec version nrunc implements (also reported by state and features).</summary>
    public const string SpecVersion = "1.2.1";

    private static (string Version, string Commit)? _stamp;

    /// <summary>"0.1.0" (the part of the informational version before '+').</summary>
    public static string Version => Stamp().Version;

    /// <summary>The git commit the binary was built from, or "unknown" outside a git checkout.</summary>
    public static string Commit => Stamp().Commit;

    /// <summary>
    /// The lines after "nrunc version ": runc's shape, so that go-runc finds "commit:" and "spec:".
    /// docker splits every line containing the word "version", so no other line may contain it.
    /// </summary>
    public static string Details => $"{Version}\ncommit: {Commit}\nspec: {SpecVersion}\ndotnet: {Environment.Version}";

    /// <summary>The whole <c>--version</c> output, newline-terminated.</summary>
    public static string Text => $"{Name} version {Details}\n";

    private static (string Version, string Commit) Stamp() => _stamp ??= Split(
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    internal static (string Version, string Commit) Split(string? informational)
    {
        if (string.IsNullOrEmpty(informational)) return ("0.0.0", "unknown");
        int plus = informational.IndexOf('+');
        if (plus < 0) return (informational, "unknown");
        string commit = informational[(plus + 1)..];
        return (informational[..plus], commit.Length == 0 ? "unknown" : commit);
    }
}
