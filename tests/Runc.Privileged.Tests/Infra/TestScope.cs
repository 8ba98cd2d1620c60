using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// One test's world: a private temp dir (state roots, bundles, stdio files), the runtimes bound to roots inside it,
/// the container ids it generated, helper processes. Dispose deletes every container (`delete -f`), reaps anything
/// still holding one of its ids, and removes only the temp dir it made, even when the test failed.
/// </summary>
public sealed class TestScope : IDisposable
{
    const string IdPrefix = "npt";
    readonly ITestOutputHelper? _out;
    readonly List<Runtime> _runtimes = [];
    readonly List<string> _ids = [];
    readonly List<RunningProc> _procs = [];
    readonly List<System.Diagnostics.Process> _helpers = [];
    int _seq;

    public TestScope(ITestOutputHelper? output)
    {
        Env.EnsureUsable();
        _out = output;
        StartTicks = Leftovers.NowTicks();
        Dir = TempDirs.Create("t");
        // Traversable by a container running as a mapped uid (user-namespace variants).
        File.SetUnixFileMode(Dir, (UnixFileMode)0b111_101_101);
        IoDir = Path.Combine(Dir, "io");
        Directory.CreateDirectory(IoDir);
    }

    public string Dir { get; }
    public string IoDir { get; }
    /// <summary>When the test began, in /proc/PID/stat starttime ticks.</summary>
    public ulong StartTicks { get; }
    public IReadOnlyList<string> Roots => _runtimes.Select(r => r.Root).ToList();

    /// <summary>The runtime under test (NRUNC_BIN) with a fresh private root, or the given root.</summary>
    public Runtime Runtime(string? root = null) => Add(Env.RuntimeBin!, root, "nrunc");

    /// <summary>The oracle (Debian's runc) with a fresh private root.</summary>
    public Runtime Oracle(string? root = null) => Add(Env.OracleBin, root, "oracle");

    /// <summary>Any runtime binary or wrapper script (e.g. one that sets up a fake systemd) with a fresh private root.</summary>
    public Runtime Custom(string bin, string name, string? root = null) => Add(bin, root, name);

    Runtime Add(string bin, string? root, string name)
    {
        root ??= NewDir("root");
        var rt = new Runtime(this, bin, root, name);
        lock (_runtimes) _runtimes.Add(rt);
        return rt;
    }

    /// <summary>A new directory inside the scope's temp dir.</summary>
    public string NewDir(string tag)
    {
        var d = Path.Combine(Dir, $"{tag}-{Interlocked.Increment(ref _seq)}");
        Directory.CreateDirectory(d);
        File.SetUnixFileMode(d, (UnixFileMode)0b111_101_101);
        return d;
    }

    public Bundle Bundle(params string[] args) => new(NewDir("bundle"), args.Length == 0 ? ["true"] : args);

    /// <summary>A fresh, valid, unique container id (also the key for leftover scans).</summary>
    public string NewId(string tag = "c")
    {
        var id = $"{IdPrefix}-{tag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
        lock (_ids) _ids.Add(id);
        return id;
    }

    public static bool IsGeneratedId(string id) => id.StartsWith(IdPrefix + "-", StringComparison.Ordinal) && id.Length > 16 && LooksLikeId(id);

    public static bool LooksLikeId(string id) =>
        id.Length > 0 && id != "." && id != ".." && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-' or '.');

    public void Log(string text)
    {
        try { _out?.WriteLine(text); } catch (InvalidOperationException) { /* output after the test finished */ }
    }

    internal void Track(RunningProc p) { lock (_procs) _procs.Add(p); }

    /// <summary>A helper process (e.g. a namespace holder) killed by pid at dispose.</summary>
    public System.Diagnostics.Process Helper(params string[] argv)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        var p = System.Diagnostics.Process.Start(psi)!;
        lock (_helpers) _helpers.Add(p);
        return p;
    }

    /// <summary>Host-side leftovers for <paramref name="id"/> created through <paramref name="rt"/>.</summary>
    public List<string> LeftoversFor(Runtime rt, string id) =>
        Leftovers.Eventually(() => Leftovers.For(rt.Root, id, rt.Path, StartTicks, Markers));

    /// <summary>Strings that only this test's processes can mention: its temp dir and its ids.</summary>
    public IReadOnlyCollection<string> Markers
    {
        get { lock (_ids) return [Dir, .. _ids]; }
    }

    public void Dispose()
    {
        var problems = new List<string>();
        foreach (var p in _procs) p.KillTree();
        foreach (var rt in _runtimes) problems.AddRange(rt.DeleteAll());
        foreach (var id in _ids)
            foreach (var what in Leftovers.Reap(id)) problems.Add($"reaped leftover of {id}: {what}");
        foreach (var p in _procs) p.Dispose();
        foreach (var h in _helpers)
        {
            try { if (!h.HasExited) { h.Kill(); h.WaitForExit(5000); } } catch (InvalidOperationException) { }
            h.Dispose();
        }
        if (TempDirs.Remove(Dir) is { } err) problems.Add(err);
        foreach (var p in problems) Log("cleanup: " + p);
    }
}
