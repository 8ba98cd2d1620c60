using Runc.Oci;
using Runc.Runtime.Launch;
using Runc.Runtime.Plan;

namespace Runc.Runtime.Tests;

public class InitPlannerTests
{
    private static LaunchOptions Options(string rootfs = "/bundle/rootfs") => new()
    {
        Bundle = "/bundle",
        Rootfs = rootfs,
        FifoFd = 7,
        CloseInChild = [5],
        CgroupBinds = [new CgroupBind("memory", "/sys/fs/cgroup/memory/c1", []), new CgroupBind("cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/c1", ["cpu", "cpuacct"])],
    };

    private static Spec Default()
    {
        var spec = DefaultSpec.Create(false);
        spec.Process!.Terminal = false;
        return spec;
    }

    [Fact]
    public void DefaultSpec_PlanIsStable() =>
        Approved.Check("default-spec.plan.txt", PlanDump.Render(InitPlanner.Plan(Default(), Options(), "/root").Plan));

    [Fact]
    public void DefaultSpec_CreatesEveryNamespaceItLists()
    {
        var r = InitPlanner.Plan(Default(), Options(), null);
        Assert.Equal(Runc.Linux.K.CLONE_NEWPID | Runc.Linux.K.CLONE_NEWNET | Runc.Linux.K.CLONE_NEWIPC | Runc.Linux.K.CLONE_NEWUTS |
            Runc.Linux.K.CLONE_NEWNS, r.CloneFlags);
    }

    [Fact]
    public void LockIsClosedBeforeAnythingElse()
    {
        var plan = InitPlanner.Plan(Default(), Options(), null).Plan;
        Assert.Equal(OpCode.CloseFd, plan.Ops[0].Code);
        Assert.Equal(5, plan.Ops[0].A);
    }

