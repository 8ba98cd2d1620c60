using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// CVE-2024-21626 (runc "Leaky Vessels", GHSA-xr7r-f8xq-vfvv) and CVE-2016-9962 (GHSA-gp4j-w3vj-7299): no host file
/// descriptor reaches the container. The container's process sees exactly stdio (+ --preserve-fds); a cwd or
/// args[0] through /proc/self/fd/N never reaches a host directory; a non-CLOEXEC fd the caller left open is closed.
/// </summary>
public sealed class FdLeakTests(ITestOutputHelper output) : ScopedTest(output)
{
    public static TheoryData<int> FdNumbers => new() { 3, 4, 5, 6, 7, 8, 9 };

    /// <summary>CVE-2024-21626: the started process holds fds 0-2 only, even when the caller left fd 3 and 7 open
    /// without CLOEXEC; with --preserve-fds 1, fd 3 (and only it) survives.</summary>
    [PrivilegedTheory]
    [InlineData(0)]
    [InlineData(1)]
    public void StartedProcess_SeesOnlyStdioAndPreserved_EvenWithCallerLeakedFds(int preserve)
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("fd");
        // The caller (a shell) leaves two non-CLOEXEC fds open, one of them a host directory.
        var r = Subprocess.Run(_s.IoDir, ["/bin/sh", "-c", "exec 3</etc/hostname 7</; exec \"$@\"", "sh",
            .. rt.Argv(["run", "-d", "--preserve-fds", preserve.ToString(), "--bundle", b.Dir, id])]);
        Check.Ok(r, "run -d with leaked caller fds");
        var fds = SecurityKit.Fds(SecurityKit.Pid(rt, id));
        _s.Log("container fds: " + string.Join(", ", fds.Select(kv => $"{kv.Key}->{kv.Value}")));
        var expected = preserve == 0 ? new[] { 0, 1, 2 } : [0, 1, 2, 3];
        Assert.Equal(expected, fds.Keys.ToArray());
        if (preserve == 1) Assert.Equal("/etc/hostname", fds[3]);
        rt.Run("delete", "-f", id);
    }

    /// <summary>CVE-2016-9962 / CVE-2024-21626: the parked init of a created container (still nrunc, in the container's
    /// namespaces) holds no host directory: only stdio, pipes, sockets, anon inodes, character devices and exec.fifo.</summary>
    [PrivilegedFact]
    public void CreatedInit_HoldsNoHostDirectoryFd()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("fd");
        Check.Ok(rt.Run("create", "--bundle", b.Dir, id));
        var pid = SecurityKit.Pid(rt, id);
        var bad = new List<string>();
        foreach (var (fd, target) in SecurityKit.Fds(pid))
        {
            if (fd <= 2) continue;
            var isDir = Directory.Exists($"/proc/{pid}/fd/{fd}");
            var ok = !isDir && (target.StartsWith("pipe:") || target.StartsWith("socket:") || target.StartsWith("anon_inode:") ||
                target.StartsWith("/dev/") || target.EndsWith("/exec.fifo", StringComparison.Ordinal));
            if (!ok) bad.Add($"{fd} -> {target}{(isDir ? " (directory)" : "")}");
        }
        rt.Run("delete", "-f", id);
        if (bad.Count > 0) throw new XunitException("the parked init holds host fds: " + string.Join(", ", bad));
    }

    /// <summary>CVE-2024-21626: process.cwd = /proc/self/fd/N. Either create fails, or the process's cwd is inside
    /// the container (walking up from it never reaches the host's root, where this test's temp dir is).</summary>
    [PrivilegedTheory]
    [MemberData(nameof(FdNumbers))]
    public void Cwd_ProcSelfFd_NeverReachesTheHost(int n)
    {
        var rt = _s.Runtime();
        var hostOnly = Path.GetRelativePath("/", _s.Dir);
        var b = _s.Bundle().Shell($"cd ../../../../../../../..; if [ -d '{hostOnly}' ]; then echo ESCAPED; fi; pwd");
        b.Edit(c => c["process"]!["cwd"] = $"/proc/self/fd/{n}");
        var id = _s.NewId("cwd");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        Assert.DoesNotContain("ESCAPED", r.Stdout);
        if (r.ExitCode == 0) Assert.Equal("/", r.Stdout.Trim());
        rt.Run("delete", "-f", id);
    }

    /// <summary>CVE-2024-21626: args[0] = /proc/self/fd/N/../../../bin/busybox must fail or run the container's own
    /// busybox (/proc/PID/exe reads "/bin/busybox"), never the host's (/usr/bin/busybox here).</summary>
    [PrivilegedTheory]
    [MemberData(nameof(FdNumbers))]
    public void Args0_ThroughProcSelfFd_NeverRunsAHostBinary_Run(int n) => Args0(n, create: false);

    [PrivilegedTheory]
    [MemberData(nameof(FdNumbers))]
    public void Args0_ThroughProcSelfFd_NeverRunsAHostBinary_CreateStart(int n) => Args0(n, create: true);

    // ---- exec: the same promises for a process joined into a running container -----------------------------

    static string Sh(string s) => "'" + s.Replace("'", "'\\''") + "'";

    string RunningContainer(Runtime rt)
    {
        var id = _s.NewId("fx");
        Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "1000").Dir, id));
        return id;
    }

    /// <summary>CVE-2024-21626 / CVE-2016-9962 at exec: the caller leaves fd 3 (a file) and fd 7 (the host's /)
    /// open without CLOEXEC; the exec'd process holds exactly 0-2, or 0-3 with --preserve-fds 1 (fd 3 the file, never
    /// fd 7), seen from the host.</summary>
    [PrivilegedTheory]
    [InlineData(0)]
    [InlineData(1)]
    public void Exec_SeesOnlyStdioAndPreserved_EvenWithCallerLeakedFds(int preserve)
    {
        var rt = _s.Runtime();
        var id = RunningContainer(rt);
        var pidFile = Path.Combine(_s.Dir, $"exec-{preserve}.pid");
        var argv = string.Join(' ', rt.Argv(["exec", "-d", "--pid-file", pidFile, "--preserve-fds", preserve.ToString(), id, "sleep", "1000"]).Select(Sh));
        Check.Ok(Subprocess.Run(_s.IoDir, ["/bin/sh", "-c", $"exec 3</etc/hostname 7</; exec {argv}"]), "exec -d with leaked caller fds");
        var fds = SecurityKit.Fds(int.Parse(File.ReadAllText(pidFile).Trim()));
        _s.Log("exec'd process fds: " + string.Join(", ", fds.Select(kv => $"{kv.Key}->{kv.Value}")));
        Assert.Equal(preserve == 0 ? new[] { 0, 1, 2 } : [0, 1, 2, 3], fds.Keys.ToArray());
        if (preserve == 1) Assert.Equal("/etc/hostname", fds[3]);
        rt.Run("delete", "-f", id);
    }

    /// <summary>CVE-2024-21626: `exec --cwd /proc/self/fd/N`. Either exec fails, or the cwd is inside the container:
    /// walking up from it never reaches the host's root (where this test's temp dir is).</summary>
    [PrivilegedTheory]
    [MemberData(nameof(FdNumbers))]
    public void ExecCwd_ProcSelfFd_NeverReachesTheHost(int n)
    {
        var rt = _s.Runtime();
        var id = RunningContainer(rt);
        var hostOnly = Path.GetRelativePath("/", _s.Dir);
        var r = rt.Run("exec", "--cwd", $"/proc/self/fd/{n}", id, "sh", "-c",
            $"cd ../../../../../../../..; if [ -d '{hostOnly}' ]; then echo ESCAPED; fi; pwd");
        _s.Log(r.Describe());
        Assert.DoesNotContain("ESCAPED", r.Stdout);
        if (r.ExitCode == 0) Assert.Equal("/", r.Stdout.Trim());
        rt.Run("delete", "-f", id);
    }

    /// <summary>CVE-2024-21626: exec's args[0] = /proc/self/fd/N/../../../bin/busybox fails or runs the container's
    /// busybox (/proc/PID/exe reads "/bin/busybox"), never the host's (/usr/bin/busybox).</summary>
    [PrivilegedTheory]
    [MemberData(nameof(FdNumbers))]
    public void ExecArgs0_ThroughProcSelfFd_NeverRunsAHostBinary(int n)
    {
        Assert.True(File.Exists("/bin/busybox"), "the host needs /bin/busybox (busybox-static) for this probe");
        var rt = _s.Runtime();
        var id = RunningContainer(rt);
        var r = rt.Run("exec", id, $"/proc/self/fd/{n}/../../../bin/busybox", "sh", "-c", "echo EXE=$(readlink /proc/$$/exe)");
        _s.Log(r.Describe());
        if (r.Stdout.Contains("EXE=")) Assert.Equal("EXE=/bin/busybox", r.Stdout.Trim());
        rt.Run("delete", "-f", id);
    }

    void Args0(int n, bool create)
    {
        Assert.True(File.Exists("/bin/busybox"), "the host needs /bin/busybox (busybox-static) for this probe");
        var rt = _s.Runtime();
        var b = _s.Bundle($"/proc/self/fd/{n}/../../../bin/busybox", "sh", "-c",
            "echo EXE=$(readlink /proc/$$/exe) > /probe.out");
        var id = _s.NewId("arg0");
        ProcResult r;
        if (create)
        {
            r = rt.Run("create", "--bundle", b.Dir, id);
            if (r.ExitCode == 0)
            {
                Check.Ok(rt.Run("start", id));
                rt.WaitForStatus(id, "stopped");
            }
        }
        else r = rt.Run("run", "--bundle", b.Dir, id);
        var outFile = Path.Combine(b.RootfsDir, "probe.out");
        var seen = File.Exists(outFile) ? File.ReadAllText(outFile).Trim() : "";
        _s.Log($"rc={r.ExitCode} probe: {seen}");
        if (seen.Length > 0) Assert.Equal("EXE=/bin/busybox", seen);
        rt.Run("delete", "-f", id);
    }
}
