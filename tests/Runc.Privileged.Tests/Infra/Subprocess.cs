using System.Diagnostics;
using System.Text;

namespace Runc.Privileged.Tests.Infra;

/// <summary>What a finished (or killed) subprocess left: exit status and its whole stdout/stderr.</summary>
public sealed record ProcResult(IReadOnlyList<string> Argv, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public string Describe() =>
        $"$ {string.Join(' ', Argv.Select(Quote))}\n  rc={ExitCode}{(TimedOut ? " (TIMED OUT, killed)" : "")}\n" +
        $"  stdout: {Trim(Stdout)}\n  stderr: {Trim(Stderr)}";

    public override string ToString() => Describe();

    static string Trim(string s) => s.Length > 2000 ? s[..2000] + "…" : s.TrimEnd();

    static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";
}

/// <summary>A subprocess running the hard way: stdio are plain files, never pipes, because a created container keeps
/// the runtime's stdout/stderr open for as long as it lives (a pipe would never reach EOF).</summary>
public sealed class RunningProc : IDisposable
{
    readonly Process _p;
    readonly string _out, _err;
    readonly IReadOnlyList<string> _argv;
    ProcResult? _result;

    internal RunningProc(Process p, IReadOnlyList<string> argv, string outPath, string errPath)
    {
        _p = p; _argv = argv; _out = outPath; _err = errPath;
    }

    public int Pid => _p.Id;

    public bool HasExited => _p.HasExited;

    /// <summary>Waits at most <paramref name="timeout"/>; on expiry kills the whole process tree and returns a result
    /// with TimedOut set.</summary>
    public ProcResult Wait(TimeSpan timeout)
    {
        if (_result is not null) return _result;
        var timedOut = false;
        if (!_p.WaitForExit(timeout))
        {
            timedOut = true;
            KillTree();
            _p.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _p.WaitForExit(); // flush
        _result = new ProcResult(_argv, _p.HasExited ? _p.ExitCode : -1, Read(_out), Read(_err), timedOut);
        return _result;
    }

    public void KillTree()
    {
        try { if (!_p.HasExited) _p.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    static string Read(string path)
    {
        try { return File.ReadAllText(path, Encoding.UTF8); }
        catch (IOException) { return ""; }
    }

    public void Dispose()
    {
        KillTree();
        _p.Dispose();
    }
}

public static class Subprocess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    static int _seq;

    // Variables a runtime must not inherit from the test host: they change what runc does (NOTIFY_SOCKET makes
    // start block, LISTEN_FDS passes fds).
    static readonly string[] Scrubbed = ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"];

    /// <summary>
    /// Starts argv with stdin from <paramref name="stdin"/> (or /dev/null) and stdout/stderr into files under
    /// <paramref name="ioDir"/>. If <paramref name="gate"/> names a FIFO, the process first reads one line from it
    /// (so many processes can be released at once).
    /// </summary>
    public static RunningProc Start(string ioDir, IReadOnlyList<string> argv, string? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, string? cwd = null, string? gate = null)
    {
        var n = Interlocked.Increment(ref _seq);
        var inPath = "/dev/null";
        if (stdin is not null)
        {
            inPath = Path.Combine(ioDir, $"{n}.in");
            File.WriteAllText(inPath, stdin);
        }
        var outPath = Path.Combine(ioDir, $"{n}.out");
        var errPath = Path.Combine(ioDir, $"{n}.err");
        // sh only redirects and then execs, so the pid we hold is the program's pid.
        var script = gate is null
            ? "i=$1 o=$2 e=$3; shift 3; exec \"$@\" <\"$i\" >\"$o\" 2>\"$e\""
            : "i=$1 o=$2 e=$3 g=$4; shift 4; read _ <\"$g\"; exec \"$@\" <\"$i\" >\"$o\" 2>\"$e\"";
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(inPath);
        psi.ArgumentList.Add(outPath);
        psi.ArgumentList.Add(errPath);
        if (gate is not null) psi.ArgumentList.Add(gate);
        foreach (var a in argv) psi.ArgumentList.Add(a);
        foreach (var k in Scrubbed) psi.Environment.Remove(k);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        if (cwd is not null) psi.WorkingDirectory = cwd;
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {argv[0]}");
        return new RunningProc(p, argv, outPath, errPath);
    }

    public static ProcResult Run(string ioDir, IReadOnlyList<string> argv, string? stdin = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? env = null, string? cwd = null)
    {
        using var p = Start(ioDir, argv, stdin, env, cwd);
        return p.Wait(timeout ?? DefaultTimeout);
    }
}

/// <summary>Thrown when a runtime invocation had to be killed: a hang is a failure, never a slow pass.</summary>
public sealed class HangException(ProcResult result, TimeSpan timeout)
    : Exception($"hang: killed after {timeout.TotalSeconds:0.#} s\n{result.Describe()}")
{
    public ProcResult Result { get; } = result;
}