    /// <summary>CgroupJoin: the child writes "0" into each v1 tasks fd first, before it waits for the parent and before
    /// the cgroup namespace is made (whose root must be the container's cgroup).</summary>
    [Fact]
    public void CgroupJoinsComeFirst_BeforeTheWaitAndTheCgroupNamespace()
    {
        using var tasks = Runc.Linux.SafeFd.Open("/dev/null", Runc.Linux.Interop.Libc.O_RDONLY);
        var o = Options();
        var withJoin = new LaunchOptions { Bundle = o.Bundle, Rootfs = o.Rootfs, CloseInChild = [5], CgroupTasks = [(tasks, "/sys/fs/cgroup/cpu/c1")], CgroupCloneFd = 9 };
        var spec = Default();
        spec.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "cgroup" });
        var plan = InitPlanner.Plan(spec, withJoin, null).Plan;
        // The hybrid cgroup2 directory clone3 used is closed at once: no host directory fd in a parked init.
        Assert.Equal([OpCode.CloseFd, OpCode.CloseFd, OpCode.JoinCgroup, OpCode.SyncWait], plan.Ops.Take(4).Select(op => op.Code));
        Assert.Equal(9, plan.Ops[1].A);
        Assert.Equal(tasks.Fd, plan.Ops[2].A);
        Assert.Equal("unable to apply cgroup configuration: write /sys/fs/cgroup/cpu/c1/tasks", plan.Descriptions[2]);
        Assert.Contains(plan.Ops, op => op.Code == OpCode.Unshare && op.A == (long)Runc.Linux.K.CLONE_NEWCGROUP);
        Assert.DoesNotContain(InitPlanner.Plan(Default(), Options(), null).Plan.Ops, op => op.Code == OpCode.JoinCgroup);
    }

    [Fact]
    public void SeccompIsLastBeforeExecWhenNoNewPrivileges()
    {
        var o = Options();
        var withSeccomp = new LaunchOptions { Bundle = o.Bundle, Rootfs = o.Rootfs, SeccompFilter = new byte[8], FifoFd = 7 };
        var plan = InitPlanner.Plan(Default(), withSeccomp, null).Plan;
        var codes = plan.Ops.Select(op => op.Code).ToList();
        Assert.Equal(OpCode.Execve, codes[^1]);
        Assert.Equal(OpCode.Seccomp, codes[^2]);
        Assert.Equal(OpCode.NoNewPrivs, codes[^3]);
    }

    [Fact]
    public void SeccompComesBeforeDroppingPrivilegesWithoutNoNewPrivileges()
    {
        var spec = Default();
        spec.Process!.NoNewPrivileges = false;
        var plan = InitPlanner.Plan(spec, new LaunchOptions { Bundle = "/b", Rootfs = "/b/r", SeccompFilter = new byte[8] }, null).Plan;
        var codes = plan.Ops.Select(op => op.Code).ToList();
        Assert.True(codes.IndexOf(OpCode.Seccomp) < codes.IndexOf(OpCode.Setresuid));
        Assert.DoesNotContain(OpCode.NoNewPrivs, codes);
    }

    [Fact]
    public void StartWaitsBeforeCredentialsChange()
    {
        var codes = InitPlanner.Plan(Default(), Options(), null).Plan.Ops.Select(op => op.Code).ToList();
        int wait = codes.IndexOf(OpCode.WaitStart);
        Assert.True(wait > codes.IndexOf(OpCode.ResolveExec), "the program is looked up during create");
        Assert.True(wait < codes.IndexOf(OpCode.Capset), "capabilities are dropped after start");
    }

    /// <summary>SCMP_ACT_NOTIFY: `create`'s parent must hand the listener to the agent, and it is gone by `start`, so the
    /// credentials and the filter come before "ready" (runc's order); the op asks for the hand-over (D = 1).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NotifyingSeccompIsLoadedBeforeReadyAndHandsTheListenerToTheParent(bool noNewPrivileges)
    {
        var spec = Default();
        spec.Process!.NoNewPrivileges = noNewPrivileges;
        var o = new LaunchOptions { Bundle = "/b", Rootfs = "/b/r", SeccompFilter = new byte[8], SeccompNotify = true, FifoFd = 7 };
        var ops = InitPlanner.Plan(spec, o, null).Plan.Ops;
        var codes = ops.Select(op => op.Code).ToList();
        int seccomp = codes.IndexOf(OpCode.Seccomp);
        int ready = ops.Select((op, i) => (op, i)).Single(x => x.op.Code == OpCode.SyncSend && x.op.A == SyncMessage.Ready).i;
        Assert.Equal(1, ops[seccomp].D);
        Assert.True(seccomp < ready, "the listener is handed over while create's parent still listens");
        Assert.True(codes.IndexOf(OpCode.Capset) < ready);
        Assert.True(ready < codes.IndexOf(OpCode.WaitStart));
        Assert.Equal(OpCode.Execve, codes[^1]);
        Assert.Single(codes, OpCode.Seccomp);
        Assert.Single(codes, OpCode.Capset);
        if (noNewPrivileges) Assert.Equal(OpCode.NoNewPrivs, codes[seccomp - 1]);
        else Assert.True(seccomp < codes.IndexOf(OpCode.Setresuid));
    }

    [Fact]
    public void SeccompWithoutNotifyDoesNotWaitForTheParent()
    {
        var o = new LaunchOptions { Bundle = "/b", Rootfs = "/b/r", SeccompFilter = new byte[8], FifoFd = 7 };
        var ops = InitPlanner.Plan(Default(), o, null).Plan.Ops;
        Assert.Equal(0, ops.Single(op => op.Code == OpCode.Seccomp).D);
    }

    [Fact]
    public void TerminalWithoutConsoleSocketIsRefused()
    {
        var spec = Default();
        spec.Process!.Terminal = true;
        var e = Assert.Throws<RuncException>(() => InitPlanner.Plan(spec, Options(), null));
        Assert.Equal("cannot allocate tty if runc will detach without setting console socket", e.Message);
    }

    [Fact]
    public void NoMountNamespaceIsRefusedClearly()
    {
        var spec = Default();
        spec.Linux!.Namespaces!.RemoveAll(n => n.Type == "mount");
        var e = Assert.Throws<SpecException>(() => InitPlanner.Plan(spec, Options(), null));
        Assert.Contains("mount namespace", e.Message);
    }

    [Fact]
    public void HomeIsAddedOnlyWhenMissing()
    {
        Assert.Contains("HOME=/root", ProcessPlanner.EnvWithHome(["PATH=/bin"], "/root"));
        Assert.Equal(["HOME=/x"], ProcessPlanner.EnvWithHome(["HOME=/x"], "/root"));
        Assert.Contains("HOME=/", ProcessPlanner.EnvWithHome([], null));
    }

    [Theory]
    [InlineData("0-3,7", new[] { 0, 1, 2, 3, 7 })]
    [InlineData("5", new[] { 5 })]
    [InlineData("", new int[0])]
    public void CpuListsParseLikeTheKernel(string list, int[] expected) =>
        Assert.Equal(expected, ExtrasPlanner.ParseList(list, "x").ToArray());

    [Fact]
    public void CpuListGarbageIsASpecError() =>
        Assert.Throws<SpecException>(() => ExtrasPlanner.ParseList("a-b", "x").ToArray());
}
