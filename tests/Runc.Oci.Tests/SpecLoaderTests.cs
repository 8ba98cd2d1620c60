using System.Text;
using Runc;
using Runc.Oci;
using Xunit;

namespace Runc.Oci.Tests;

public class SpecLoaderTests
{
    private static string ParseError(string json) =>
        Assert.Throws<SpecException>(() => SpecLoader.Parse(Encoding.UTF8.GetBytes(json), "config.json")).Message;

    // Expected sentences are Go's encoding/json wording, as runc 1.1.5 prints them.
    [Theory]
    [InlineData("{bad", "config.json: invalid character 'b' looking for beginning of object key string")]
    [InlineData("", "config.json: EOF")]
    [InlineData("   \n", "config.json: EOF")]
    [InlineData("{\"a\"", "config.json: unexpected EOF")]
    [InlineData("{\"a\" 1}", "config.json: invalid character '1' after object key")]
    [InlineData("{\"a\":1 \"b\":2}", "config.json: invalid character '\"' after object key:value pair")]
    [InlineData("{\"a\":[1 2]}", "config.json: invalid character '2' after array element")]
    [InlineData("{\"a\":}", "config.json: invalid character '}' looking for beginning of value")]
    [InlineData("{\"a\":tru}", "config.json: invalid character '}' in literal true (expecting 'e')")]
    [InlineData("{\"a\":nul}", "config.json: invalid character '}' in literal null (expecting 'l')")]
    [InlineData("{\"a\":-x}", "config.json: invalid character 'x' in numeric literal")]
    [InlineData("{\"a\":1.}", "config.json: invalid character '}' after decimal point in numeric literal")]
    [InlineData("{\"a\":1e}", "config.json: invalid character '}' in exponent of numeric literal")]
    [InlineData("{\"a\":01}", "config.json: invalid character '1' after object key:value pair")]
    [InlineData("{\"a\":\"\\q\"}", "config.json: invalid character 'q' in string escape code")]
    [InlineData("{\"a\":\"\\u12x4\"}", "config.json: invalid character 'x' in \\u hexadecimal character escape")]
    [InlineData("{\"a\":\"x\ty\"}", "config.json: invalid character '\\t' in string literal")]
    [InlineData("{} xx", "config.json: invalid character 'x' after top-level value")]
    [InlineData("{}{}", "config.json: invalid character '{' after top-level value")]
    [InlineData("{'a':1}", "config.json: invalid character '\\'' looking for beginning of object key string")]
    [InlineData("{\"a\":1,}", "config.json: invalid character '}' looking for beginning of object key string")]
    public void SyntaxErrorsUseGoWording(string json, string expected) => Assert.Equal(expected, ParseError(json));

