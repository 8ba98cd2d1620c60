using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runc.Oci;

/// <summary>
/// Reads spec documents: a bundle's config.json, an <c>exec --process</c> file, an
/// <c>update --resources</c> file. Lenient where Go's encoding/json is (unknown keys ignored, keys
/// match case-insensitively, omitted fields stay null) and strict where it helps users
/// (trailing garbage, a <c>null</c> document or a <c>null</c> array element is an error, where runc ignores,
/// crashes or decodes a zero value).
/// Every failure is a <see cref="SpecException"/>.
/// </summary>
public static class SpecLoader
{
    public const string ConfigFileName = "config.json";

    /// <summary>Reads and parses <c>bundleDir/config.json</c> (not validated: see <see cref="SpecValidator"/>).</summary>
    public static Spec LoadBundle(string bundleDir)
    {
        string path = Path.Combine(bundleDir, ConfigFileName);
        byte[] bytes;
        try
        {
            if (Directory.Exists(path)) throw new SpecException($"{ConfigFileName}: {Quote(path)} is a directory, not a file");
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException) { throw NotFound(); }
        catch (DirectoryNotFoundException) { throw NotFound(); }
        catch (UnauthorizedAccessException) { throw new SpecException($"open {Quote(path)}: permission denied"); }
        catch (IOException e) { throw new SpecException($"read {Quote(path)}: {e.Message}"); }
        return Parse(bytes, ConfigFileName);
    }

    /// <summary>runc's exact sentence (runc@v1.1.5:utils_linux.go loadSpec).</summary>
    private static SpecException NotFound() => new("JSON specification file config.json not found");

    /// <summary>Parses a whole config.json; <paramref name="what"/> names the document in errors.</summary>
    public static Spec Parse(ReadOnlySpan<byte> json, string what) =>
        Deserialize(json, what, SpecFastReader.TryReadSpec, static () => OciJsonContext.Default.Spec);

    /// <summary>Parses the process JSON of <c>exec --process FILE</c>.</summary>
    public static Process LoadProcess(ReadOnlySpan<byte> json, string what = "process.json") =>
        Deserialize(json, what, SpecFastReader.TryReadProcess, static () => OciJsonContext.Default.Process);

    /// <summary>Parses the resources JSON of <c>update --resources FILE|-</c>; omitted fields stay null (= unchanged).</summary>
    public static LinuxResources LoadResources(ReadOnlySpan<byte> json, string what = "resources") =>
        Deserialize(json, what, SpecFastReader.TryReadResources, static () => OciJsonContext.Default.LinuxResources);

    private delegate bool FastReader<T>(ReadOnlySpan<byte> json, out T? value);

    /// <param name="fast">Reads the common, well-typed document without serializer metadata (SpecFastReader).</param>
    /// <param name="typeInfo">The serializer's metadata, set up only when the fast reader gives up.</param>
    private static T Deserialize<T>(ReadOnlySpan<byte> json, string what, FastReader<T> fast, Func<JsonTypeInfo<T>> typeInfo) where T : class
    {
        // Go rejects a UTF-8 byte-order mark; we skip it, since some editors add one silently.
        if (json.StartsWith("\uFEFF"u8)) json = json[3..];

        if (GoJsonSyntax.Check(json) is { } syntaxError) throw new SpecException($"{what}: {syntaxError}");

        if (!fast(json, out T? value)) value = DeserializeWithMetadata(json, what, typeInfo());
        if (value == null) throw new SpecException($"{what}: the document is null, expected a JSON object");
        // After the type check, so that a wrong type keeps Go's wording.
        if (NullElements.FindFirst(json) is { } nullAt) throw new SpecException($"{what}: {nullAt}: must not be null");
        // "user": null is Go's zero User (uid 0, gid 0), never a null reference further on.
        if (value is Spec { Process: { } p }) p.User ??= new User();
        if (value is Process proc) proc.User ??= new User();
        return value;
    }

    private static T? DeserializeWithMetadata<T>(ReadOnlySpan<byte> json, string what, JsonTypeInfo<T> typeInfo) where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException e)
        {
            string detail;
            // The describer walks the document again; invalid UTF-8 in a key makes that walk throw (found by ConfigFuzzTests).
            try { detail = GoJsonTypeErrors.Describe(e, json, typeInfo); }
            catch (InvalidOperationException) { detail = "invalid UTF-8 in JSON input"; }
            throw new SpecException($"{what}: {detail}");
        }
        catch (InvalidOperationException e)
        {
            // e.g. a string that is not valid UTF-8
            throw new SpecException($"{what}: {e.Message}");
        }
        return value;
    }

    private static string Quote(string s) => "\"" + s + "\"";
}
