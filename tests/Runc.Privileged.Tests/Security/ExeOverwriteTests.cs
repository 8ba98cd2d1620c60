using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// CVE-2019-5736 (GHSA-gxmr-w5mj-v8hh): the host runtime binary cannot be reopened for writing through
/// /proc/PID/exe. The attacks run against a private copy of the runtime binary in the test's temp dir (a successful
/// attack appends to the copy, never to the build output), and the copy's sha256 must be unchanged afterwards.
/// The attacker is a root shell without CAP_SYS_PTRACE (or with it, where said): ptrace access checks depend on
/// credentials and dumpability, not on the pid namespace, so a host-side attacker with the container's uid and caps
/// meets exactly the checks a container process meets.
/// </summary>
public sealed class ExeOverwriteTests(ITestOutputHelper output) : ScopedTest(output)
{
    (string Bin, string Root) PrivateRuntime()
    {
        var bin = Path.Combine(_s.NewDir("bin"), "runtime-copy");
        File.Copy(Env.RuntimeBin!, bin);
        File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
        return (bin, _s.NewDir("root"));
    }

    ProcResult Rt((string Bin, string Root) rt, params string[] args) =>
        Subprocess.Run(_s.IoDir, [rt.Bin, "--root", rt.Root, .. args]) is var r && Log(r) ? r : r;

    bool Log(ProcResult r) { _s.Log(r.Describe()); return true; }

    ProcResult Attacker(string script, bool ptrace) =>
        Subprocess.Run(_s.IoDir, ["/usr/bin/setpriv", $"--bounding-set={(ptrace ? "+" : "-")}sys_ptrace", "--inh-caps=-all",
            "/bin/sh", "-c", script], timeout: TimeSpan.FromSeconds(60)) is var r && Log(r) ? r : r;

    /// <summary>
    /// The classic route: the image's entrypoint is /proc/self/exe, so the container runs the runtime binary itself
    /// (dumpable, as its pid 1; here blocked opening a FIFO given as --log). The attacker opens /proc/PID/exe, lets it
    /// exit, then reopens the file for writing. Measured on nrunc before the fix: the host binary was overwritten.
    /// </summary>
    [PrivilegedFact]
    public void ProcSelfExeEntrypoint_CannotOverwriteTheHostBinary()
    {
        var rt = PrivateRuntime();
        var before = SecurityKit.Sha256(rt.Bin);
        var b = _s.Bundle("/proc/self/exe", "--log", "/fifo", "state", "x");
        SecurityKit.CopyLibsFor(_s, rt.Bin, b.RootfsDir);
        var fifo = Path.Combine(b.RootfsDir, "fifo");
        Check.Ok(Subprocess.Run(_s.IoDir, ["/usr/bin/mkfifo", fifo]));
        var id = _s.NewId("exe");
        var r = Rt(rt, "run", "-d", "--bundle", b.Dir, id);
        if (r.ExitCode != 0)
        {
            // The sealed binary lives on a detached read-only mount that the container cannot even resolve: the
            // entrypoint does not run at all, which is the strongest outcome. Anything else is a failure to explain.
            Assert.Contains("/proc/self/exe", r.Stderr);
            Assert.Contains("no such file or directory", r.Stderr);
            Assert.Equal(before, SecurityKit.Sha256(rt.Bin));
            return;
        }
        Thread.Sleep(300);
        var st = Rt(rt, "state", id);
        var pid = st.ExitCode == 0 ? System.Text.Json.Nodes.JsonNode.Parse(st.Stdout)!["pid"]!.GetValue<int>() : 0;
        var attack = Attacker($$"""
            if ! ( : </proc/{{pid}}/exe ) 2>/dev/null; then echo NO-OPEN; exit 0; fi
            exec 3</proc/{{pid}}/exe
            echo OPENED
            cat '{{fifo}}' >/dev/null &
            sleep 1.5
            if ( : >>/proc/self/fd/3 ) 2>/dev/null; then echo WRITE-OPENED; echo PWNED >>/proc/self/fd/3; fi
            """, ptrace: false);
        Rt(rt, "delete", "-f", id);
        Assert.DoesNotContain("WRITE-OPENED", attack.Stdout);
        Assert.Equal(before, SecurityKit.Sha256(rt.Bin));
    }

    /// <summary>
    /// A created container's parked init is the runtime binary until start. Without CAP_SYS_PTRACE its exe cannot even
    /// be opened (PR_SET_DUMPABLE 0, CVE-2016-9962); with CAP_SYS_PTRACE it can, and after start the reopen for
    /// writing must still fail.
    /// </summary>
    [PrivilegedTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParkedInit_ExeCannotBeReopenedForWriting(bool ptrace)
    {
        var rt = PrivateRuntime();
        var before = SecurityKit.Sha256(rt.Bin);
        var b = _s.Bundle("sleep", "1");
        var id = _s.NewId("park");
        Check.Ok(Rt(rt, "create", "--bundle", b.Dir, id));
        var st = Rt(rt, "state", id);
        var pid = System.Text.Json.Nodes.JsonNode.Parse(st.Stdout)!["pid"]!.GetValue<int>();
        var attack = Attacker($$"""
            if ! ( : </proc/{{pid}}/exe ) 2>/dev/null; then echo NO-OPEN; exit 0; fi
            exec 3</proc/{{pid}}/exe
            echo OPENED
            '{{rt.Bin}}' --root '{{rt.Root}}' start {{id}}
            sleep 2
            if ( : >>/proc/self/fd/3 ) 2>/dev/null; then echo WRITE-OPENED; echo PWNED >>/proc/self/fd/3; fi
            """, ptrace);
        Rt(rt, "delete", "-f", id);
        if (!ptrace) Assert.Contains("NO-OPEN", attack.Stdout);
        Assert.DoesNotContain("WRITE-OPENED", attack.Stdout);
        Assert.Equal(before, SecurityKit.Sha256(rt.Bin));
    }
}