    [Theory]
    [InlineData("{\"process\": {\"args\": \"sh\"}}", "config.json: json: cannot unmarshal string into Go struct field Process.process.args of type []string")]
    [InlineData("{\"ociVersion\": 1}", "config.json: json: cannot unmarshal number 1 into Go struct field Spec.ociVersion of type string")]
    [InlineData("{\"process\":{\"user\":{\"uid\":-1}}}", "config.json: json: cannot unmarshal number -1 into Go struct field User.process.user.uid of type uint32")]
    [InlineData("{\"process\":{\"user\":{\"uid\":1.5}}}", "config.json: json: cannot unmarshal number 1.5 into Go struct field User.process.user.uid of type uint32")]
    [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":7}]}}", "config.json: json: cannot unmarshal number 7 into Go struct field LinuxNamespace.linux.namespaces.type of type string")]
    [InlineData("{\"annotations\":{\"a\":1}}", "config.json: json: cannot unmarshal number 1 into Go struct field Spec.annotations of type string")]
    [InlineData("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":\"1\"}]}}", "config.json: json: cannot unmarshal string into Go struct field POSIXRlimit.process.rlimits.hard of type uint64")]
    [InlineData("{\"process\":[]}", "config.json: json: cannot unmarshal array into Go struct field Spec.process of type specs.Process")]
    [InlineData("{\"annotations\":5}", "config.json: json: cannot unmarshal number 5 into Go struct field Spec.annotations of type map[string]string")]
    [InlineData("{\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":\"x\"}}}}", "config.json: json: cannot unmarshal string into Go struct field LinuxTimeOffset.linux.timeOffsets.secs of type int64")]
    [InlineData("{\"linux\":{\"sysctl\":{\"a\":\"1\",\"b\":[]}}}", "config.json: json: cannot unmarshal array into Go struct field Linux.linux.sysctl of type string")]
    [InlineData("{\"linux\":{\"resources\":{\"pids\":{\"limit\":\"5\"}}}}", "config.json: json: cannot unmarshal string into Go struct field LinuxPids.linux.resources.pids.limit of type int64")]
    public void TypeErrorsUseGoWording(string json, string expected) => Assert.Equal(expected, ParseError(json));

    // Issue 8 §11: a null array element is named by its JSON path, never a NullReferenceException further on.
    [Theory]
    [InlineData("{\"mounts\":[null]}", "config.json: mounts[0]: must not be null")]
    [InlineData("{\"mounts\":[{\"destination\":\"/a\"},null]}", "config.json: mounts[1]: must not be null")]
    [InlineData("{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",null]}]}", "config.json: mounts[0].options[1]: must not be null")]
    [InlineData("{\"process\":{\"args\":[null]}}", "config.json: process.args[0]: must not be null")]
    [InlineData("{\"process\":{\"args\":[\"sh\",\"-c\",null]}}", "config.json: process.args[2]: must not be null")]
    [InlineData("{\"process\":{\"env\":[null]}}", "config.json: process.env[0]: must not be null")]
    [InlineData("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",null]}}}", "config.json: process.capabilities.bounding[1]: must not be null")]
    [InlineData("{\"process\":{\"user\":{\"additionalGids\":[null]}}}", "config.json: json: cannot unmarshal null into Go struct field User.process.user.additionalGids of type uint32")]
    [InlineData("{\"hooks\":{\"prestart\":[null]}}", "config.json: hooks.prestart[0]: must not be null")]
    [InlineData("{\"hooks\":{\"createRuntime\":[{\"path\":\"/bin/true\",\"args\":[null]}]}}", "config.json: hooks.createRuntime[0].args[0]: must not be null")]
    [InlineData("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},null]}}", "config.json: linux.namespaces[1]: must not be null")]
    [InlineData("{\"linux\":{\"maskedPaths\":[null]}}", "config.json: linux.maskedPaths[0]: must not be null")]
    [InlineData("{\"linux\":{\"resources\":{\"hugepageLimits\":[null]}}}", "config.json: linux.resources.hugepageLimits[0]: must not be null")]
    [InlineData("{\"linux\":{\"resources\":{\"blockIO\":{\"weightDevice\":[null]}}}}", "config.json: linux.resources.blockIO.weightDevice[0]: must not be null")]
    [InlineData("{\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":[\"read\"],\"args\":[null]}]}}}", "config.json: linux.seccomp.syscalls[0].args[0]: must not be null")]
    [InlineData("{\"future\":[[1],[null]]}", "config.json: future[1][0]: must not be null")]
    public void NullArrayElementsAreNamed(string json, string expected) => Assert.Equal(expected, ParseError(json));

    [Fact]
    public void NullArrayElementsAreRefusedInProcessAndResourcesFilesToo()
    {
        Assert.Equal("process.json: args[0]: must not be null",
            Assert.Throws<SpecException>(() => SpecLoader.LoadProcess("{\"args\":[null],\"cwd\":\"/\"}"u8)).Message);
        Assert.Equal("resources: blockIO.throttleReadBpsDevice[0]: must not be null",
            Assert.Throws<SpecException>(() => SpecLoader.LoadResources("{\"blockIO\":{\"throttleReadBpsDevice\":[null]}}"u8)).Message);
    }

    [Fact]
    public void NullUserIsGosZeroUser()
    {
        Assert.Equal(0u, SpecLoader.Parse("""{"process":{"user":null,"args":["sh"],"cwd":"/"}}"""u8, "config.json").Process!.User.Uid);
        Assert.Equal(0u, SpecLoader.LoadProcess("""{"user":null,"args":["sh"],"cwd":"/"}"""u8).User.Gid);
    }

    [Fact]
    public void AWrongTypeKeepsGosWordingEvenWithANullElement() =>
        Assert.Equal("config.json: json: cannot unmarshal array into Go struct field Spec.ociVersion of type string", ParseError("{\"ociVersion\":[null]}"));

    [Fact]
    public void NullAsAnOptionalValueIsStillAccepted()
    {
        var spec = SpecLoader.Parse("""{"mounts":null,"hooks":{"prestart":null},"linux":{"seccomp":null},"process":{"args":["sh"],"env":null}}"""u8, "config.json");
        Assert.Null(spec.Mounts);
        Assert.Null(spec.Process!.Env);
    }

    [Fact]
    public void NullDocumentIsAnError() =>
        Assert.Equal("config.json: the document is null, expected a JSON object", ParseError("null"));

    [Fact]
    public void TopLevelArrayIsATypeError() =>
        Assert.Equal("config.json: json: cannot unmarshal array into value of type specs.Spec", ParseError("[]"));

    [Fact]
    public void UnknownFieldsAreIgnoredAndKeysAreCaseInsensitive()
    {
        var spec = SpecLoader.Parse("""{"OCIVERSION":"1.0.2","future":{"x":[1,2]},"Process":{"ARGS":["sh"],"cwd":"/"}}"""u8, "config.json");
        Assert.Equal("1.0.2", spec.OciVersion);
        Assert.Equal(["sh"], spec.Process!.Args!);
        Assert.Null(spec.Linux);
    }

    [Fact]
    public void NullForARequiredStringReadsAsEmpty()
    {
        var spec = SpecLoader.Parse("""{"ociVersion":null,"process":{"cwd":null}}"""u8, "config.json");
        Assert.Equal("", spec.OciVersion);
        Assert.Equal("", spec.Process!.Cwd);
    }

    [Fact]
    public void ByteOrderMarkIsAccepted() =>
        Assert.Equal("1.0.0", SpecLoader.Parse("\uFEFF{\"ociVersion\":\"1.0.0\"}"u8, "config.json").OciVersion);

    [Fact]
    public void LargeUnsignedValuesFit()
    {
        var spec = SpecLoader.Parse("""{"process":{"rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":0}]}}"""u8, "config.json");
        Assert.Equal(ulong.MaxValue, spec.Process!.Rlimits![0].Hard);
    }

    [Fact]
    public void LoadProcessReadsAnExecProcessFile()
    {
        var p = SpecLoader.LoadProcess("""{"args":["ls","-l"],"cwd":"/tmp","env":["A=1"],"user":{"uid":5,"gid":6},"terminal":true}"""u8);
        Assert.Equal(["ls", "-l"], p.Args!);
        Assert.Equal(5u, p.User.Uid);
        Assert.True(p.Terminal);
    }

    [Fact]
    public void LoadProcessErrorNamesTheDocument() =>
        Assert.Equal("process.json: invalid character 'x' looking for beginning of value",
            Assert.Throws<SpecException>(() => SpecLoader.LoadProcess("x"u8)).Message);

    [Fact]
    public void LoadResourcesLeavesOmittedFieldsNull()
    {
        var r = SpecLoader.LoadResources("""{"memory":{"limit":33554432},"pids":{"limit":40}}"""u8);
        Assert.Equal(33554432L, r.Memory!.Limit);
        Assert.Null(r.Memory.Swap);
        Assert.Null(r.Cpu);
        Assert.Equal(40L, r.Pids!.Limit);
        Assert.Null(r.Devices);
    }

    [Fact]
    public void LoadResourcesEmptyObject()
    {
        var r = SpecLoader.LoadResources("{}"u8);
        Assert.Null(r.Memory);
    }
}

