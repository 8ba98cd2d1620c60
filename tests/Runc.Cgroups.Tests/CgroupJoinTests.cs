using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>CgroupJoin against a fake tree: one tasks fd per v1 directory, the cgroup2 directory for CLONE_INTO_CGROUP.</summary>
public sealed class CgroupJoinTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nrunc-cgjoin-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name, bool withTasks = true)
    {
        string d = Path.Combine(_root, name);
        Directory.CreateDirectory(d);
        if (withTasks) File.WriteAllText(Path.Combine(d, "tasks"), "");
        return d;
    }

    [Fact]
    public void CoMountedControllersShareOneTasksFd_AndTheCgroup2DirectoryIsForClone()
    {
        string cpu = Dir("cpu,cpuacct/c1"), memory = Dir("memory/c1"), unified = Dir("unified/c1", withTasks: false);
        var paths = new Dictionary<string, string> { ["cpu"] = cpu, ["cpuacct"] = cpu, ["memory"] = memory, [""] = unified };
        using var join = CgroupJoin.Open(paths);
        Assert.Equal([cpu, memory], join.V1Tasks.Select(t => t.Dir).Order(StringComparer.Ordinal));
        Assert.NotNull(join.IntoCgroup2);
        // The fds are the tasks files, write-only: what the child writes lands there.
        foreach (var (fd, dir) in join.V1Tasks)
        {
            Assert.Equal(Path.Combine(dir, "tasks"), new FileInfo($"/proc/self/fd/{fd.Fd}").LinkTarget);
            Runc.Linux.FdIo.WriteAll(fd, "0"u8.ToArray(), dir);
        }
        Assert.Equal("0", File.ReadAllText(Path.Combine(cpu, "tasks")));
        Assert.Equal(unified, new FileInfo($"/proc/self/fd/{join.IntoCgroup2!.Fd}").LinkTarget);
    }

    [Fact]
    public void PureV2_IsOnlyTheDirectory()
    {
        string unified = Dir("c1", withTasks: false);
        using var join = CgroupJoin.Open(new Dictionary<string, string> { [""] = unified });
        Assert.Empty(join.V1Tasks);
        Assert.NotNull(join.IntoCgroup2);
    }

    [Fact]
    public void AMissingHierarchyIsANamedError_AndNothingStaysOpen()
    {
        string cpu = Dir("cpu/c1"), gone = Path.Combine(_root, "memory/c1");
        int before = Directory.GetFiles("/proc/self/fd").Length;
        var e = Assert.Throws<RuncException>(() =>
            CgroupJoin.Open(new Dictionary<string, string> { ["cpu"] = cpu, ["memory"] = gone }));
        Assert.Equal($"open \"{gone}/tasks\": no such file or directory", e.Message);
        Assert.Equal(before, Directory.GetFiles("/proc/self/fd").Length);
    }

    [Fact]
    public void DisposeClosesEveryFd()
    {
        var join = CgroupJoin.Open(new Dictionary<string, string> { ["cpu"] = Dir("cpu/c1"), [""] = Dir("u/c1", withTasks: false) });
        var fds = join.V1Tasks.Select(t => t.Fd).Append(join.IntoCgroup2!).ToList();
        join.Dispose();
        Assert.All(fds, fd => Assert.True(fd.IsClosed));
        Assert.Empty(join.V1Tasks);
        Assert.Null(join.IntoCgroup2);
    }
}
