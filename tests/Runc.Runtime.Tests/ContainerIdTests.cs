using Runc.Runtime.State;

namespace Runc.Runtime.Tests;

public class ContainerIdTests
{
    [Theory]
    [InlineData("c1")]
    [InlineData("a.b-c_d+e")]
    [InlineData("...x")]
    public void ValidIds(string id) => Assert.True(ContainerId.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("/etc")]
    [InlineData("a/../b")]
    [InlineData("bad id")]
    [InlineData("tab\t")]
    [InlineData("nul\0")]
    [InlineData("é")]
    public void InvalidIds(string id)
    {
        Assert.False(ContainerId.IsValid(id));
        var e = Assert.Throws<ContainerException>(() => ContainerId.Validate(id));
        Assert.Equal("invalid container ID format", e.Message);
    }

    [Fact]
    public void OverLongIdIsRejected() => Assert.False(ContainerId.IsValid(new string('a', ContainerId.MaxLength + 1)));

    [Fact]
    public void StoreNeverBuildsAPathFromABadId()
    {
        var store = new ContainerStore("/tmp/unused-root");
        Assert.Throws<ContainerException>(() => store.DirOf(".."));
        Assert.Equal("/tmp/unused-root/c1", store.DirOf("c1"));
    }

    [Fact]
    public void RootSlashIsRefused() => Assert.Throws<RuncException>(() => new ContainerStore("/"));
}
