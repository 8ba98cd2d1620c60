using System.Text;
using System.Text.Json;

namespace Runc.Oci;

/// <summary>
/// Finds the first <c>null</c> element of a JSON array (<c>"mounts":[null]</c>, <c>"args":[null]</c>,
/// <c>"prestart":[null]</c>). No array in the runtime-spec, an <c>exec --process</c> file or an
/// <c>update --resources</c> file may hold one; Go would decode it as a zero value and fail later
/// with an unrelated message, so nrunc names the exact JSON path before anything uses the document.
/// </summary>
public static class NullElements
{
    /// <summary>The path (<c>process.args[0]</c>) of the first null array element, or null when there is none
    /// (or the document is too deep to walk: the deserializer reports that itself).</summary>
    public static string? FindFirst(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 10_001 });
        // One frame per open container: the member name being read (objects) or the next index (arrays).
        var frames = new List<(bool IsArray, string Name, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1] = (false, Encoding.UTF8.GetString(reader.ValueSpan), 0);
                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        frames.Add((reader.TokenType == JsonTokenType.StartArray, "", 0));
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        Advance(frames);
                        continue;
                    case JsonTokenType.Null when frames.Count > 0 && frames[^1].IsArray:
                        return Path(frames);
                    default:
                        Advance(frames);
                        continue;
                }
            }
        }
        catch (JsonException) { } // malformed or too deep: the syntax check and the deserializer word that
        return null;
    }

    /// <summary>A value ended: an enclosing array moves on to its next index.</summary>
    private static void Advance(List<(bool IsArray, string Name, int Index)> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1] = (true, "", frames[^1].Index + 1);
    }

    private static string Path(List<(bool IsArray, string Name, int Index)> frames)
    {
        var sb = new StringBuilder();
        foreach (var (isArray, name, index) in frames)
        {
            if (isArray) sb.Append('[').Append(index).Append(']');
            else sb.Append(sb.Length > 0 ? "." : "").Append(name);
        }
        return sb.ToString();
    }
}
