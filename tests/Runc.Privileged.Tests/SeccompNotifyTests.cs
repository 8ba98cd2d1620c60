using System.Net.Sockets;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// SCMP_ACT_NOTIFY end to end (issue 6 §4), differentially against Debian's runc 1.1.5 (libseccomp 2.5.4, which supports
/// it): the runtime connects to <c>linux.seccomp.listenerPath</c>, sends the ContainerProcessState JSON with the listener
/// fd, and <c>tools/seccomp-agent</c> answers the container's notified syscalls by its rules. The container runs
/// <c>Assets/syscall-probe.c</c>; what it sees must be the agent's answers, the same under both runtimes, and the JSON the
/// agent recorded must have the same shape and the right pid/id/status/metadata. Without an agent, create and exec fail
/// with runc's sentence and leave nothing behind.
/// </summary>
public sealed class SeccompNotifyTests(ITestOutputHelper output) : ScopedTest(output)
{
    const int Getpid = 39, Getppid = 110, Mkdir = 83, Chmod = 90;
    const string Metadata = "agent-metadata 1";

    /// <summary>mkdir → EACCES from the agent, chmod → CONTINUE (the kernel's own ENOENT), getppid → 4242 without running,
    /// getpid not notified at all.</summary>
    static readonly string[] Rules = ["mkdir=errno:13", "chmod=continue", "getppid=value:4242"];

    static readonly string[] Calls =
    [
        $"mkdir={Mkdir},s:/tmp/notified,0x1ed", $"chmod={Chmod},s:/no/such,0x1ed", $"getppid={Getppid}", $"getpid={Getpid}",
    ];

    static void AssertAgentAnswers(Dictionary<string, string> r)
    {
        Assert.Equal("errno 13", r["mkdir"]);
        Assert.Equal("errno 2", r["chmod"]);
        Assert.Equal("ok 4242", r["getppid"]);
        Assert.StartsWith("ok ", r["getpid"]);
    }

    // ---------------------------------------------------------------- the agent answers

