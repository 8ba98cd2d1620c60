using Runc;
using Runc.Oci.Kernel;
using Xunit;

namespace Runc.Oci.Tests;

public class CapabilitiesTests
{
    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("CAP_KILL", 5)]
    [InlineData("CAP_NET_BIND_SERVICE", 10)]
    [InlineData("CAP_SYS_ADMIN", 21)]
    [InlineData("CAP_AUDIT_WRITE", 29)]
    [InlineData("CAP_SETFCAP", 31)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_PERFMON", 38)]
    [InlineData("CAP_BPF", 39)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    public void NamesMapToKernelNumbers(string name, int number)
    {
        Assert.True(Capabilities.TryGetNumber(name, out int n));
        Assert.Equal(number, n);
        Assert.Equal(name, Capabilities.NameOf(number));
    }

    [Fact]
    public void LastIsCheckpointRestore() => Assert.Equal(40, Capabilities.Last);

    [Fact]
    public void TableHas41DistinctNames() => Assert.Equal(41, Capabilities.All.Distinct().Count());

    [Theory]
    [InlineData("cap_kill")]
    [InlineData("KILL")]
    [InlineData("CAP_BOGUS")]
    public void UnknownNamesAreUnknown(string name) => Assert.False(Capabilities.TryGetNumber(name, out _));
}

public class SignalsTests
{
    [Theory]
    [InlineData("9", 9)]
    [InlineData("KILL", 9)]
    [InlineData("SIGKILL", 9)]
    [InlineData("sigkill", 9)]
    [InlineData("kill", 9)]
    [InlineData("TERM", 15)]
    [InlineData("SIGCHLD", 17)]
    [InlineData("WINCH", 28)]
    [InlineData("SIGIOT", 6)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("SIGRTMIN+3", 37)]
    [InlineData("RTMIN+30", 64)]
    [InlineData("SIGRTMAX", 64)]
    [InlineData("SIGRTMAX-2", 62)]
    [InlineData("0", 0)]
    [InlineData("64", 64)]
    public void ParsesLikeRuncKill(string raw, int expected) => Assert.Equal(expected, Signals.Parse(raw));

    [Theory]
    [InlineData("FOO")]
    [InlineData("SIGFOO")]
    [InlineData("")]
    [InlineData("-9")]
    [InlineData("65")]
    [InlineData("SIGRTMIN+31")]
    [InlineData("SIGRTMIN-1")]
    [InlineData("SIGRTMAX+1")]
    [InlineData("9x")]
    public void RejectsWithRuncWording(string raw) =>
        Assert.Equal($"unknown signal \"{raw}\"", Assert.Throws<RuncException>(() => Signals.Parse(raw)).Message);

    [Theory]
    [InlineData(9, "SIGKILL")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(37, "SIGRTMIN+3")]
    [InlineData(64, "SIGRTMAX")]
    [InlineData(32, null)]
    public void NamesNumbers(int signal, string? name) => Assert.Equal(name, Signals.NameOf(signal));
}

public class RlimitAndNamespaceTests
{
    [Theory]
    [InlineData("RLIMIT_CPU", 0)]
    [InlineData("RLIMIT_CORE", 4)]
    [InlineData("RLIMIT_NPROC", 6)]
    [InlineData("RLIMIT_NOFILE", 7)]
    [InlineData("RLIMIT_MEMLOCK", 8)]
    [InlineData("RLIMIT_AS", 9)]
    [InlineData("RLIMIT_RTTIME", 15)]
    public void RlimitNumbers(string name, int number)
    {
        Assert.True(RlimitTypes.TryGetResource(name, out int r));
        Assert.Equal(number, r);
    }

    [Theory]
    [InlineData("pid", 0x20000000UL, "pid")]
    [InlineData("network", 0x40000000UL, "net")]
    [InlineData("mount", 0x00020000UL, "mnt")]
    [InlineData("ipc", 0x08000000UL, "ipc")]
    [InlineData("uts", 0x04000000UL, "uts")]
    [InlineData("user", 0x10000000UL, "user")]
    [InlineData("cgroup", 0x02000000UL, "cgroup")]
    [InlineData("time", 0x00000080UL, "time")]
    public void NamespaceFlagsAndProcNames(string spec, ulong flag, string proc)
    {
        Assert.True(NamespaceTypes.TryGet(spec, out var t));
        Assert.Equal(flag, t.CloneFlag);
        Assert.Equal(proc, t.ProcName);
    }

    [Fact]
    public void NetIsNotASpecNamespaceName() => Assert.False(NamespaceTypes.TryGet("net", out _));
}

public class MountOptionsTests
{
    [Fact]
    public void RuncSpecDevptsOptions()
    {
        var p = MountOptions.Parse(["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
        Assert.Equal(MountFlags.NoSuid | MountFlags.NoExec, p.Flags);
        Assert.Equal("newinstance,ptmxmode=0666,mode=0620,gid=5", p.Data);
        Assert.Empty(p.Propagation);
    }

    [Fact]
    public void LaterOptionsWin()
    {
        var p = MountOptions.Parse(["ro", "rw"]);
        Assert.Equal(MountFlags.None, p.Flags);
        Assert.Equal(MountFlags.ReadOnly, p.ClearedFlags);
        var q = MountOptions.Parse(["rw", "ro"]);
        Assert.Equal(MountFlags.ReadOnly, q.Flags);
        Assert.Equal(MountFlags.None, q.ClearedFlags);
    }

    [Fact]
    public void RbindIsBindPlusRec()
    {
        var p = MountOptions.Parse(["rbind", "rprivate", "nosuid"]);
        Assert.True(p.IsRecursiveBind);
        Assert.Equal(MountFlags.Bind | MountFlags.Rec | MountFlags.NoSuid, p.Flags);
        Assert.Equal([MountFlags.Private | MountFlags.Rec], p.Propagation);
    }

    [Fact]
    public void PropagationKeepsOrder()
    {
        var p = MountOptions.Parse(["shared", "rslave", "unbindable"]);
        Assert.Equal([MountFlags.Shared, MountFlags.Slave | MountFlags.Rec, MountFlags.Unbindable], p.Propagation);
        Assert.Equal(MountFlags.None, p.Flags);
    }

    [Fact]
    public void RecursiveAttributes()
    {
        var p = MountOptions.Parse(["rbind", "rro", "rnosuid", "rdev"]);
        Assert.Equal(MountAttr.ReadOnly | MountAttr.NoSuid, p.RecursiveAttrSet);
        Assert.Equal(MountAttr.NoDev, p.RecursiveAttrClear);
        Assert.Equal(MountFlags.Bind | MountFlags.Rec, p.Flags);
    }

    [Fact]
    public void RecursiveAtimeModeAlsoClearsTheAtimeMask()
    {
        var p = MountOptions.Parse(["rnoatime"]);
        Assert.Equal(MountAttr.NoAtime, p.RecursiveAttrSet);
        Assert.Equal(MountAttr.AtimeMask, p.RecursiveAttrClear);
        var q = MountOptions.Parse(["rrelatime"]);
        Assert.Equal(MountAttr.None, q.RecursiveAttrSet);
        Assert.Equal(MountAttr.AtimeMask, q.RecursiveAttrClear);
    }

    [Fact]
    public void IdmapAndRidmap()
    {
        var p = MountOptions.Parse(["bind", "idmap"]);
        Assert.True(p.IdMap);
        Assert.False(p.IdMapRecursive);
        var q = MountOptions.Parse(["rbind", "ridmap"]);
        Assert.True(q.IdMap);
        Assert.True(q.IdMapRecursive);
        Assert.Equal("", q.Data);
    }

    [Fact]
    public void TmpCopyUpIsAnExtensionNotData()
    {
        var p = MountOptions.Parse(["tmpcopyup", "mode=755"]);
        Assert.True(p.TmpCopyUp);
        Assert.Equal("mode=755", p.Data);
    }

    [Fact]
    public void UnknownOptionsGoToDataInOrder()
    {
        var p = MountOptions.Parse(["size=64k", "nodev", "bogus", "uid=0"]);
        Assert.Equal("size=64k,bogus,uid=0", p.Data);
        Assert.Equal(MountFlags.NoDev, p.Flags);
    }

    [Fact]
    public void DefaultsIsConsumed()
    {
        var p = MountOptions.Parse(["defaults"]);
        Assert.Equal("", p.Data);
        Assert.Equal(MountFlags.None, p.Flags);
    }

    [Fact]
    public void NullOptionsParseToNothing() => Assert.Equal("", MountOptions.Parse(null).Data);

    [Theory]
    [InlineData("nosymfollow", MountFlags.NoSymFollow)]
    [InlineData("strictatime", MountFlags.StrictAtime)]
    [InlineData("lazytime", MountFlags.LazyTime)]
    [InlineData("relatime", MountFlags.RelAtime)]
    [InlineData("noatime", MountFlags.NoAtime)]
    [InlineData("sync", MountFlags.Synchronous)]
    [InlineData("remount", MountFlags.Remount)]
    [InlineData("mand", MountFlags.MandLock)]
    [InlineData("dirsync", MountFlags.DirSync)]
    [InlineData("silent", MountFlags.Silent)]
    [InlineData("iversion", MountFlags.IVersion)]
    [InlineData("acl", MountFlags.PosixAcl)]
    public void SingleFlags(string option, MountFlags flag) => Assert.Equal(flag, MountOptions.Parse([option]).Flags);

    [Fact]
    public void KnownNamesAreRuncs62PlusIdmap()
    {
        Assert.Equal(64, MountOptions.KnownNames.Count);
        Assert.Contains("rro", MountOptions.KnownNames);
        Assert.Contains("tmpcopyup", MountOptions.KnownNames);
        Assert.Contains("nosymfollow", MountOptions.KnownNames);
    }
}
