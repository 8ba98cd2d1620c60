using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>A namespace of the container the exec'd process must join: spec type and an fd of /proc/INIT/ns/NAME.</summary>
public sealed record NamespaceJoin(string Type, int Fd);

/// <summary>What the exec planner needs besides the process: everything the parent opened or decided.</summary>
public sealed class ExecPlanOptions
{
    /// <summary>Namespaces to join, any order (the planner orders them: user first). The pid namespace is not
    /// here: the parent joins it, so the child is born inside.</summary>
    public IReadOnlyList<NamespaceJoin> Joins { get; init; } = [];
    /// <summary>Connected console socket (process.terminal), or -1.</summary>
    public int ConsoleSocketFd { get; init; } = -1;
    public int PreserveFds { get; init; }
    public int LastCap { get; init; } = 40;
    public byte[]? SeccompFilter { get; init; }
    public uint SeccompFlags { get; init; }
    /// <summary>SCMP_ACT_NOTIFY in the profile: the listener fd goes to the parent (see <see cref="LaunchOptions.SeccompNotify"/>).</summary>
    public bool SeccompNotify { get; init; }
    /// <summary>HOME from the container's /etc/passwd for the process's uid (when env has no HOME).</summary>
    public string? Home { get; init; }
    /// <summary>Join the container's named session keyring (create without --no-new-keyring).</summary>
    public bool JoinKeyring { get; init; } = true;
    /// <summary>setgroups is denied in the container's user namespace.</summary>
    public bool SetgroupsDenied { get; init; }
    /// <summary>AppArmor profile to set for the exec (written to /proc/self/attr/exec), or null.</summary>
    public string? AppArmorProfile { get; init; }
    /// <summary>The container's pid namespace when the parent may not join it (rootless: only its user namespace
    /// grants that): the child joins it after the user namespace and forks (<see cref="OpCode.ForkIntoPidns"/>); -1 otherwise.</summary>
    public int ChildJoinsPidNsFd { get; init; } = -1;
    /// <summary>v1 hierarchies the child moves itself into first; empty when the parent moves it (see CgroupJoin).</summary>
    public IReadOnlyList<(Runc.Linux.SafeFd Fd, string Dir)> CgroupTasks { get; init; } = [];
    /// <summary>The cgroup2 directory fd given to clone3 (CLONE_INTO_CGROUP), closed by the child first; -1 if none.</summary>
    public int CgroupCloneFd { get; init; } = -1;
}

/// <summary>
/// The plan of the spawn child for `exec` (runc's setns init, libcontainer/setns_init_linux.go): wait for the
/// parent (cgroup v1 placement), raise rlimits while still in the host user namespace, join the container's
/// namespaces (user first: the others are joined with its rights), become a session leader, undumpable, get the
/// console, chdir and check the cwd, resolve the program, close inherited fds, report ready, then credentials,
/// capabilities, no_new_privs, seccomp and execve exactly as for the init.
/// </summary>
public static class ExecPlanner
{
    /// <summary>Setns order after the user namespace. The pid namespace is joined by the parent before the clone.</summary>
    public static readonly string[] JoinOrder =
    [
        NamespaceTypes.User, NamespaceTypes.Mount, NamespaceTypes.Uts, NamespaceTypes.Ipc, NamespaceTypes.Network,
        NamespaceTypes.Cgroup, NamespaceTypes.Time,
    ];