    /// <summary>`run`: the container sees the agent's answers, identically under both runtimes, with and without
    /// no_new_privs (the filter loads before or after the credentials change). getppid is notified only with
    /// no_new_privs: runc's own init calls getppid after loading the filter otherwise, and kills itself at 4242.</summary>
    [PrivilegedTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_ContainerSeesTheAgentsAnswers_SameAsRunc(bool noNewPrivileges)
    {
        var rules = noNewPrivileges ? Rules : Rules.Where(r => !r.StartsWith("getppid", StringComparison.Ordinal)).ToArray();
        var calls = noNewPrivileges ? Calls : Calls.Where(c => !c.StartsWith("getppid", StringComparison.Ordinal)).ToArray();
        var id = _s.NewId("sn");
        var results = new Dictionary<string, Dictionary<string, string>>();
        var states = new Dictionary<string, JsonObject>();
        foreach (var rt in new[] { _s.Oracle(), _s.Runtime() })
        {
            var agent = StartAgent(rules);
            var b = ProbeBundle(agent, calls).Edit(c => c["process"]!["noNewPrivileges"] = noNewPrivileges);
            var r = rt.Run("run", "--bundle", b.Dir, id);
            Check.Ok(r, $"{rt.Name} runs the probe under the agent");
            results[rt.Name] = Parse(r.Stdout);
            states[rt.Name] = agent.WaitForState(1);
            Assert.Equal(b.Dir, states[rt.Name]["state"]!["bundle"]!.GetValue<string>());
            agent.WaitForEvent(1, "syscall=mkdir", "answer=errno:13");
            _s.Log($"{rt.Name}:\n{r.Stdout}\n{states[rt.Name].ToJsonString()}\n{agent.Events()}");
        }
        var o = results["oracle"];
        var t = results["nrunc"];
        if (noNewPrivileges) AssertAgentAnswers(o);
        Assert.Equal("errno 13", o["mkdir"]);
        Assert.Equal("errno 2", o["chmod"]);
        Assert.Equal(calls.Length, o.Count);
        Assert.Equal(Normalize(o), Normalize(t));
        AssertStateShape(states["oracle"], states["nrunc"]);
        var s = states["nrunc"];
        Assert.Equal("creating", s["state"]!["status"]!.GetValue<string>());
        Assert.Equal(id, s["state"]!["id"]!.GetValue<string>());
    }

    /// <summary>create, exec, start: the agent gets one connection per process; create's says "creating" with the init's
    /// pid, exec's says "running" with the exec'd process as pid and the init as state.pid (runc's setnsProcess). Both
    /// runtimes send the same documents modulo pids.</summary>
    [PrivilegedFact]
    public void CreateAndExec_StateJsonIsRuncs_AndExecSeesTheAgent()
    {
        var id = _s.NewId("sx");
        var docs = new Dictionary<string, (JsonObject Create, JsonObject Exec)>();
        foreach (var rt in new[] { _s.Oracle(), _s.Runtime() })
        {
            var agent = StartAgent(Rules);
            var b = ProbeBundle(agent, Calls).Args("sleep", "1000")
                .Edit(c => c["annotations"] = new JsonObject { ["org.example.notify"] = "yes", ["a"] = "b" });
            Check.Ok(rt.Run("create", "--bundle", b.Dir, id), $"{rt.Name} create");
            int initPid = rt.State(id)["pid"]!.GetValue<int>();
            var created = agent.WaitForState(1);
            Assert.Equal(initPid, created["pid"]!.GetValue<int>());
            Assert.Equal(initPid, created["state"]!["pid"]!.GetValue<int>());
            Assert.Equal("creating", created["state"]!["status"]!.GetValue<string>());
            Assert.Equal(Metadata, created["metadata"]!.GetValue<string>());
            Assert.Equal(b.Dir, created["state"]!["bundle"]!.GetValue<string>());
            Assert.Equal("yes", created["state"]!["annotations"]!["org.example.notify"]!.GetValue<string>());

            var pidFile = Path.Combine(_s.NewDir("pid"), "exec.pid");
            var e = rt.Run(["exec", "--pid-file", pidFile, id, "/syscall-probe", .. Calls]);
            Check.Ok(e, $"{rt.Name} exec under the agent");
            AssertAgentAnswers(Parse(e.Stdout));
            var exec = agent.WaitForState(2);
            Assert.Equal(int.Parse(File.ReadAllText(pidFile).Trim()), exec["pid"]!.GetValue<int>());
            Assert.Equal(initPid, exec["state"]!["pid"]!.GetValue<int>());
            Assert.Equal("running", exec["state"]!["status"]!.GetValue<string>());
            Assert.Equal(id, exec["state"]!["id"]!.GetValue<string>());
            Assert.Equal(Metadata, exec["metadata"]!.GetValue<string>());
            agent.WaitForEvent(2, "syscall=getppid", "answer=value:4242");
            // The init loaded its filter during create; start only releases it to execve.
            Check.Ok(rt.Run("start", id), $"{rt.Name} start");
            rt.WaitForStatus(id, "running");
            Assert.Equal(2, Directory.GetFiles(agent.RecordDir, "state-*.json").Length);
            Check.Ok(rt.Run("delete", "-f", id), $"{rt.Name} delete");
            docs[rt.Name] = (created, exec);
            _s.Log($"{rt.Name}:\n{created.ToJsonString()}\n{exec.ToJsonString()}\n{agent.Events()}");
        }
        AssertStateShape(docs["oracle"].Create, docs["nrunc"].Create);
        AssertStateShape(docs["oracle"].Exec, docs["nrunc"].Exec);
    }

    /// <summary>Every flag `features` calls supported loads together with the listener (WAIT_KILLABLE_RECV only means
    /// something with NEW_LISTENER, and the kernel refuses it without). runc 1.1.5 refuses all seccomp flags.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void SupportedFlags_LoadWithTheListener()
    {
        var f = _s.Runtime().Run("features");
        Check.Ok(f);
        var flags = JsonNode.Parse(f.Stdout)!["linux"]!["seccomp"]!["supportedFlags"]!.AsArray();
        Assert.Contains("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", flags.Select(n => n!.GetValue<string>()));
        var agent = StartAgent(Rules);
        var b = ProbeBundle(agent, Calls).Edit(c => c["linux"]!["seccomp"]!["flags"] = flags.DeepClone());
        var r = _s.Runtime().Run("run", "--bundle", b.Dir, _s.NewId("sk"));
        Check.Ok(r);
        AssertAgentAnswers(Parse(r.Stdout));
    }

    // ---------------------------------------------------------------- no agent

    public static TheoryData<bool> SocketFile => new() { false, true };

    /// <summary>No socket file (ENOENT) or a socket nobody listens on (ECONNREFUSED): create fails with runc's sentence,
    /// and the state dir, the cgroup and the init are gone.</summary>
    [PrivilegedTheory]
    [MemberData(nameof(SocketFile))]
    public void Create_WithoutAgent_FailsLikeRunc_AndLeavesNothing(bool socketWithoutListener)
    {
        var dir = _s.NewDir("noagent");
        var sock = Path.Combine(dir, "a.sock");
        using var dead = socketWithoutListener ? BoundNotListening(sock) : null;
        var b = ProbeBundle(sock, Calls);
        string expected = "unable to start container process: failed to connect with seccomp agent specified in the seccomp profile: " +
            $"dial unix {sock}: connect: {(socketWithoutListener ? "connection refused" : "no such file or directory")}";
        var id = _s.NewId("sf");
        foreach (var rt in new[] { _s.Oracle(), _s.Runtime() })
        {
            var r = rt.Run("create", "--bundle", b.Dir, id);
            Check.Rc(1, r, $"{rt.Name} refuses to create without an agent");
            Assert.Contains(expected, r.Stderr);
            Check.NoLeftovers(_s.LeftoversFor(rt, id), $"{rt.Name} create without an agent");
        }
    }

    /// <summary>The agent went away after create: exec fails (255, runc's sentence), no exec'd process is left in the
    /// container, and the container itself is untouched.</summary>
    [PrivilegedFact]
    public void Exec_AfterTheAgentIsGone_FailsLikeRunc_AndLeavesNoProcess()
    {
        var id = _s.NewId("sg");
        foreach (var rt in new[] { _s.Oracle(), _s.Runtime() })
        {
            var agent = StartAgent(Rules);
            var b = ProbeBundle(agent, Calls).Args("sleep", "1000");
            Check.Ok(rt.Run("create", "--bundle", b.Dir, id), $"{rt.Name} create");
            agent.WaitForState(1);
            agent.Stop();
            var e = rt.Run(["exec", id, "/syscall-probe", .. Calls]);
            Check.Rc(255, e, $"{rt.Name} exec without an agent");
            Assert.Contains("unable to start container process: failed to connect with seccomp agent specified in the seccomp profile: " +
                $"dial unix {agent.Socket}: connect: connection refused", e.Stderr);
            var ps = rt.Run("ps", "--format", "json", id);
            Check.Ok(ps);
            Assert.Equal([rt.State(id)["pid"]!.GetValue<int>()], JsonNode.Parse(ps.Stdout)!.AsArray().Select(n => n!.GetValue<int>()));
            Assert.Equal("created", rt.Status(id));
            Check.Ok(rt.Run("delete", "-f", id), $"{rt.Name} delete");
            Check.NoLeftovers(_s.LeftoversFor(rt, id), $"{rt.Name} after the failed exec");
        }
    }

    // ---------------------------------------------------------------- machinery

    /// <summary>Equal documents once the pids and the bundle dirs (which differ between runs; each test checks its own)
    /// are set aside; every key the oracle sends is there and nothing else.</summary>
    static void AssertStateShape(JsonObject oracle, JsonObject nrunc)
    {
        static JsonNode Strip(JsonObject o)
        {
            var c = o.DeepClone().AsObject();
            c["pid"] = 0;
            c["state"]!["pid"] = 0;
            c["state"]!["bundle"] = "";
            return c;
        }
        var (o, t) = (Strip(oracle), Strip(nrunc));
        if (!JsonNode.DeepEquals(o, t))
            throw new XunitException($"the agent's documents differ (pids aside):\n  oracle: {o.ToJsonString()}\n  nrunc:  {t.ToJsonString()}");
        Assert.Equal(["seccompFd"], nrunc["fds"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(nrunc["pid"]!.GetValue<int>() > 0);
    }

    static Dictionary<string, string> Normalize(Dictionary<string, string> r) =>
        r.ToDictionary(kv => kv.Key, kv => kv.Key == "getpid" && kv.Value.StartsWith("ok ", StringComparison.Ordinal) ? "ok pid" : kv.Value);

    static Dictionary<string, string> Parse(string stdout)
    {
        var result = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int sp = line.IndexOf(' ');
            if (sp > 0) result[line[..sp]] = line[(sp + 1)..].Trim();
        }
        return result;
    }

    Bundle ProbeBundle(Agent agent, string[] calls) => ProbeBundle(agent.Socket, calls);

    /// <summary>A bundle running the probe with <paramref name="calls"/>; the syscalls it calls are the ones notified
    /// (getpid is not: it is the control).</summary>
    Bundle ProbeBundle(string listenerPath, string[] calls)
    {
        var b = _s.Bundle();
        var dest = Path.Combine(b.RootfsDir, "syscall-probe");
        File.Copy(SeccompTests.Probe.Value, dest);
        File.SetUnixFileMode(dest, (UnixFileMode)0b111_101_101);
        b.Args(["/syscall-probe", .. calls]);
        b.Edit(c => c["linux"]!["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["listenerPath"] = listenerPath,
            ["listenerMetadata"] = Metadata,
            ["syscalls"] = new JsonArray(new JsonObject
            {
                ["names"] = Bundle.Strings(calls.Select(c => c[..c.IndexOf('=')]).Where(n => n != "getpid")),
                ["action"] = "SCMP_ACT_NOTIFY",
            }),
        });
        return b;
    }

    static Socket BoundNotListening(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        return s;
    }

    static string AgentBin => Path.Combine(AppContext.BaseDirectory, "seccomp-agent");

    Agent StartAgent(string[] rules)
    {
        var dir = _s.NewDir("agent");
        var sock = Path.Combine(dir, "a.sock");
        var rec = Path.Combine(dir, "rec");
        List<string> argv = [AgentBin, "--socket", sock, "--record", rec];
        foreach (var r in rules) argv.AddRange(["--rule", r]);
        var p = Subprocess.Start(_s.IoDir, argv);
        _s.Track(p);
        var agent = new Agent(sock, rec, p);
        Agent.WaitUntil(() => File.Exists(Path.Combine(rec, "ready")) || p.HasExited, "the agent to listen");
        if (p.HasExited) throw new XunitException("the seccomp agent did not start:\n" + p.Wait(TimeSpan.FromSeconds(5)).Describe());
        return agent;
    }

    sealed class Agent(string socket, string recordDir, RunningProc proc)
    {
        public string Socket { get; } = socket;
        public string RecordDir { get; } = recordDir;

        public string Events()
        {
            try { return File.ReadAllText(Path.Combine(RecordDir, "events.log")); }
            catch (IOException) { return ""; }
        }

        /// <summary>The Nth connection's document (the agent writes it atomically right after receiving it).</summary>
        public JsonObject WaitForState(int n)
        {
            var path = Path.Combine(RecordDir, $"state-{n}.json");
            WaitUntil(() => File.Exists(path), $"the agent's state-{n}.json");
            return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        }

        /// <summary>The agent logs a notification after answering it, so the container may finish first.</summary>
        public void WaitForEvent(int conn, params string[] parts) =>
            WaitUntil(() => Events().Split('\n').Any(l => l.StartsWith($"conn={conn} ", StringComparison.Ordinal) && parts.All(l.Contains)),
                () => $"conn={conn} {string.Join(' ', parts)} in the agent's events.log:\n{Events()}");

        public void Stop()
        {
            proc.KillTree();
            proc.Wait(TimeSpan.FromSeconds(30));
        }

        /// <summary>Waits for something that must happen; the limit only turns a hang into a failure.</summary>
        public static void WaitUntil(Func<bool> done, string what) => WaitUntil(done, () => what);

        public static void WaitUntil(Func<bool> done, Func<string> what)
        {
            var limit = DateTime.UtcNow.AddSeconds(60);
            while (!done())
            {
                if (DateTime.UtcNow > limit) throw new XunitException($"gave up waiting for {what()}");
                Thread.Sleep(20);
            }
        }
    }
}
