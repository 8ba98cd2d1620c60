using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests;

/// <summary>
/// --pidfd-socket (runc 1.2; Debian's runc 1.1.5 does not have it, so no oracle): the socket receives one
/// SCM_RIGHTS message naming the process kind ("standard" for init, "setns" for exec) with a pidfd of exactly
/// that process (fdinfo's Pid line, read by the receiver in the host pid namespace).
/// </summary>
public sealed class PidfdSocketTests(ITestOutputHelper output) : ScopedTest(output)
{
    // Accept one connection, take the fd, print "<payload> <Pid from fdinfo>" and keep nothing open.
    const string Receiver = """
        import os, socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(sys.argv[1]); s.listen(1); s.settimeout(60)
        c, _ = s.accept()
        msg, fds, _, _ = socket.recv_fds(c, 64, 4)
        pid = [l.split()[1] for l in open("/proc/self/fdinfo/%d" % fds[0]) if l.startswith("Pid:")][0]
        print(msg.decode(), pid, len(fds), flush=True)
        """;

    (RunningProc Proc, string Socket) Listen()
    {
        string sock = Path.Combine(_s.Dir, "pidfd" + Random.Shared.Next(1000, 9999) + ".sock");
        var p = Subprocess.Start(_s.IoDir, ["python3", "-c", Receiver, sock]);
        for (int i = 0; i < 200 && !File.Exists(sock); i++) Thread.Sleep(25);
        Assert.True(File.Exists(sock), "the receiver did not listen");
        return (p, sock);
    }

    [PrivilegedFact]
    public void Create_SendsAPidfdOfInit_NamedStandard()
    {
        var rt = _s.Runtime();
        var (recv, sock) = Listen();
        string id = _s.NewId("pfd");
        Check.Ok(rt.Run("create", "--pidfd-socket", sock, "--bundle", _s.Bundle("sleep", "100000").Dir, id));
        var r = recv.Wait(TimeSpan.FromSeconds(30));
        int pid = rt.State(id)["pid"]!.GetValue<int>();
        Assert.Equal($"standard {pid} 1", r.Stdout.Trim());
        Check.Ok(rt.Run("delete", "--force", id));
    }

    [PrivilegedFact]
    public void Exec_SendsAPidfdOfTheExecdProcess_NamedSetns()
    {
        var rt = _s.Runtime();
        string id = _s.NewId("pfd");
        Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "100000").Dir, id));
        var (recv, sock) = Listen();
        string pidFile = Path.Combine(_s.Dir, id + ".pid");
        Check.Ok(rt.Run("exec", "-d", "--pid-file", pidFile, "--pidfd-socket", sock, id, "sleep", "1000"));
        var r = recv.Wait(TimeSpan.FromSeconds(30));
        Assert.Equal($"setns {File.ReadAllText(pidFile).Trim()} 1", r.Stdout.Trim());
        Check.Ok(rt.Run("delete", "--force", id));
    }

    [PrivilegedFact]
    public void Create_WithNoListener_FailsClearly_AndLeavesNothing()
    {
        var rt = _s.Runtime();
        string sock = Path.Combine(_s.Dir, "nobody-listens.sock");
        var r = rt.Run("create", "--pidfd-socket", sock, "--bundle", _s.Bundle("true").Dir, _s.NewId("pfd"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"dial unix {sock}: no such file or directory", r.Stderr);
        Assert.Empty(rt.DirsUnderRoot());
    }
}
