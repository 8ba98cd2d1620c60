using System.Text.Json;

namespace Runc.Oci;

/// <summary>
/// Reads a spec document straight into the model with Utf8JsonReader, for the common case: a well-formed, well-typed
/// document. Through System.Text.Json, setting up the metadata for the ~50 model types (converters, reflection over
/// attributes) was ~17% of a whole <c>run</c> (issue 10); this reader needs none. It gives up (false) on anything it
/// would have to judge: a value of the wrong kind, a number out of range, a null where the model has no null, a null
/// element, invalid UTF-8, too deep. The caller then takes the System.Text.Json path, whose errors carry Go's wording.
/// The per-type readers are generated from the model (tools/json-gen/gen.py); SpecFastReaderTests checks, over every
/// test and fuzz document, that this reader builds what System.Text.Json builds or gives up.
/// </summary>
internal static partial class SpecFastReader
{
    private delegate bool ElementReader<T>(ref Utf8JsonReader r, out T? value);

    public static bool TryReadSpec(ReadOnlySpan<byte> json, out Spec? value) => TryRead(json, ReadSpec, out value);

    public static bool TryReadProcess(ReadOnlySpan<byte> json, out Process? value) => TryRead(json, ReadProcess, out value);

    public static bool TryReadResources(ReadOnlySpan<byte> json, out LinuxResources? value) => TryRead(json, ReadLinuxResources, out value);

    private static bool TryRead<T>(ReadOnlySpan<byte> json, ElementReader<T> read, out T? value) where T : class
    {
        value = null;
        try
        {
            // The serializer's defaults: depth 64, no comments, no trailing commas.
            var r = new Utf8JsonReader(json);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            if (!read(ref r, out T? v) || v is null) return false;
            if (r.Read()) return false; // more after the document
            value = v;
            return true;
        }
        catch (JsonException) { return false; }
        catch (InvalidOperationException) { return false; } // invalid UTF-8 or escapes in a string
    }

    /// <summary>The serializer's PropertyNameCaseInsensitive matching.</summary>
    private static bool Is(string name, string json) => string.Equals(name, json, StringComparison.OrdinalIgnoreCase);

    private static bool StringOrEmpty(ref Utf8JsonReader r, out string value)
    {
        value = r.TokenType == JsonTokenType.String ? r.GetString()! : "";
        return r.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    private static bool NullableString(ref Utf8JsonReader r, out string? value)
    {
        value = r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return r.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    private static bool RequiredString(ref Utf8JsonReader r, out string? value)
    {
        value = r.TokenType == JsonTokenType.String ? r.GetString() : null;
        return value != null;
    }

    private static bool Bool(ref Utf8JsonReader r, out bool value)
    {
        value = r.TokenType == JsonTokenType.True;
        return r.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    private static bool NullableBool(ref Utf8JsonReader r, out bool? value)
    {
        value = r.TokenType == JsonTokenType.Null ? null : r.TokenType == JsonTokenType.True;
        return r.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;
    }

    private static bool Int16(ref Utf8JsonReader r, out short value) { value = 0; return r.TokenType == JsonTokenType.Number && r.TryGetInt16(out value); }
    private static bool UInt16(ref Utf8JsonReader r, out ushort value) { value = 0; return r.TokenType == JsonTokenType.Number && r.TryGetUInt16(out value); }
    private static bool Int32(ref Utf8JsonReader r, out int value) { value = 0; return r.TokenType == JsonTokenType.Number && r.TryGetInt32(out value); }
    private static bool UInt32(ref Utf8JsonReader r, out uint value) { value = 0; return r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out value); }
    private static bool Int64(ref Utf8JsonReader r, out long value) { value = 0; return r.TokenType == JsonTokenType.Number && r.TryGetInt64(out value); }
    private static bool UInt64(ref Utf8JsonReader r, out ulong value) { value = 0; return r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out value); }

    private static bool NullableInt16(ref Utf8JsonReader r, out short? value) => Nullable(ref r, Int16, out value);
    private static bool NullableUInt16(ref Utf8JsonReader r, out ushort? value) => Nullable(ref r, UInt16, out value);
    private static bool NullableInt32(ref Utf8JsonReader r, out int? value) => Nullable(ref r, Int32, out value);
    private static bool NullableUInt32(ref Utf8JsonReader r, out uint? value) => Nullable(ref r, UInt32, out value);
    private static bool NullableInt64(ref Utf8JsonReader r, out long? value) => Nullable(ref r, Int64, out value);
    private static bool NullableUInt64(ref Utf8JsonReader r, out ulong? value) => Nullable(ref r, UInt64, out value);

    private static bool Nullable<T>(ref Utf8JsonReader r, ElementReader<T> read, out T? value) where T : struct
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (!read(ref r, out T v)) return false;
        value = v;
        return true;
    }

    /// <summary>A list, or null; a null element is left to the slow path (the loader refuses it there).</summary>
    private static bool List<T>(ref Utf8JsonReader r, out List<T>? value, ElementReader<T> read)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.StartArray) return false;
        var list = new List<T>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.Null || !read(ref r, out T? item) || item is null) return false;
            list.Add(item);
        }
        if (r.TokenType != JsonTokenType.EndArray) return false;
        value = list;
        return true;
    }

    /// <summary>A map (ordinal keys, the last of a repeated key wins, as SortedKeysDictionaryConverter reads), or null.</summary>
    private static bool Map<T>(ref Utf8JsonReader r, out Dictionary<string, T>? value, ElementReader<T> read)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string key = r.GetString()!;
            if (!r.Read() || r.TokenType == JsonTokenType.Null || !read(ref r, out T? item) || item is null) return false;
            map[key] = item;
        }
        if (r.TokenType != JsonTokenType.EndObject) return false;
        value = map;
        return true;
    }
}
