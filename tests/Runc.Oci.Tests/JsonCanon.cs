using System.Text;
using System.Text.Json;

namespace Runc.Oci.Tests;

/// <summary>Canonical text of a JSON document (object keys sorted, fixed indentation) so two documents
/// compare as JSON, and a mismatch shows as a readable text diff.</summary>
internal static class JsonCanon
{
    public static string Of(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            Write(writer, doc.RootElement);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Of(string json) => Of(Encoding.UTF8.GetBytes(json));

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
