using Runc.Privileged.Tests.Infra;
using Xunit;

namespace Runc.Privileged.Tests;

/// <summary>The harness's own promises, checked without root: a hang is killed with its whole process tree, output
/// survives a child that keeps the runtime's stdio open, removal refuses what it did not make.</summary>
[Collection(PrivilegedCollection.Name)]
public sealed class HarnessTests : IDisposable
{
    readonly string _dir = TempDirs.Create("harness");

    public void Dispose() => TempDirs.Remove(_dir);

    [Fact]
    public void HardTimeout_KillsTheWholeProcessTree_AndReportsTimedOut()
    {
        var marker = $"harness-{Guid.NewGuid():N}";
        using var p = Subprocess.Start(_dir, ["/bin/sh", "-c", $"sh -c 'sleep 300; : {marker}' & sleep 300"]);
        // The grandchild exists (so the check below is not vacuous)...
        Assert.Empty(Leftovers.Eventually(() => Leftovers.ProcessesMentioning(marker).Count > 0 ? [] : ["grandchild not started yet"]));
        var r = p.Wait(TimeSpan.FromSeconds(1));
        Assert.True(r.TimedOut);
        // ...and is gone with the rest of the tree.
        Assert.Empty(Leftovers.Eventually(() => Leftovers.ProcessesMentioning(marker).Select(p => p.ToString()).ToList()));
    }

    [Fact]
    public void Output_IsCollected_EvenWhenADetachedChildKeepsStdoutOpen()
    {
        var r = Subprocess.Run(_dir, ["/bin/sh", "-c", "echo hello; echo oops >&2; (sleep 3 &) ; exit 5"], timeout: TimeSpan.FromSeconds(30));
        Assert.False(r.TimedOut);
        Assert.Equal(5, r.ExitCode);
        Assert.Equal("hello\n", r.Stdout);
        Assert.Equal("oops\n", r.Stderr);
    }

    [Fact]
    public void TempDirs_RefusesToRemoveDirectoriesItDidNotMake()
    {
        var other = Path.Combine(_dir, "inner");
        Directory.CreateDirectory(other);
        Assert.NotNull(TempDirs.Remove(other));
        Assert.True(Directory.Exists(other));
        Assert.NotNull(TempDirs.Remove("/"));
        Assert.NotNull(TempDirs.Remove(""));
    }

    [Fact]
    public void OnlyGeneratedIds_AreEverReaped()
    {
        Assert.False(TestScope.IsGeneratedId(""));
        Assert.False(TestScope.IsGeneratedId("npt-"));
        Assert.False(TestScope.IsGeneratedId("init"));
        Assert.False(TestScope.IsGeneratedId("npt-x/../../etc"));
        Assert.Empty(Leftovers.Reap("sleep"));
    }
}
