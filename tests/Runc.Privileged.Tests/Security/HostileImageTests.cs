using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// Images that plant symlinks where the runtime mounts or creates things: masked paths (CVE-2025-31133), /dev, /proc,
/// /sys and /dev/pts/N symlinks (CVE-2026-41579, CVE-2025-52565, CVE-2019-19921, CVE-2023-27561), and a bind mount over
/// /proc (CVE-2019-16884). A run that fails is fine; a run that succeeds while breaking an invariant is not.
/// </summary>
public sealed class HostileImageTests(ITestOutputHelper output) : ScopedTest(output)
{
    static readonly string[] MaskedFiles = ["/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug"];

    /// <summary>
    /// CVE-2025-31133 (GHSA-9493-h29p-rfm2): no /dev tmpfs, and the image's /dev/null is a symlink to /etc/marker. Every
    /// masked file is then char 1:3 or absent, or the run fails; never a bind of the marker. The marker is unchanged.
    /// runc 1.1.5 bind-mounts the marker read-write over /proc/keys and /proc/timer_list.
    /// </summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void DevNullSymlink_NeverBecomesAMask()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle().WithoutDevTmpfs();
        var marker = Path.Combine(b.RootfsDir, "etc", "marker");
        File.WriteAllText(marker, "MARKER");
        var devnull = Path.Combine(b.RootfsDir, "dev", "null");
        if (File.Exists(devnull) || Directory.Exists(devnull)) File.Delete(devnull);
        File.CreateSymbolicLink(devnull, "/etc/marker");
        var script = string.Join("; ", MaskedFiles.Select(p => $"if [ -e {p} ]; then echo \"{p} $(stat -c '%F %t:%T' {p})\"; fi")) +
            "; grep -c MARKER /proc/keys /proc/timer_list 2>/dev/null; true";
        b.Shell(script);
        var id = _s.NewId("mask");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        rt.Run("delete", "-f", id);
        Assert.Equal("MARKER", File.ReadAllText(marker));
        if (r.ExitCode != 0) return; // refusing the image is a correct answer
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith("/proc/", StringComparison.Ordinal)) continue;
            if (!line.EndsWith("character special file 1:3", StringComparison.Ordinal))
                throw new XunitException($"masked path is not /dev/null: {line}\n{r.Describe()}");
        }
        foreach (var line in r.Stdout.Split('\n'))
            if ((line.StartsWith("/proc/keys:") || line.StartsWith("/proc/timer_list:")) && !line.EndsWith(":0"))
                throw new XunitException($"a masked path shows the marker: {line}");
    }

    /// <summary>CVE-2015-3630 / CVE-2025-31133: a container without CAP_SYS_ADMIN cannot unmount a mask or remount a
    /// read-only path read-write.</summary>
    [PrivilegedFact]
    public void Masks_CannotBeUnmountedOrRemountedFromInside()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle().Shell(
            "umount /proc/kcore 2>/dev/null && echo UNMOUNTED-KCORE; umount -l /proc/acpi 2>/dev/null && echo UNMOUNTED-ACPI; " +
            "mount -o remount,rw /proc/sys 2>/dev/null && echo REMOUNTED-SYS; ( echo 1 > /proc/sysrq-trigger ) 2>/dev/null && echo WROTE-SYSRQ; " +
            "stat -c '%F %t:%T' /proc/kcore 2>/dev/null || stat -c '%F %t:%T' /proc/keys");
        var id = _s.NewId("mask");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        rt.Run("delete", "-f", id);
        Check.Ok(r);
        foreach (var bad in new[] { "UNMOUNTED", "REMOUNTED", "WROTE" }) Assert.DoesNotContain(bad, r.Stdout);
        Assert.Contains("character special file 1:3", r.Stdout);
    }

    /// <summary>
    /// CVE-2026-41579 (GHSA-xjvp-4fhw-gc47), crun CVE-2026-47766: the image's /dev is an absolute symlink to a host
    /// scratch dir holding a "ptmx" marker. Nothing may be created in it or replaced (runc 1.1.5 adds fd/stdin/stdout/
    /// stderr links there and replaces ptmx). Run with and without the config's /dev tmpfs.
    /// </summary>
    [PrivilegedTheory(StrongerThanRunc = true)]
    [InlineData(true)]
    [InlineData(false)]
    public void DevSymlinkToHost_NothingOutsideTheRootfsIsTouched(bool devTmpfs)
    {
        var rt = _s.Runtime();
        var scratch = SecurityKit.Canary(_s, "devscratch", "ptmx");
        var b = _s.Bundle("true");
        if (!devTmpfs) b.WithoutDevTmpfs();
        var dev = Path.Combine(b.RootfsDir, "dev");
        Directory.Delete(dev, recursive: true);
        File.CreateSymbolicLink(dev, scratch);
        var id = _s.NewId("dev");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        rt.Run("delete", "-f", id);
        _s.Log($"rc={r.ExitCode}");
        SecurityKit.AssertCanary(scratch, "devscratch", "ptmx");
    }

    /// <summary>CVE-2025-52565 (GHSA-qw9x-cqr3-wc7r) without a terminal: the image's /dev/pts/0..9 and /dev/console are
    /// symlinks to a host canary file; nothing writes to it and the masks stay in force.</summary>
    [PrivilegedFact]
    public void DevPtsAndConsoleSymlinks_DoNotReachTheHost()
    {
        var rt = _s.Runtime();
        var canary = SecurityKit.Canary(_s, "pts");
        var target = Path.Combine(canary, "marker");
        var b = _s.Bundle().WithoutDevTmpfs().Shell("stat -c '%F %t:%T' /proc/kcore 2>/dev/null || stat -c '%F %t:%T' /proc/keys");
        var pts = Path.Combine(b.RootfsDir, "dev", "pts");
        Directory.CreateDirectory(pts);
        for (var i = 0; i < 10; i++) File.CreateSymbolicLink(Path.Combine(pts, i.ToString()), target);
        File.CreateSymbolicLink(Path.Combine(b.RootfsDir, "dev", "console"), target);
        var id = _s.NewId("pts");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        rt.Run("delete", "-f", id);
        SecurityKit.AssertCanary(canary, "pts");
        if (r.ExitCode == 0) Assert.Contains("character special file 1:3", r.Stdout);
    }

    /// <summary>
    /// CVE-2025-52565 (GHSA-qw9x-cqr3-wc7r) with a terminal: `create --console-socket` on an image whose /dev/console and
    /// /dev/pts/0..9 are symlinks, to a host canary file (absolute or climbing with ../), or to a sensitive procfs file
    /// inside the container (/proc/sys/kernel/core_pattern, the advisory's target). No /dev tmpfs, so the runtime meets
    /// the image's entries. The create may be refused; if the container runs, the pty is not bound over the symlink's
    /// target (nothing is mounted on core_pattern, it is still procfs) and the host canary is untouched.
    /// </summary>
    [PrivilegedTheory]
    [InlineData("host-absolute")]
    [InlineData("host-relative")]
    [InlineData("proc-core-pattern")]
    public void DevConsoleSymlink_WithConsoleSocket_NothingIsReplaced(string target)
    {
        var rt = _s.Runtime();
        var canary = SecurityKit.Canary(_s, "console");
        var marker = Path.Combine(canary, "marker");
        var link = target switch
        {
            "host-absolute" => marker,
            "host-relative" => string.Concat(Enumerable.Repeat("../", 12)) + marker.TrimStart('/'),
            _ => "/proc/sys/kernel/core_pattern",
        };
        var corePattern = File.ReadAllText("/proc/sys/kernel/core_pattern");
        var b = _s.Bundle().WithoutDevTmpfs().Shell(
            "grep -E ' /(proc/sys/kernel/core_pattern|dev/console) ' /proc/self/mountinfo | cut -d' ' -f5,9; " +
            "stat -f -c 'fs=%T' /proc/sys/kernel/core_pattern; echo done");
        b.Edit(c => c["process"]!["terminal"] = true);
        var dev = Path.Combine(b.RootfsDir, "dev");
        var pts = Path.Combine(dev, "pts");
        Directory.CreateDirectory(pts);
        for (var i = 0; i < 10; i++) File.CreateSymbolicLink(Path.Combine(pts, i.ToString()), link);
        File.CreateSymbolicLink(Path.Combine(dev, "console"), link);

        var sock = Path.Combine(_s.NewDir("tty"), "console.sock");
        using var recv = Subprocess.Start(_s.IoDir, ["python3", Path.Combine(Env.RepoRoot, "tools", "recvtty", "recvtty.py"), "--timeout", "30", sock]);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!File.Exists(sock) && DateTime.UtcNow < until) Thread.Sleep(10);
        var id = _s.NewId("con");
        var r = rt.Run("create", "--console-socket", sock, "--bundle", b.Dir, id);
        var seen = "";
        if (r.ExitCode == 0)
        {
            Check.Ok(rt.Run("start", id));
            var got = recv.Wait(TimeSpan.FromSeconds(40));
            seen = got.Stdout.Replace("\r", "");
            _s.Log(got.Describe());
        }
        else recv.KillTree();
        rt.Run("delete", "-f", id);
        _s.Log($"create rc={r.ExitCode} {r.Stderr.Trim()}\n{seen}");
        SecurityKit.AssertCanary(canary, "console");
        Assert.Equal(corePattern, File.ReadAllText("/proc/sys/kernel/core_pattern"));
        if (r.ExitCode != 0) return; // refusing the image is a correct answer
        Assert.Contains("done", seen);
        Assert.DoesNotContain("/proc/sys/kernel/core_pattern", seen.Split("fs=")[0]);
        Assert.Contains("fs=proc", seen);
    }

    /// <summary>CVE-2019-19921 / CVE-2023-27561 / CVE-2023-28642: /proc or /sys as a symlink in the image is refused,
    /// and the symlink's target (a host canary) is untouched.</summary>
    [PrivilegedTheory]
    [InlineData("proc")]
    [InlineData("sys")]
    public void ProcOrSysSymlink_IsRefused(string which)
    {
        var rt = _s.Runtime();
        var canary = SecurityKit.Canary(_s, which + "scratch");
        var b = _s.Bundle().Shell("echo RAN > /ran");
        var p = Path.Combine(b.RootfsDir, which);
        Directory.Delete(p, recursive: true);
        File.CreateSymbolicLink(p, canary);
        var id = _s.NewId("sym");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        rt.Run("delete", "-f", id);
        Check.Rc(1, r, $"a symlinked /{which} must be refused");
        Assert.False(File.Exists(Path.Combine(b.RootfsDir, "ran")));
        SecurityKit.AssertCanary(canary, which + "scratch");
    }

    /// <summary>CVE-2019-16884 (GHSA-fgv8-vj5c-2ppq), CVE-2015-3631: a bind mount of a plain directory on /proc is
    /// refused (runc: "... cannot be mounted because it is not of type proc").</summary>
    [PrivilegedFact]
    public void BindMountOnProc_IsRefused()
    {
        var rt = _s.Runtime();
        var fake = _s.NewDir("fakeproc");
        File.WriteAllText(Path.Combine(fake, "marker"), "fake");
        var b = _s.Bundle().Shell("echo RAN > /ran");
        b.Edit(c =>
        {
            foreach (var m in c["mounts"]!.AsArray())
                if (m!["destination"]!.GetValue<string>() == "/proc")
                {
                    m["type"] = "bind"; m["source"] = fake; m["options"] = Bundle.Strings(["rbind"]);
                }
        });
        var id = _s.NewId("proc");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        rt.Run("delete", "-f", id);
        Check.Rc(1, r, "a non-procfs mount on /proc must be refused");
        Assert.False(File.Exists(Path.Combine(b.RootfsDir, "ran")));
    }
}
