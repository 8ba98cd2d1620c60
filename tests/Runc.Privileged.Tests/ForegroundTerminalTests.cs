using System.Text.RegularExpressions;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests;

/// <summary>
/// Foreground `run` and `exec -t` with process.terminal: the runtime is the console-socket receiver itself and
/// proxies the host terminal (runc's tty.go). script(1) provides a host terminal of 20x70; what comes back,
/// byte for byte (ONLCR stays on: the host terminal is raw, the pty adds the CRs), and the exit code match Debian's runc.
/// </summary>
public sealed class ForegroundTerminalTests(ITestOutputHelper output) : ScopedTest(output)
{
    static string Sh(string s) => "'" + s.Replace("'", "'\\''") + "'";

    (string Out, int Rc) InScript(Runtime rt, IEnumerable<string> args)
    {
        var cmd = string.Join(' ', rt.Argv(args).Select(Sh));
        var r = Subprocess.Run(_s.IoDir, ["script", "-qec", $"stty cols 70 rows 20; {cmd}", "/dev/null"], timeout: TimeSpan.FromSeconds(30));
        _s.Log(r.Describe());
        return (r.Stdout.Replace("\0", "").Replace("^@", ""), r.ExitCode); // script echoes the EOF of its stdin as ^@
    }

    const string Script = "tty; stty size; printf 'a\\nb\\n'; exit 7";

    /// <summary>Debian's runc 1.1.5 under load sometimes loses the race between its console setup and the
    /// workload's first ioctl ("stty: standard input: ..."): take its first clean answer out of three.</summary>
    (string Out, int Rc) Oracle(Func<Runtime, (string Out, int Rc)> see)
    {
        var r = see(_s.Oracle());
        for (int i = 0; i < 2 && r.Out.Contains("stty:"); i++) r = see(_s.Oracle());
        return r;
    }

    [PrivilegedFact]
    public void Run_ForegroundTerminal_ProxiesTheHostTty_LikeRunc()
    {
        (string Out, int Rc) See(Runtime rt)
        {
            var b = _s.Bundle("sh", "-c", Script).Edit(c => c["process"]!["terminal"] = true);
            return InScript(rt, ["run", "--bundle", b.Dir, _s.NewId("t")]);
        }
        var want = Oracle(See);
        var got = See(_s.Runtime());
        Assert.Equal(7, want.Rc);
        Assert.Equal(want.Rc, got.Rc);
        Assert.Matches("^/dev/pts/[0-9]+\r\n20 70\r\na\r\nb\r\n$", got.Out);
        Assert.Equal(Regex.Replace(want.Out, "[0-9]+\r\n20", "N\r\n20"), Regex.Replace(got.Out, "[0-9]+\r\n20", "N\r\n20"));
    }

    [PrivilegedFact]
    public void Exec_ForegroundTerminal_KeepsOnlcr_LikeRunc()
    {
        (string Out, int Rc) See(Runtime rt)
        {
            var id = _s.NewId("t");
            Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "100000").Dir, id));
            return InScript(rt, ["exec", "-t", id, "sh", "-c", Script]);
        }
        var want = Oracle(See);
        var got = See(_s.Runtime());
        Assert.Equal(want.Rc, got.Rc);
        Assert.Matches("^/dev/pts/[0-9]+\r\n20 70\r\na\r\nb\r\n$", got.Out);
        Assert.Equal(Regex.Replace(want.Out, "[0-9]+\r\n20", "N\r\n20"), Regex.Replace(got.Out, "[0-9]+\r\n20", "N\r\n20"));
    }

    [PrivilegedFact]
    public void Run_ForegroundTerminal_WithoutAHostTerminal_FailsLikeRunc_AndLeavesNothing()
    {
        ProcResult NoTty(Runtime rt) =>
            rt.Run("run", "--bundle", _s.Bundle("true").Edit(c => c["process"]!["terminal"] = true).Dir, _s.NewId("t"));
        var w = NoTty(_s.Oracle());
        var rt = _s.Runtime();
        var g = NoTty(rt);
        Assert.NotEqual(0, w.ExitCode);
        Assert.Equal(1, g.ExitCode);
        Assert.Contains("open /dev/tty: no such device or address", w.Stderr);
        Assert.Contains("open /dev/tty: no such device or address", g.Stderr);
        Assert.Empty(rt.DirsUnderRoot());
    }
}
