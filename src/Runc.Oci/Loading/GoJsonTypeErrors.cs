using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runc.Oci;

/// <summary>
/// Turns a System.Text.Json conversion failure on well-formed JSON into Go's sentence
/// <c>json: cannot unmarshal string into Go struct field Process.process.args of type []string</c>.
/// It walks the failing JSON path twice: through the document (to see what value was there) and
/// through the source-generated metadata (to name the field and the expected type), so no reflection.
/// </summary>
internal static class GoJsonTypeErrors
{
    public static string Describe(JsonException ex, ReadOnlySpan<byte> json, JsonTypeInfo root)
    {
        string? fullPath = ex is MapValueJsonException map && ex.Path != null
            ? ex.Path + "['" + map.Key + "']" + map.InnerPath
            : ex.Path;
        var segments = ParsePath(fullPath);
        if (segments == null) return Fallback(ex);

        JsonElement value;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 10000 });
            if (!TryWalkDocument(doc.RootElement, segments, out value)) return Fallback(ex);
            value = value.Clone();
        }
        catch (JsonException)
        {
            return Fallback(ex);
        }

        // Walk the model metadata along the same path. Go names the struct that owns the last
        // field, then the dotted JSON names of every struct field on the way (no indices, no map keys).
        Type type = root.Type;
        string owner = GoName(type);
        var fieldPath = new List<string>();
        JsonTypeInfo? info = root;
        foreach (var segment in segments)
        {
            if (segment.Index != null || info == null || info.Kind != JsonTypeInfoKind.Object)
            {
                type = ElementType(type);
                info = Metadata(info, type);
                continue;
            }
            var property = FindProperty(info.Properties, segment.Name);
            if (property == null) return Fallback(ex);
            owner = GoName(type);
            fieldPath.Add(property.Name);
            type = property.PropertyType;
            info = Metadata(info, type);
        }

        string what = value.ValueKind switch
        {
            JsonValueKind.Number => "number " + value.GetRawText(),
            JsonValueKind.String => "string",
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "null",
        };
        if (value.ValueKind is JsonValueKind.String && IsNumber(type)) what = "string"; // Go has no quoted-number leniency by default
        string target = fieldPath.Count == 0 ? $"value of type {GoTypeName(type)}" : $"Go struct field {owner}.{string.Join('.', fieldPath)} of type {GoTypeName(type)}";
        return $"json: cannot unmarshal {what} into {target}";
    }

    private static JsonTypeInfo? Metadata(JsonTypeInfo? from, Type type) =>
        from?.Options.TypeInfoResolver?.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type, from.Options);

    private static string Fallback(JsonException ex) =>
        $"json: invalid value at {ex.Path ?? "$"} (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})";

    private readonly record struct Segment(string? Name, int? Index);

    /// <summary>Parses STJ's <c>$.a.b[2]['odd key']</c> paths.</summary>
    private static List<Segment>? ParsePath(string? path)
    {
        if (path == null || !path.StartsWith('$')) return null;
        var result = new List<Segment>();
        int i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
                result.Add(new Segment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) return null;
                result.Add(new Segment(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out int index)) return null;
                result.Add(new Segment(null, index));
                i = end + 1;
            }
            else return null;
        }
        return result;
    }

    private static bool TryWalkDocument(JsonElement element, List<Segment> segments, out JsonElement value)
    {
        value = element;
        foreach (var segment in segments)
        {
            if (segment.Index is int index)
            {
                if (value.ValueKind != JsonValueKind.Array || index >= value.GetArrayLength()) return false;
                value = value[index];
                continue;
            }
            if (value.ValueKind != JsonValueKind.Object) return false;
            bool found = false;
            // Last match wins, like both Go and STJ for duplicate keys; names compare case-insensitively.
            foreach (var property in value.EnumerateObject())
            {
                if (string.Equals(property.Name, segment.Name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    found = true;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    private static Type ElementType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType)
        {
            var args = type.GetGenericArguments();
            return args[^1]; // List<T> -> T, Dictionary<K,V> -> V
        }
        return type;
    }

    private static bool IsNumber(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t &&
        (t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong) || t == typeof(ushort));

    private static string GoTypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "string";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(int)) return "int";
        if (type == typeof(uint)) return "uint32";
        if (type == typeof(long)) return "int64";
        if (type == typeof(ulong)) return "uint64";
        if (type == typeof(ushort)) return "uint16";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) return "[]" + GoTypeName(type.GetGenericArguments()[0]);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return "map[string]" + GoTypeName(type.GetGenericArguments()[1]);
        return "specs." + GoName(type);
    }

    /// <summary>The property Go's case-insensitive field match would pick: the first whose JSON name matches.</summary>
    private static JsonPropertyInfo? FindProperty(IList<JsonPropertyInfo> properties, string? name)
    {
        foreach (var p in properties)
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        return null;
    }

    /// <summary>runtime-spec's Go type name for one of our records (they differ only in acronym casing).</summary>
    private static string GoName(Type type) => type.Name switch
    {
        nameof(PosixRlimit) => "POSIXRlimit",
        nameof(LinuxIdMapping) => "LinuxIDMapping",
        nameof(LinuxScheduler) => "Scheduler",
        nameof(CpuAffinity) => "CPUAffinity",
        nameof(LinuxCpu) => "LinuxCPU",
        nameof(LinuxBlockIo) => "LinuxBlockIO",
        var name => name,
    };
}
