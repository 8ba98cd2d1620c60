using System.Text.Json.Nodes;

namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// One runtime binary bound to one private state root (`--root`). Every invocation is a subprocess with a hard
/// timeout; a hang throws <see cref="HangException"/> after the process tree was killed.
/// </summary>
public sealed class Runtime
{
    readonly TestScope _scope;

    internal Runtime(TestScope scope, string path, string root, string name)
    {
        _scope = scope; Path = path; Root = root; Name = name;
    }

    public string Path { get; }
    public string Root { get; }
    /// <summary>"nrunc" (runtime under test) or "oracle".</summary>
    public string Name { get; }

    public IReadOnlyList<string> Argv(IEnumerable<string> args) => [Path, "--root", Root, .. args];

    public ProcResult Run(params string[] args) => Run(args, stdin: null);

    public ProcResult Run(IReadOnlyList<string> args, string? stdin = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? env = null, string? cwd = null)
    {
        var r = TryRun(args, stdin, timeout, env, cwd);
        if (r.TimedOut) throw new HangException(r, timeout ?? Subprocess.DefaultTimeout);
        return r;
    }

    /// <summary>Like <see cref="Run(IReadOnlyList{string},string?,TimeSpan?,IReadOnlyDictionary{string,string}?,string?)"/> but a timeout is returned, not thrown.</summary>
    public ProcResult TryRun(IReadOnlyList<string> args, string? stdin = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? env = null, string? cwd = null)
    {
        var r = Subprocess.Run(_scope.IoDir, Argv(args), stdin, timeout, env, cwd);
        _scope.Log(r.Describe());
        return r;
    }

    /// <summary>Starts an invocation in the background (foreground `run` to be signalled, concurrent creates).</summary>
    public RunningProc Start(IReadOnlyList<string> args, string? stdin = null, string? gate = null)
    {
        var p = Subprocess.Start(_scope.IoDir, Argv(args), stdin, gate: gate);
        _scope.Track(p);
        return p;
    }

    /// <summary>`state ID`, asserted to succeed, parsed.</summary>
    public JsonObject State(string id)
    {
        var r = Run("state", id);
        if (r.ExitCode != 0) throw new Xunit.Sdk.XunitException($"state {id} failed\n{r.Describe()}");
        return JsonNode.Parse(r.Stdout)?.AsObject() ?? throw new Xunit.Sdk.XunitException("state printed null");
    }

    public string Status(string id) => State(id)["status"]!.GetValue<string>();

    /// <summary>Polls `state` until the status is <paramref name="status"/> (absorbs the moment between a process dying
    /// and the runtime noticing; not a timing assertion).</summary>
    public JsonObject WaitForStatus(string id, string status, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var st = State(id);
            if (st["status"]!.GetValue<string>() == status || DateTime.UtcNow > until) return st;
            Thread.Sleep(50);
        }
    }

    /// <summary>Ids with a directory under the root (what cleanup must delete).</summary>
    public IReadOnlyList<string> DirsUnderRoot() =>
        Directory.Exists(Root) ? Directory.EnumerateDirectories(Root).Select(System.IO.Path.GetFileName).OfType<string>().ToList() : [];

    /// <summary>`delete -f` of everything under the root; returns problems (never throws).</summary>
    internal List<string> DeleteAll()
    {
        var problems = new List<string>();
        foreach (var id in DirsUnderRoot())
        {
            if (!TestScope.LooksLikeId(id)) { problems.Add($"odd entry {id} under {Root}"); continue; }
            try
            {
                var r = Subprocess.Run(_scope.IoDir, Argv(["delete", "-f", id]), timeout: TimeSpan.FromSeconds(30));
                if (r.ExitCode != 0) problems.Add($"cleanup delete -f {id} failed\n{r.Describe()}");
            }
            catch (Exception e) { problems.Add($"cleanup delete -f {id}: {e.Message}"); }
        }
        return problems;
    }
}
