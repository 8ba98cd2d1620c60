using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// Issue 8 §11 (argv side) and §8 (`--user` parsed exactly): hostile command lines on the published binary: empty
/// strings, over-long ids, invalid UTF-8, negative and out-of-range numbers, missing relative paths, huge argument
/// lists, bad `--user` forms. Each either works (where runc's grammar allows it) or ends with rc 1 or 255 and an error
/// message, never a .NET fault; nothing appears under --root beyond the one running container, and no process or
/// cgroup is left.
/// </summary>
public sealed partial class HostileArgvTests(ITestOutputHelper output) : ScopedTest(output)
{
    [System.Text.RegularExpressions.GeneratedRegex(@"Exception\b|\b(Arg|Argument[A-Za-z]*|InvalidOperation|IndexOutOfRange)_[A-Za-z]+|   at ")]
    private static partial System.Text.RegularExpressions.Regex FaultText();

    [PrivilegedFact]
    public void HostileArgv_WorkOrFailCleanly_NothingCreated()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var c = _s.NewId("argv");
        Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, c));
        var fresh = _s.NewId("argv");
        var many = Enumerable.Repeat("x", 20_000).ToArray();
        var manyEnv = Enumerable.Range(0, 2_000).SelectMany(i => new[] { "--env", $"E{i}=v" }).ToArray();
        // (argv, may it succeed?)
        var cases = new List<(string[] Argv, bool MayWork)>
        {
            (["create", "--bundle", b.Dir, ""], false),
            (["create", "--bundle", "", fresh], false),
            (["create", "--bundle", "does/not/exist", fresh], false),
            (["create", "--bundle", b.Dir, new string('a', 100_000)], false),
            (["create", "--bundle", b.Dir, fresh + "\u0001"], false),
            (["create", "--bundle", b.Dir, fresh + "\t"], false),
            (["create", "--bundle", b.Dir, "--", fresh], true), // Go's flag package: "--" ends the flags
            (["create", "--preserve-fds", "-1", "--bundle", b.Dir, fresh], true), // runc 1.1.5 accepts it too
            (["create", "--preserve-fds", "18446744073709551616", "--bundle", b.Dir, fresh], false),
            (["create", "--console-socket", "no/such.sock", "--bundle", b.Dir, fresh], false),
            (["create", "--pid-file", "", "--bundle", b.Dir, fresh], true),
            (["create", "--bundle", b.Dir, fresh, "extra-arg"], false),
            (["start", ""], false),
            (["state", ""], false),
            (["kill", c, ""], false),
            (["kill", c, "-9"], false),
            (["kill", c, "99999"], false),
            (["kill", c, "SIGBOGUS"], false),
            (["kill", c, "0"], true),
            (["delete", ""], false),
            (["exec", c, ""], false),
            (["exec", c], false),
            (["exec", "--cwd", "relative", c, "true"], false),
            (["exec", "--process", "no/such.json", c], false),
            (["exec", "--user", "-1", c, "true"], false),
            (["exec", "--user", "1:-2", c, "true"], false),
            (["exec", "--user", "abc", c, "true"], false),
            (["exec", "--user", "1:2:3", c, "true"], false),
            (["exec", "--user", ":", c, "true"], false),
            (["exec", "--user", "4294967296", c, "true"], false),
            (["exec", "--additional-gids", "-5", c, "true"], false),
            (["exec", "--cap", "", c, "true"], true),
            (["exec", c, "echo", .. many], true),
            (["exec", .. manyEnv, c, "true"], true),
            (["update", "--pids-limit", "abc", c], false),
            (["update", "--memory", "-2", c], false),
            (["update", "--resources", "no/such.json", c], false),
            (["ps", c, "--", "-o", "pid"], true),
            (["frobnicate", c], false),
            (["--log-format", "xml", "state", c], false),
            (["--root", "", "list"], true),
            ([""], false),
        };
        var problems = new List<string>();
        foreach (var (argv, mayWork) in cases)
        {
            var r = rt.Run(argv, timeout: TimeSpan.FromSeconds(60));
            var name = string.Join(' ', argv.Select(a => a.Length > 40 ? a[..40] + "..." : a)) is var n && n.Length > 120 ? n[..120] : n;
            if (FaultText().IsMatch(r.Stderr)) problems.Add($"[{name}] a .NET fault\n{r.Describe()}");
            if (r.ExitCode == 0 && !mayWork) problems.Add($"[{name}] accepted\n{r.Describe()}");
            var unknownCommand = r.ExitCode == 3 && r.Stderr.Contains("No help topic for", StringComparison.Ordinal); // urfave/cli, as runc
            if (r.ExitCode != 0 && !unknownCommand && (r.ExitCode is not (1 or 255) || r.Stderr.Trim().Length == 0))
                problems.Add($"[{name}] rc {r.ExitCode} without a clean error\n{r.Describe()}");
            var extra = rt.DirsUnderRoot().Where(d => d != c).ToList();
            foreach (var d in extra)
            {
                if (r.ExitCode != 0) problems.Add($"[{name}] failed, but left {d} under --root");
                rt.Run("delete", "-f", d);
            }
        }
        // Invalid UTF-8 cannot travel through .NET's argv; a shell passes the raw bytes.
        var raw = Subprocess.Run(_s.IoDir, ["/bin/sh", "-c", "exec \"$@\" \"$(printf 'x\\377\\376y')\"", "sh", .. rt.Argv(["create", "--bundle", b.Dir])]);
        if (raw.ExitCode != 1 || FaultText().IsMatch(raw.Stderr)) problems.Add($"[invalid UTF-8 id] not refused cleanly\n{raw.Describe()}");
        Assert.Equal([c], rt.DirsUnderRoot());
        Assert.Equal("running", rt.Status(c));
        Check.Ok(rt.Run("delete", "-f", c));
        Check.NoLeftovers(_s.LeftoversFor(rt, fresh), "hostile argv");
        _s.Log($"{cases.Count + 1} argv shapes");
        if (problems.Count > 0) throw new XunitException($"{problems.Count} hostile command lines misbehaved:\n" + string.Join("\n", problems));
    }

    /// <summary>§8: `exec --user` takes uid[:gid] numbers only, exactly as runc (a name is refused with strconv's words).</summary>
    [PrivilegedTheory]
    [InlineData("1:2", "uid=1 gid=2")]
    [InlineData("65534", "uid=65534 gid=0")]
    [InlineData("0:65534", "uid=0 gid=65534")]
    public void ExecUser_NumericForms_AreExact(string user, string expected)
    {
        var rt = _s.Runtime();
        var id = _s.NewId("user");
        Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "1000").Dir, id));
        var r = rt.Run("exec", "--user", user, id, "sh", "-c", "echo uid=$(id -u) gid=$(id -g)");
        rt.Run("delete", "-f", id);
        Check.Ok(r);
        Assert.Equal(expected, r.Stdout.Trim());
    }

    /// <summary>A negative uid or gid would reach setresuid as -1 ("leave unchanged", i.e. stay root): refused with
    /// runc's words and exit status.</summary>
    [PrivilegedTheory]
    [InlineData("-1")]
    [InlineData("1:-2")]
    [InlineData("-1:-1")]
    public void ExecUser_Negative_IsRefused_NeverRunsAsRoot(string user)
    {
        var rt = _s.Runtime();
        var id = _s.NewId("user");
        Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "1000").Dir, id));
        var r = rt.Run("exec", "--user", user, id, "sh", "-c", "echo uid=$(id -u) gid=$(id -g)");
        rt.Run("delete", "-f", id);
        Check.Rc(255, r);
        Assert.Contains("uids and gids must be in range 0-2147483647", r.Stderr);
        Assert.DoesNotContain("uid=", r.Stdout);
    }

    [PrivilegedFact]
    public void ExecUser_Name_IsRefusedWithRuncsWords()
    {
        var rt = _s.Runtime();
        var id = _s.NewId("user");
        Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "1000").Dir, id));
        var r = rt.Run("exec", "--user", "nobody", id, "true");
        rt.Run("delete", "-f", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("parsing nobody as int for uid failed: strconv.Atoi: parsing \\\"nobody\\\": invalid syntax", r.Stderr);
    }
}
