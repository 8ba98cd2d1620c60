using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>
/// For spec fields Go declares as plain <c>string</c>: a JSON <c>null</c> leaves Go's zero value "",
/// so we read it as "" too and the property stays non-null for everyone downstream.
/// </summary>
public sealed class NullAsEmptyStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => "",
            JsonTokenType.String => reader.GetString() ?? "",
            _ => throw new JsonException($"cannot unmarshal {JsonTokenNames.Describe(reader.TokenType)} into a string"),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}

/// <summary>Go's names for JSON value kinds, as they appear in encoding/json errors.</summary>
internal static class JsonTokenNames
{
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "bool",
        JsonTokenType.String => "string",
        JsonTokenType.Null => "null",
        _ => token.ToString().ToLowerInvariant(),
    };
}
