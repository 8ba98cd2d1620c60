using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Runc.Oci;

/// <summary>
/// <c>state</c> and <c>list --format json</c> written field by field with Utf8JsonWriter. Through the serializer, setting
/// up the metadata for these nine fields (reflection over attributes, converters) was ~15% of a whole <c>state</c>
/// command (issue 10). Same bytes as before and as runc@v1.1.5: its key order, Go's time form, annotations sorted
/// and left out when empty, only the escaping JSON requires.
/// </summary>
public static class StateViewJson
{
    private static readonly JsonWriterOptions TwoSpaces = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions OneLine = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>nrunc state</c>: 2-space indentation, no trailing newline (runc@v1.1.5 state.go).</summary>
    public static string Indented(ContainerStateView view) => Write(TwoSpaces, w => WriteView(w, view));

    /// <summary><c>nrunc list --format json</c>: one line, newline-terminated, <c>null</c> when empty.</summary>
    public static string List(IReadOnlyList<ContainerStateView> views)
    {
        if (views.Count == 0) return "null\n";
        return Write(OneLine, w =>
        {
            w.WriteStartArray();
            foreach (var v in views) WriteView(w, v);
            w.WriteEndArray();
        }) + "\n";
    }

    private static string Write(JsonWriterOptions options, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, options)) body(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteView(Utf8JsonWriter w, ContainerStateView v)
    {
        w.WriteStartObject();
        w.WriteString("ociVersion", v.OciVersion);
        w.WriteString("id", v.Id);
        w.WriteNumber("pid", v.Pid);
        w.WriteString("status", v.Status);
        w.WriteString("bundle", v.Bundle);
        w.WriteString("rootfs", v.Rootfs);
        w.WriteString("created", Rfc3339.FormatNanoUtc(v.Created));
        if (v.Annotations is { Count: > 0 } annotations)
        {
            w.WriteStartObject("annotations");
            var keys = new List<string>(annotations.Keys);
            keys.Sort(StringComparer.Ordinal);
            foreach (string key in keys) w.WriteString(key, annotations[key]);
            w.WriteEndObject();
        }
        w.WriteString("owner", v.Owner);
        w.WriteEndObject();
    }
}
