using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Runc.Oci;

/// <summary>
/// Writes a JSON map with its keys in ordinal order, as Go's encoding/json always does
/// (annotations in <c>runc state</c> come out sorted), so nrunc's output is deterministic and
/// matches runc's byte for byte. Reading is the plain object read; a repeated key keeps the last value.
/// </summary>
public sealed class SortedKeysDictionaryConverter<TValue> : JsonConverter<Dictionary<string, TValue>>
{
    public override Dictionary<string, TValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"cannot unmarshal {JsonTokenNames.Describe(reader.TokenType)} into a map");
        var info = ValueInfo(options);
        var result = new Dictionary<string, TValue>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            reader.Read();
            try
            {
                result[key] = JsonSerializer.Deserialize(ref reader, info)!;
            }
            catch (JsonException e)
            {
                // The nested call starts its own path at "$"; keep the key so the error can name the field.
                throw new MapValueJsonException(key, e);
            }
        }
        return result;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, TValue> value, JsonSerializerOptions options)
    {
        var info = ValueInfo(options);
        writer.WriteStartObject();
        foreach (var key in SortedKeys.Of(value))
        {
            writer.WritePropertyName(key);
            JsonSerializer.Serialize(writer, value[key], info);
        }
        writer.WriteEndObject();
    }

    private static JsonTypeInfo<TValue> ValueInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<TValue>)options.GetTypeInfo(typeof(TValue));
}

/// <summary>The keys of a string-keyed map in ordinal order (Go's map order in JSON, and a deterministic order for messages).</summary>
public static class SortedKeys
{
    public static string[] Of<TValue>(Dictionary<string, TValue> map)
    {
        var keys = new string[map.Count];
        map.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }
}

/// <summary>A value inside a map failed to convert; <see cref="Key"/> and the inner path locate it.</summary>
public sealed class MapValueJsonException(string key, JsonException inner) : JsonException(null, inner)
{
    public string Key { get; } = key;

    /// <summary>The path below the map entry, e.g. <c>.secs</c> (empty when the value itself failed).</summary>
    public string InnerPath => (InnerException as JsonException)?.Path is { Length: > 1 } p ? p[1..] : "";
}
