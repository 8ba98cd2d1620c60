using System.Text.Encodings.Web;
using System.Text.Json;

namespace Runc.Oci;

/// <summary>
/// Serialises spec documents the way runc prints them: each output has its own indentation
/// (config.json tabs, features 4 spaces; `state` is StateViewJson's). Escaping: only what JSON requires, so
/// "+" or "'" stay readable (Go additionally writes &lt; &gt; &amp; as \u003c..., an equivalent spelling).
/// </summary>
public static class OciJson
{
    private static readonly object[] s_reflectionRoots = JsonReflectionRoots.Arrays;

    private static JsonSerializerOptions Indented(char character, int size) =>
        new(OciJsonContext.Default.Options)
        {
            WriteIndented = true,
            IndentCharacter = character,
            IndentSize = size,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

    private static readonly OciJsonContext Tabs = new(Indented('\t', 1));
    private static readonly OciJsonContext FourSpaces = new(Indented(' ', 4));
    private static readonly OciJsonContext Compact = new(new JsonSerializerOptions(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>config.json as <c>runc spec</c> writes it: tab-indented, no trailing newline.</summary>
    public static byte[] SerializeSpec(Spec spec) => JsonSerializer.SerializeToUtf8Bytes(spec, Tabs.Spec);

    /// <summary>One-line JSON of the spec (e.g. to store in state or pass to init).</summary>
    public static byte[] SerializeSpecCompact(Spec spec) => JsonSerializer.SerializeToUtf8Bytes(spec, Compact.Spec);

    /// <summary>The hook state document (one line, as runc writes it to a hook's stdin).</summary>
    public static byte[] SerializeHookState(State state) => JsonSerializer.SerializeToUtf8Bytes(state, Compact.State);

    /// <summary>What a seccomp agent receives with the listener fd (one line, as runc's json.Marshal).</summary>
    public static byte[] SerializeContainerProcessState(ContainerProcessState state) =>
        JsonSerializer.SerializeToUtf8Bytes(state, Compact.ContainerProcessState);

    /// <summary><c>nrunc features</c>: 4-space indentation, newline-terminated.</summary>
    public static string SerializeFeatures(Features features) => JsonSerializer.Serialize(features, FourSpaces.Features) + "\n";
}
