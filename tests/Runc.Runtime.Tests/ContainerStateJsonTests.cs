using System.Text;
using System.Text.Json;
using Runc.Runtime.State;
using Xunit;

namespace Runc.Runtime.Tests;

/// <summary>state.json's own reader and writer (no serializer metadata): the format the serializer wrote before.</summary>
public class ContainerStateJsonTests
{
    /// <summary>Written by nrunc before ContainerStateJson existed (System.Text.Json source generation).</summary>
    private const string WrittenBySerializer =
        """{"id":"t7","initPid":15345,"initStartTime":2235761,"bundle":"/tmp/b4","rootfs":"/tmp/b/rootfs","created":"2026-11-27T14:16:44.3996578Z","owner":"","annotations":{"z":"1","a":"2"},"cgroupPaths":{"cpu":"/sys/fs/cgroup/cpu/t7","name=systemd":"/sys/fs/cgroup/systemd/t7","":"/sys/fs/cgroup/unified/t7"},"rootless":false,"systemdCgroup":true,"ownPidNamespace":true,"intelRdtPath":"/sys/fs/resctrl/t7","intelRdtCreated":true,"netDevices":{"eth1":"net0"}}""";

    [Fact]
    public void ReadsWhatTheSerializerWrote_AndWritesTheSameBytes()
    {
        var s = ContainerStateJson.Deserialize(Encoding.UTF8.GetBytes(WrittenBySerializer))!;
        Assert.Equal("t7", s.Id);
        Assert.Equal(15345, s.InitPid);
        Assert.Equal(2235761UL, s.InitStartTime);
        Assert.Equal("/tmp/b4", s.Bundle);
        Assert.Equal("/tmp/b/rootfs", s.Rootfs);
        Assert.Equal(new DateTime(2026, 11, 27, 14, 16, 44, DateTimeKind.Utc).AddTicks(3996578), s.Created);
        Assert.Equal(DateTimeKind.Utc, s.Created.Kind);
        Assert.Equal(["z", "a"], s.Annotations!.Keys);
        Assert.Equal("/sys/fs/cgroup/unified/t7", s.CgroupPaths![""]);
        Assert.False(s.Rootless);
        Assert.True(s.SystemdCgroup && s.OwnPidNamespace && s.IntelRdtCreated);
        Assert.Equal("/sys/fs/resctrl/t7", s.IntelRdtPath);
        Assert.Equal("net0", s.NetDevices!["eth1"]);
        Assert.Equal(WrittenBySerializer, Encoding.UTF8.GetString(ContainerStateJson.Serialize(s)));
    }

    [Fact]
    public void NullFieldsAreLeftOut_AndReadBackAsNull()
    {
        var s = new ContainerState { Id = "c", Bundle = "/b", Rootfs = "/r", Created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc) };
        string json = Encoding.UTF8.GetString(ContainerStateJson.Serialize(s));
        Assert.Equal("""{"id":"c","initPid":0,"initStartTime":0,"bundle":"/b","rootfs":"/r","created":"2026-01-02T03:04:05Z","owner":"","rootless":false,"systemdCgroup":false,"ownPidNamespace":false,"intelRdtCreated":false}""", json);
        var back = ContainerStateJson.Deserialize(Encoding.UTF8.GetBytes(json))!;
        Assert.Null(back.Annotations);
        Assert.Null(back.CgroupPaths);
        Assert.Null(back.IntelRdtPath);
        Assert.Null(back.NetDevices);
    }

    [Fact]
    public void UnknownKeysOfAnyShapeAreSkipped() =>
        Assert.Equal(7, ContainerStateJson.Deserialize("""{"future":{"a":[1,{"b":null}]},"initPid":7,"more":"x"}"""u8)!.InitPid);

    [Fact]
    public void AJsonNullIsNoState() => Assert.Null(ContainerStateJson.Deserialize("null"u8));

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"initPid":"7"}""")]
    [InlineData("""{"initPid":1.5}""")]
    [InlineData("""{"id":3}""")]
    [InlineData("""{"created":"yesterday"}""")]
    [InlineData("""{"cgroupPaths":{"cpu":1}}""")]
    [InlineData("""{"rootless":"no"}""")]
    [InlineData("""{"id":"c"} {}""")]
    [InlineData("""{"id":"c" """)]
    public void MalformedStateIsAJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => ContainerStateJson.Deserialize(Encoding.UTF8.GetBytes(json)));
}
