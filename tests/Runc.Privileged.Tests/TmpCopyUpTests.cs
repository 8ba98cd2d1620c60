using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests;

/// <summary>
/// The tmpcopyup mount extension (runc's; podman asks for it on every --tmpfs): the tmpfs starts with a copy of what
/// the image has at the mount point, modes, owners, symlinks and nested directories included, the image itself is
/// never written, and "ro" still ends read-only. Differential against Debian's runc 1.1.5.
/// </summary>
public sealed class TmpCopyUpTests(ITestOutputHelper output) : ScopedTest(output)
{
    const string Listing = "cd /data && find . | sort | while read f; do stat -c '%n %a %u %g %F %s' \"$f\"; done; readlink sub/link";

    Bundle WithData(string script, params string[] options)
    {
        var b = _s.Bundle("sh", "-c", script);
        string data = Path.Combine(b.RootfsDir, "data");
        Directory.CreateDirectory(Path.Combine(data, "sub", "deeper"));
        File.WriteAllText(Path.Combine(data, "file"), "hello\n");
        File.WriteAllText(Path.Combine(data, "sub", "deeper", "secret"), "42\n");
        File.CreateSymbolicLink(Path.Combine(data, "sub", "link"), "../file");
        Subprocess.Run(_s.IoDir, ["chown", "-R", "1000:1001", data]);
        Subprocess.Run(_s.IoDir, ["chmod", "0775", Path.Combine(data, "sub")]);
        Subprocess.Run(_s.IoDir, ["chmod", "0604", Path.Combine(data, "sub", "deeper", "secret")]);
        Subprocess.Run(_s.IoDir, ["chmod", "0751", data]);
        Subprocess.Run(_s.IoDir, ["chmod", "4755", Path.Combine(data, "file")]);
        return b.AddMount("/data", "tmpfs", "tmpfs", ["nosuid", "nodev", "tmpcopyup", .. options]);
    }

    [PrivilegedFact]
    public void TheTmpfsStartsWithACopyOfTheImage_LikeRunc()
    {
        string See(Runtime rt)
        {
            var b = WithData(Listing + "; echo new > /data/new && grep -c . /proc/self/mounts >/dev/null && stat -f -c %T /data");
            var r = rt.Run("run", "--bundle", b.Dir, _s.NewId("cu"));
            Check.Ok(r);
            Assert.False(File.Exists(Path.Combine(b.RootfsDir, "data", "new")), "the write reached the image");
            return r.Stdout;
        }
        var want = See(_s.Oracle());
        var got = See(_s.Runtime());
        Assert.Contains("./file 4755 1000 1001 regular file 6", got);
        Assert.StartsWith(". 751 0 0 directory", got); // the tmpfs root: the image directory's mode, root's
        Assert.Contains("./sub 755 1000 1001 directory", got); // 0775 through the umask, as runc
        Assert.Contains("./sub/deeper/secret 604 1000 1001 regular file 3", got);
        Assert.Contains("./sub/link 777 1000 1001 symbolic link", got);
        Assert.EndsWith("../file\ntmpfs\n", got);
        Assert.Equal(want, got);
    }

    [PrivilegedFact]
    public void ReadOnly_IsFilledFirst_ThenReadOnly_LikeRunc()
    {
        string See(Runtime rt)
        {
            var b = WithData("cat /data/sub/deeper/secret; touch /data/x 2>/dev/null && echo writable || echo read-only", "ro");
            var r = rt.Run("run", "--bundle", b.Dir, _s.NewId("cu"));
            Check.Ok(r);
            return r.Stdout;
        }
        var want = See(_s.Oracle());
        var got = See(_s.Runtime());
        Assert.Equal("42\nread-only\n", got);
        Assert.Equal(want, got);
    }

    [PrivilegedFact]
    public void APlainTmpfs_TakesTheModeOfTheImageDirectory_LikeRunc()
    {
        string See(Runtime rt)
        {
            var b = _s.Bundle("sh", "-c", "stat -c %a /a /b /c");
            Directory.CreateDirectory(Path.Combine(b.RootfsDir, "a"));
            Directory.CreateDirectory(Path.Combine(b.RootfsDir, "c"));
            Subprocess.Run(_s.IoDir, ["chmod", "0710", Path.Combine(b.RootfsDir, "a")]);
            Subprocess.Run(_s.IoDir, ["chmod", "0700", Path.Combine(b.RootfsDir, "c")]);
            b.AddMount("/a", "tmpfs", "tmpfs").AddMount("/b", "tmpfs", "tmpfs").AddMount("/c", "tmpfs", "tmpfs", "mode=1777");
            var r = rt.Run("run", "--bundle", b.Dir, _s.NewId("cu"));
            Check.Ok(r);
            return r.Stdout;
        }
        var want = See(_s.Oracle());
        var got = See(_s.Runtime());
        Assert.Equal(want, got);
        Assert.StartsWith("710\n1777\n", got);
    }
}
