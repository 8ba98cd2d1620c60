using System.Buffers;
using System.Text.Json;

namespace Runc.Runtime.State;

/// <summary>
/// state.json read and written field by field with Utf8JsonReader/Utf8JsonWriter. Every command but a few loads it;
/// through the serializer, the metadata set-up for this one small type was ~14% of a <c>state</c> command (issue 10).
/// The format is the one the serializer wrote (property names, compact, null fields left out, DateTime in ISO 8601
/// round-trip form), so containers created before the change stay readable. Unknown keys are skipped.
/// </summary>
public static class ContainerStateJson
{
    public static byte[] Serialize(ContainerState s)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WriteNumber("initPid", s.InitPid);
            w.WriteNumber("initStartTime", s.InitStartTime);
            w.WriteString("bundle", s.Bundle);
            w.WriteString("rootfs", s.Rootfs);
            w.WriteString("created", s.Created);
            w.WriteString("owner", s.Owner);
            WriteMap(w, "annotations", s.Annotations);
            WriteMap(w, "cgroupPaths", s.CgroupPaths);
            w.WriteBoolean("rootless", s.Rootless);
            w.WriteBoolean("systemdCgroup", s.SystemdCgroup);
            w.WriteBoolean("ownPidNamespace", s.OwnPidNamespace);
            if (s.IntelRdtPath != null) w.WriteString("intelRdtPath", s.IntelRdtPath);
            w.WriteBoolean("intelRdtCreated", s.IntelRdtCreated);
            WriteMap(w, "netDevices", s.NetDevices);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, Dictionary<string, string>? map)
    {
        if (map is null) return;
        w.WriteStartObject(name);
        foreach (var (key, value) in map) w.WriteString(key, value);
        w.WriteEndObject();
    }

    /// <summary>The state, or null for a JSON <c>null</c>; malformed input throws <see cref="JsonException"/>.</summary>
    public static ContainerState? Deserialize(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        try
        {
            if (!r.Read()) throw new JsonException("no JSON value");
            if (r.TokenType == JsonTokenType.Null) return End(ref r, null);
            Expect(ref r, JsonTokenType.StartObject);
            var s = new ContainerState();
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                Expect(ref r, JsonTokenType.PropertyName);
                string name = r.GetString()!;
                r.Read();
                switch (name)
                {
                    case "id": s.Id = String(ref r); break;
                    case "initPid": s.InitPid = r.GetInt32(); break;
                    case "initStartTime": s.InitStartTime = r.GetUInt64(); break;
                    case "bundle": s.Bundle = String(ref r); break;
                    case "rootfs": s.Rootfs = String(ref r); break;
                    case "created": s.Created = r.GetDateTime(); break;
                    case "owner": s.Owner = String(ref r); break;
                    case "annotations": s.Annotations = Map(ref r); break;
                    case "cgroupPaths": s.CgroupPaths = Map(ref r); break;
                    case "rootless": s.Rootless = r.GetBoolean(); break;
                    case "systemdCgroup": s.SystemdCgroup = r.GetBoolean(); break;
                    case "ownPidNamespace": s.OwnPidNamespace = r.GetBoolean(); break;
                    case "intelRdtPath": s.IntelRdtPath = r.TokenType == JsonTokenType.Null ? null : String(ref r); break;
                    case "intelRdtCreated": s.IntelRdtCreated = r.GetBoolean(); break;
                    case "netDevices": s.NetDevices = Map(ref r); break;
                    default: r.Skip(); break;
                }
            }
            return End(ref r, s);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // The reader's typed getters throw these for a value of the wrong kind.
            throw new JsonException($"{e.Message} (at byte {r.TokenStartIndex})", e);
        }
    }

    private static ContainerState? End(ref Utf8JsonReader r, ContainerState? s)
    {
        if (r.Read()) throw new JsonException($"unexpected data after the state object at byte {r.TokenStartIndex}");
        return s;
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type) throw new JsonException($"expected {type}, found {r.TokenType} at byte {r.TokenStartIndex}");
    }

    private static string String(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.String);
        return r.GetString()!;
    }

    private static Dictionary<string, string>? Map(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        Expect(ref r, JsonTokenType.StartObject);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            string key = r.GetString()!;
            r.Read();
            map[key] = String(ref r);
        }
        return map;
    }
}