    public static PlanBuilder Plan(Process process, ExecPlanOptions o)
    {
        if (process.Args is not { Count: > 0 }) throw new RuncException("args must not be empty");
        var plan = new PlanBuilder();

        // 1. Into the container's v1 cgroups by ourselves, unless the parent does it: it sets the initial CPU
        //    affinity, moves us (execCPUAffinity, --cgroup sub-paths, rootless) and sets the final affinity, then releases us.
        CgroupPlanner.AddJoins(plan, o.CgroupTasks, o.CgroupCloneFd);
        plan.Add(OpCode.SyncWait, "wait for the parent");

        // 2. rlimits first: once in the container's user namespace we could no longer raise a hard limit
        //    (runc sets them from the parent with prlimit for the same reason).
        ProcessPlanner.AddRlimits(plan, process);

        // 3. Namespaces, user first.
        foreach (var type in JoinOrder)
        {
            foreach (var j in o.Joins)
            {
                if (j.Type != type) continue;
                if (!NamespaceTypes.TryGet(type, out var t)) throw new SpecException($"unknown namespace type \"{type}\"");
                plan.Add(OpCode.Setns, $"join {type} namespace", j.Fd, (long)t.CloneFlag);
            }
        }
        if (o.ChildJoinsPidNsFd >= 0) plan.Add(OpCode.ForkIntoPidns, "join pid namespace", o.ChildJoinsPidNsFd);
        plan.Add(OpCode.Setsid, "setsid");
        plan.Add(OpCode.SetDumpable, "prctl(PR_SET_DUMPABLE)", 0); // nothing in the container may ptrace us (CVE-2016-9962)
        if (o.JoinKeyring) plan.Add(OpCode.JoinKeyring, "join session keyring", plan.Str("_ses." + "container"));

        // 4. The terminal: a new pty from the container's devpts, the master sent over the console socket.
        //    Flags 0: an exec never touches /dev/console.
        if (process.Terminal)
        {
            if (o.ConsoleSocketFd < 0) throw new RuncException("cannot allocate tty if runc will detach without setting console socket");
            plan.Add(OpCode.Console, "set up the console", o.ConsoleSocketFd, process.ConsoleSize?.Height ?? 0,
                process.ConsoleSize?.Width ?? 0, flags: 0);
        }
        if (process.OomScoreAdj is int adj)
            plan.Add(OpCode.WriteProc, "write /proc/self/oom_score_adj", plan.Str("self/oom_score_adj"),
                plan.Str(adj.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AddExtras(plan, process);

        // 5. cwd and program: checked now so that a bad exec is reported as an exec failure (exit 255).
        var env = ProcessPlanner.EnvWithHome(process.Env, o.Home);
        ProcessPlanner.AddCwd(plan, process.Cwd is { Length: > 0 } c ? c : "/");
        ProcessPlanner.AddResolveExec(plan, process.Args[0], env);
        // --preserve-fds: fds 3..3+N-1 reach the process whatever close-on-exec state the caller left on them.
        for (int fd = 3; fd < 3 + o.PreserveFds; fd++) plan.Add(OpCode.Dup2, $"preserve fd {fd}", fd, fd);
        plan.Add(OpCode.CloseExecFrom, "close inherited file descriptors", 3 + o.PreserveFds);
        if (o.AppArmorProfile is { Length: > 0 } aa)
            plan.Add(OpCode.WriteProc, $"apply apparmor profile \"{aa}\"", plan.Str("thread-self/attr/exec"), plan.Str("exec " + aa));

        // 6. Started as far as the parent is concerned; the rest can only fail at execve.
        plan.Add(OpCode.SyncSend, "report ready", SyncMessage.Ready);
        var lo = new LaunchOptions
        {
            Bundle = "",
            Rootfs = "",
            LastCap = o.LastCap,
            SeccompFilter = o.SeccompFilter,
            SeccompFlags = o.SeccompFlags,
            SeccompNotify = o.SeccompNotify,
            SetgroupsDenied = o.SetgroupsDenied,
        };
        ProcessPlanner.AddCredentialsAndExec(plan, process, env, lo);
        return plan;
    }

    /// <summary>Process-level extras that make sense for an exec (scheduler, I/O priority, CPU affinity).</summary>
    private static void AddExtras(PlanBuilder plan, Process process)
    {
        if (process.Scheduler is null && process.IoPriority is null && process.ExecCpuAffinity is null) return;
        // ExtrasPlanner works on a spec; give it one holding only the process (no linux personality/mempolicy:
        // those belong to the container and were applied to its init).
        ExtrasPlanner.Add(plan, new Spec { Process = process });
    }
}