public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nrunc-oci-test-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        // Only ever delete the directory this object created (never an empty or caller-supplied path).
        if (Path.StartsWith(System.IO.Path.GetTempPath(), StringComparison.Ordinal) && Path.Contains("nrunc-oci-test-", StringComparison.Ordinal))
            Directory.Delete(Path, recursive: true);
    }
}

public class SpecLoaderBundleTests
{
    [Fact]
    public void MissingConfigUsesRuncWording()
    {
        using var dir = new TempDir();
        Assert.Equal("JSON specification file config.json not found",
            Assert.Throws<SpecException>(() => SpecLoader.LoadBundle(dir.Path)).Message);
    }

    [Fact]
    public void MissingBundleDirUsesRuncWording()
    {
        using var dir = new TempDir();
        Assert.Equal("JSON specification file config.json not found",
            Assert.Throws<SpecException>(() => SpecLoader.LoadBundle(dir.Combine("nope"))).Message);
    }

    [Fact]
    public void ConfigThatIsADirectoryIsAnError()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("config.json"));
        var message = Assert.Throws<SpecException>(() => SpecLoader.LoadBundle(dir.Path)).Message;
        Assert.Equal($"config.json: \"{dir.Combine("config.json")}\" is a directory, not a file", message);
    }

    [Fact]
    public void UnreadableConfigIsAnError()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root") return; // root reads anything: nothing to test
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("config.json"), "{}");
        File.SetUnixFileMode(dir.Combine("config.json"), UnixFileMode.None);
        var message = Assert.Throws<SpecException>(() => SpecLoader.LoadBundle(dir.Path)).Message;
        Assert.Equal($"open \"{dir.Combine("config.json")}\": permission denied", message);
    }

    [Fact]
    public void LoadsAValidBundle()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("config.json"), """{"ociVersion":"1.0.2-dev","root":{"path":"rootfs"}}""");
        Assert.Equal("rootfs", SpecLoader.LoadBundle(dir.Path).Root!.Path);
    }

    [Fact]
    public void BadJsonInBundleNamesConfigJson()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("config.json"), "{bad");
        Assert.Equal("config.json: invalid character 'b' looking for beginning of object key string",
            Assert.Throws<SpecException>(() => SpecLoader.LoadBundle(dir.Path)).Message);
    }
}
