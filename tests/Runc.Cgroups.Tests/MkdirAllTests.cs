using Runc.Cgroups.Fs;
using Xunit;

namespace Runc.Cgroups.Tests;

public sealed class MkdirAllTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nrunc-mkdirall-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ALeafUnderAnExistingParentIsCreatedAndReported()
    {
        string leaf = Path.Combine(_root, "c1");
        Assert.Equal([leaf], CgroupFile.MkdirAll(leaf));
        Assert.True(Directory.Exists(leaf));
    }

    [Fact]
    public void AnExistingDirectoryIsNotReported() => Assert.Empty(CgroupFile.MkdirAll(_root));

    [Fact]
    public void MissingParentsAreCreatedOutermostFirst()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(a, "b"), c = Path.Combine(b, "c");
        Assert.Equal([a, b, c], CgroupFile.MkdirAll(c));
        Assert.True(Directory.Exists(c));
    }

    [Fact]
    public void AFileInTheWayIsAnError()
    {
        string file = Path.Combine(_root, "f");
        File.WriteAllText(file, "");
        Assert.Throws<Runc.Linux.SyscallException>(() => CgroupFile.MkdirAll(file));
        Assert.Throws<Runc.Linux.SyscallException>(() => CgroupFile.MkdirAll(Path.Combine(file, "x")));
    }
}
