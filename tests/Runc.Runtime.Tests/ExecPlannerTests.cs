using Runc.Oci;
using Runc.Runtime.Containers;
using Runc.Runtime.Launch;
using Runc.Runtime.Plan;
using Xunit;

namespace Runc.Runtime.Tests;

/// <summary>The exec plan's order (pure, no root) and runc's getProcess/getSubCgroupPaths rules.</summary>
public sealed class ExecPlannerTests
{
    static Process Proc(bool terminal = false) => new()
    {
        Args = ["sh", "-c", "true"],
        Env = ["PATH=/bin"],
        Cwd = "/tmp",
        Terminal = terminal,
        Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 1024, Hard = 1024 }],
        Capabilities = new LinuxCapabilities { Bounding = ["CAP_KILL"], Effective = ["CAP_KILL"], Permitted = ["CAP_KILL"] },
    };

    static List<OpCode> Codes(PlanBuilder p) => p.Ops.Select(o => o.Code).ToList();

    [Fact]
    public void Plan_JoinsTheV1CgroupsItself_BeforeWaitingForTheParent()
    {
        using var cpu = Runc.Linux.SafeFd.Open("/dev/null", Runc.Linux.Interop.Libc.O_RDONLY);
        using var mem = Runc.Linux.SafeFd.Open("/dev/null", Runc.Linux.Interop.Libc.O_RDONLY);
        var plan = ExecPlanner.Plan(Proc(), new ExecPlanOptions { CgroupTasks = [(cpu, "/cg/cpu/c1"), (mem, "/cg/memory/c1")] });
        Assert.Equal([OpCode.JoinCgroup, OpCode.JoinCgroup, OpCode.SyncWait], Codes(plan).Take(3));
        Assert.Equal([(long)cpu.Fd, mem.Fd], plan.Ops.Take(2).Select(o => o.A));
        Assert.Equal("unable to apply cgroup configuration: write /cg/memory/c1/tasks", plan.Descriptions[1]);
    }

    [Fact]
    public void Plan_OrdersTheSteps_LikeRuncsSetnsInit()
    {
        var joins = new[] { "cgroup", "network", "mount", "user", "uts", "ipc" }.Select((t, i) => new NamespaceJoin(t, 10 + i)).ToList();
        var plan = ExecPlanner.Plan(Proc(terminal: true), new ExecPlanOptions { Joins = joins, ConsoleSocketFd = 7, PreserveFds = 2 });
        var codes = Codes(plan);
        Assert.Equal(OpCode.SyncWait, codes[0]);
        Assert.Equal(OpCode.Rlimit, codes[1]); // before the user namespace: a hard limit can still be raised
        var setns = plan.Ops.Where(o => o.Code == OpCode.Setns).Select(o => plan.Descriptions[plan.Ops.ToList().IndexOf(o)]).ToList();
        Assert.Equal(["join user namespace", "join mount namespace", "join uts namespace", "join ipc namespace",
            "join network namespace", "join cgroup namespace"], setns);
        var console = plan.Ops.Single(o => o.Code == OpCode.Console);
        Assert.Equal(0, console.Flags); // never /dev/console for an exec
        Assert.Equal(7, console.A);
        Assert.Equal([3L, 4L], plan.Ops.Where(o => o.Code == OpCode.Dup2).Select(o => o.A));
        Assert.Equal(5, plan.Ops.Single(o => o.Code == OpCode.CloseExecFrom).A);
        int ready = codes.IndexOf(OpCode.SyncSend);
        Assert.True(codes.IndexOf(OpCode.ResolveExec) < ready && codes.IndexOf(OpCode.VerifyCwd) < ready);
        Assert.True(ready < codes.IndexOf(OpCode.Capset));
        Assert.Equal(OpCode.Execve, codes[^1]);
        Assert.DoesNotContain(OpCode.PivotRoot, codes);
        Assert.DoesNotContain(OpCode.Mount, codes);
        Assert.DoesNotContain(OpCode.WaitStart, codes);
    }

    /// <summary>exec's parent stays on the line until execve, so the notify hand-over simply follows "ready".</summary>
    [Fact]
    public void Plan_WithNotify_HandsTheListenerToTheParentAfterReady()
    {
        var plan = ExecPlanner.Plan(Proc(), new ExecPlanOptions { SeccompFilter = new byte[8], SeccompNotify = true });
        var codes = Codes(plan);
        int seccomp = codes.IndexOf(OpCode.Seccomp);
        Assert.Equal(1, plan.Ops[seccomp].D);
        Assert.True(codes.IndexOf(OpCode.SyncSend) < seccomp);
        Assert.Equal(OpCode.Execve, codes[^1]);
        Assert.Equal(0, ExecPlanner.Plan(Proc(), new ExecPlanOptions { SeccompFilter = new byte[8] }).Ops.Single(o => o.Code == OpCode.Seccomp).D);
    }

    [Fact]
    public void Plan_ChildJoinsThePidNamespace_AfterAllOthers_BeforeSetsid_OnlyWhenAsked()
    {
        var joins = new[] { "mount", "user" }.Select((t, i) => new NamespaceJoin(t, 10 + i)).ToList();
        Assert.DoesNotContain(OpCode.ForkIntoPidns, Codes(ExecPlanner.Plan(Proc(), new ExecPlanOptions { Joins = joins })));
        var plan = ExecPlanner.Plan(Proc(), new ExecPlanOptions { Joins = joins, ChildJoinsPidNsFd = 9 });
        var codes = Codes(plan);
        int fork = codes.IndexOf(OpCode.ForkIntoPidns);
        Assert.Equal(9, plan.Ops[fork].A);
        Assert.Equal("join pid namespace", plan.Descriptions[fork]);
        Assert.Equal(OpCode.Setns, codes[fork - 1]); // after the user (and every other) namespace
        Assert.Equal(OpCode.Setsid, codes[fork + 1]);
    }

    [Fact]
    public void Plan_WithTerminalButNoSocket_IsRefused()
    {
        var e = Assert.Throws<RuncException>(() => ExecPlanner.Plan(Proc(terminal: true), new ExecPlanOptions()));
        Assert.Equal("cannot allocate tty if runc will detach without setting console socket", e.Message);
    }

    static Spec Config() => new() { Process = Proc() with { Env = ["PATH=/bin", "X=1"] } };

    [Fact]
    public void GetProcess_FromConfig_AppliesTheFlagsAsRunc()
    {
        var req = new ExecRequest
        {
            Args = ["echo", "hi"], Env = ["A=1"], Cwd = "/work", User = "1000:2000", AdditionalGids = ["5", "7"],
            Caps = ["CAP_SYS_ADMIN"], NoNewPrivs = true, Tty = true,
        };
        var config = Config();
        var (p, apparmor) = Executor.GetProcess(req, config);
        Assert.Equal(["echo", "hi"], p.Args);
        Assert.Equal(["PATH=/bin", "X=1", "A=1"], p.Env);
        Assert.Equal("/work", p.Cwd);
        Assert.Equal((1000u, 2000u), (p.User.Uid, p.User.Gid));
        Assert.Equal([5u, 7u], p.User.AdditionalGids);
        Assert.Equal(["CAP_KILL", "CAP_SYS_ADMIN"], p.Capabilities!.Bounding);
        Assert.Equal(["CAP_SYS_ADMIN"], p.Capabilities.Ambient);
        Assert.Null(p.Capabilities.Inheritable); // runc 1.1.5 (observed): not added to inheritable
        Assert.True(p.Terminal && p.NoNewPrivileges);
        Assert.Null(apparmor);
        // The config's own process is untouched.
        Assert.Equal(["PATH=/bin", "X=1"], config.Process!.Env);
        Assert.Equal((0u, 0u), (config.Process.User.Uid, config.Process.User.Gid));
        Assert.Null(config.Process.User.AdditionalGids);
        Assert.Equal(["CAP_KILL"], config.Process.Capabilities!.Bounding);
    }

    [Theory]
    [InlineData("x", "parsing x as int for uid failed: strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("1:y", "parsing y as int for gid failed: strconv.Atoi: parsing \"y\": invalid syntax")]
    public void GetProcess_BadUser_RuncsWords(string user, string message)
    {
        var e = Assert.Throws<RuncException>(() => Executor.GetProcess(new ExecRequest { Args = ["true"], User = user }, Config()));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(new[] { "a:b:c" }, "invalid --cgroup argument: a:b:c")]
    [InlineData(new[] { "sub", "cpu:x" }, "invalid --cgroup argument: sub (missing <controller>: prefix)")]
    [InlineData(new[] { ",cpu:x" }, "invalid --cgroup argument: ,cpu:x (empty <controller> prefix)")]
    [InlineData(new[] { "cpu:x", "cpu,pids:y" }, "invalid --cgroup argument(s): controller cpu specified multiple times")]
    public void SubCgroups_Refusals_RuncsWords(string[] args, string message)
    {
        var e = Assert.Throws<RuncException>(() => Executor.ParseSubCgroups(args));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void SubCgroups_Parse()
    {
        Assert.Null(Executor.ParseSubCgroups([]));
        Assert.Equal(new Dictionary<string, string> { [""] = "sub" }, Executor.ParseSubCgroups(["sub"]));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "a", ["pids"] = "a", ["memory"] = "b" },
            Executor.ParseSubCgroups(["cpu,pids:a", "memory:b"]));
    }
}
