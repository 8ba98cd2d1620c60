using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Xunit;

namespace Runc.Oci.Tests;

/// <summary>
/// SpecFastReader against System.Text.Json, document by document: whenever the fast reader accepts a document, the
/// serializer accepts it too and builds the same object (compared through the serializer's own output); where the
/// serializer fails, the fast reader must give up so that the error keeps its Go wording. Documents: every golden and
/// fuzz corpus file, read as a config, as a process and as resources, plus hand-made edge cases.
/// </summary>
public sealed class SpecFastReaderTests
{
    public static IEnumerable<object[]> CorpusFiles()
    {
        string dir = AppContext.BaseDirectory;
        foreach (var sub in new[] { "Golden", "FuzzCorpus" })
            foreach (var f in Directory.EnumerateFiles(Path.Combine(dir, sub), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                yield return [Path.GetRelativePath(dir, f)];
    }

    [Fact]
    public void TheCorpusIsThere() => Assert.True(CorpusFiles().Count() > 500);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusDocument_SameObjectAsTheSerializer_OrGivesUp(string file)
    {
        byte[] json = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file));
        if (json.AsSpan().StartsWith("\uFEFF"u8)) json = json[3..];
        Same(json, SpecFastReader.TryReadSpec, OciJsonContext.Default.Spec);
        Same(json, SpecFastReader.TryReadProcess, OciJsonContext.Default.Process);
        Same(json, SpecFastReader.TryReadResources, OciJsonContext.Default.LinuxResources);
    }

    [Theory]
    [InlineData("""{"ociVersion":"1.0.2","PROCESS":{"Args":["sh"],"USER":{"UID":1,"gid":2}},"root":{"path":"rootfs"}}""")]
    [InlineData("""{"hostname":"a","HostName":"b","hostname":"c"}""")]
    [InlineData("""{"process":{"args":["a"]},"process":{"cwd":"/"}}""")]
    [InlineData("""{"ociVersion":null,"root":{"path":null,"readonly":true},"hostname":null,"mounts":null}""")]
    [InlineData("""{"future":{"deep":[1,[2,{"x":null}]]},"annotations":{"b":"1","a":"2","b":"3"}}""")]
    [InlineData("""{"process":{"user":null}}""")]
    [InlineData("""{"process":{"user":{"uid":4294967295,"gid":0,"umask":18,"additionalGids":[1,2]}}}""")]
    [InlineData("""{"process":{"user":{"uid":4294967296}}}""")]
    [InlineData("""{"process":{"user":{"uid":-1}}}""")]
    [InlineData("""{"process":{"user":{"uid":1.0}}}""")]
    [InlineData("""{"process":{"user":{"uid":1e3}}}""")]
    [InlineData("""{"process":{"user":{"uid":"1"}}}""")]
    [InlineData("""{"process":{"user":{"uid":null}}}""")]
    [InlineData("""{"process":{"terminal":"yes"}}""")]
    [InlineData("""{"process":{"terminal":null}}""")]
    [InlineData("""{"process":{"oomScoreAdj":null,"noNewPrivileges":true}}""")]
    [InlineData("""{"process":{"args":["a",null]}}""")]
    [InlineData("""{"process":{"args":"sh"}}""")]
    [InlineData("""{"process":{"args":[1]}}""")]
    [InlineData("""{"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551615,"soft":0}]}}""")]
    [InlineData("""{"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551616}]}}""")]
    [InlineData("""{"process":{"rlimits":[null]}}""")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":-1,"swap":9223372036854775807},"cpu":{"shares":1024,"quota":-1}}}}""")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":9223372036854775808}}}}""")]
    [InlineData("""{"linux":{"resources":{"blockIO":{"weight":65535}}}}""")]
    [InlineData("""{"linux":{"resources":{"blockIO":{"weight":65536}}}}""")]
    [InlineData("""{"linux":{"sysctl":{"net.a":"1"},"timeOffsets":{"boottime":{"secs":-5,"nanosecs":7}},"netDevices":{"eth0":{"name":"x"}}}}""")]
    [InlineData("""{"linux":{"sysctl":{"net.a":null}}}""")]
    [InlineData("""{"linux":{"sysctl":{"net.a":1}}}""")]
    [InlineData("""{"linux":{"sysctl":[]}}""")]
    [InlineData("""{"linux":{"namespaces":[{"type":"pid"},{"type":"mount","path":"/proc/1/ns/mnt"}]}}""")]
    [InlineData("""{"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]}}}""")]
    [InlineData("""{"hostname":"\u00e9\ud83d\ude00\n"}""")]
    [InlineData("""{"hostname":"\ud800"}""")]
    [InlineData("""{"hooks":{"prestart":[{"path":"/bin/true","timeout":5}]}}""")]
    [InlineData("""{"hooks":{"prestart":[{"path":"/bin/true","timeout":5.5}]}}""")]
    [InlineData("""[]""")]
    [InlineData("""null""")]
    [InlineData("""{"root":{}} {}""")]
    public void EdgeCase_SameObjectAsTheSerializer_OrGivesUp(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        Same(bytes, SpecFastReader.TryReadSpec, OciJsonContext.Default.Spec);
        Same(bytes, SpecFastReader.TryReadProcess, OciJsonContext.Default.Process);
    }

    [Fact]
    public void DeepNesting_GivesUpLikeTheSerializerFails()
    {
        string deep = "{\"future\":" + new string('[', 70) + new string(']', 70) + "}";
        Assert.False(SpecFastReader.TryReadSpec(Encoding.UTF8.GetBytes(deep), out _));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(deep, OciJsonContext.Default.Spec));
    }

    /// <summary>The point of the fast reader: the configs clients really send never need the serializer's metadata.</summary>
    [Theory]
    [InlineData("Golden/docker-like.json")]
    [InlineData("Golden/podman-like.json")]
    [InlineData("Golden/runc-spec.json")]
    [InlineData("Golden/runc-spec-rootless.json")]
    public void RealConfigs_TakeTheFastPath(string file) =>
        Assert.True(SpecFastReader.TryReadSpec(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file)), out _));

    [Fact]
    public void TheDefaultSpec_TakesTheFastPath() =>
        Assert.True(SpecFastReader.TryReadSpec(OciJson.SerializeSpec(DefaultSpec.Create(false)), out _));

    private delegate bool Fast<T>(ReadOnlySpan<byte> json, out T? value);

    private static void Same<T>(byte[] json, Fast<T> fast, JsonTypeInfo<T> info) where T : class
    {
        bool accepted = fast(json, out T? quick);
        T? slow;
        try { slow = JsonSerializer.Deserialize(json, info); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            Assert.False(accepted, $"the fast reader accepted a {typeof(T).Name} the serializer refuses ({e.Message})");
            return;
        }
        if (!accepted) return; // giving up is always allowed
        Assert.NotNull(quick);
        Assert.NotNull(slow);
        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(slow, info)),
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(quick, info)));
    }
}
