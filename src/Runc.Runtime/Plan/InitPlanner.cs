using Runc.Linux;
using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>
/// Turns a validated spec into the init's plan (crun's "plan in the parent", pushed to the end): the whole
/// container set-up as data, decided before the clone. Order follows runc's init (standard_init_linux.go).
/// </summary>
public static class InitPlanner
{
    public sealed record Result(PlanBuilder Plan, ulong CloneFlags);

    public static Result Plan(Spec spec, LaunchOptions o, string? home)
    {
        var plan = new PlanBuilder();
        var process = spec.Process!;
        var linux = spec.Linux ?? new Runc.Oci.Linux();
        var namespaces = linux.Namespaces ?? [];
        bool Has(string t) => namespaces.Exists(n => n.Type == t);
        bool New(string t) => namespaces.Exists(n => n.Type == t && string.IsNullOrEmpty(n.Path));

        ulong cloneFlags = 0;
        foreach (var ns in namespaces)
        {
            if (!string.IsNullOrEmpty(ns.Path)) continue;
            if (!NamespaceTypes.TryGet(ns.Type, out var t)) throw new SpecException($"unknown namespace type \"{ns.Type}\"");
            // The cgroup namespace is made after the init sits in its cgroup (below): its root must be that cgroup.
            // The time namespace too: its offsets can only be written before anyone lives in it.
            if (ns.Type is not ("cgroup" or "time")) cloneFlags |= t.CloneFlag;
        }

        // 1. Into the cgroup(s) before anything else runs, then wait until the parent has written the id maps.
        // A forked copy of the lock fd shares its flock: a parked init would hold the container lock until start.
        foreach (int fd in o.CloseInChild) plan.Add(OpCode.CloseFd, "close the container lock", fd);
        CgroupPlanner.AddJoins(plan, o.CgroupTasks, o.CgroupCloneFd);
        plan.Add(OpCode.SyncWait, "wait for the parent");
        // 2. Join namespaces given by path: the user namespace first, so the others are joined with its rights.
        foreach (var type in new[] { "user", "ipc", "uts", "network", "cgroup", "time", "mount" })
            if (o.JoinFds.TryGetValue(type, out int fd) && NamespaceTypes.TryGet(type, out var t))
                plan.Add(OpCode.Setns, $"join {type} namespace", fd, (long)t.CloneFlag);
        if (New("user"))
        {
            // Become the mapped root of the new user namespace (its caps are ours only as uid 0 there).
            plan.Add(OpCode.Setresgid, "setgid 0 in the new user namespace", 0);
            plan.Add(OpCode.Setresuid, "setuid 0 in the new user namespace", 0);
        }
        if (New("cgroup")) plan.Add(OpCode.Unshare, "unshare the cgroup namespace", (long)K.CLONE_NEWCGROUP);
        if (New("time"))
        {
            // unshare(CLONE_NEWTIME) only affects children: the parent writes the offsets of our "time for
            // children" namespace, then we enter it ourselves (allowed: this process is single-threaded).
            plan.Add(OpCode.Unshare, "unshare the time namespace", (long)K.CLONE_NEWTIME);
            if (linux.TimeOffsets is { Count: > 0 })
            {
                plan.Add(OpCode.SyncSend, "ask the parent to write the time offsets", SyncMessage.WriteTimeOffsets);
                plan.Add(OpCode.SyncWait, "wait for the time offsets");
            }
            plan.Add(OpCode.SetnsPath, "enter the new time namespace", plan.Str("/proc/self/ns/time_for_children"), (long)K.CLONE_NEWTIME);
        }
        plan.Add(OpCode.Setsid, "setsid");
        plan.Add(OpCode.SetDumpable, "prctl(PR_SET_DUMPABLE)", 0); // nothing in the container may ptrace us (CVE-2016-9962)
        if (!o.NoNewKeyring) plan.Add(OpCode.JoinKeyring, "join session keyring", plan.Str("_ses." + "container"));

        // 3. The state for createContainer/startContainer hooks arrives once our pid is known.
        bool containerHooks = (spec.Hooks?.CreateContainer?.Count ?? 0) + (spec.Hooks?.StartContainer?.Count ?? 0) > 0;
        if (o.HasRuntimeHooks || containerHooks)
        {
            plan.Add(OpCode.SyncSend, "ask the parent to run createRuntime hooks", SyncMessage.RunCreateRuntimeHooks);
            plan.Add(OpCode.RecvState, "receive the container state");
        }

        // 4. Root filesystem.
        if (Has("mount"))
        {
            ulong prop = PropagationOf(linux.RootfsPropagation);
            plan.Add(OpCode.MountPropagation, "make \"/\" " + (linux.RootfsPropagation is { Length: > 0 } p ? p : "rslave"), plan.Str("/"), (long)prop);
            if (o.RootfsParentMount is { } parentMount)
                plan.Add(OpCode.MountPropagation, $"make \"{parentMount}\" private", plan.Str(parentMount), (long)K.MS_PRIVATE);
            plan.Add(OpCode.OpenRoot, $"bind rootfs \"{o.Rootfs}\" onto itself", plan.Str(o.Rootfs));
            MountPlanner.AddMounts(plan, spec, o);
            MountPlanner.AddDevices(plan, spec, o);
            if (process.Cwd is { Length: > 1 } cwd) plan.Add(OpCode.Mkdir, $"mkdir cwd \"{cwd}\"", plan.Str(cwd.TrimStart('/')), 0x1ed);
            AddHooks(plan, spec.Hooks?.CreateContainer, "createContainer");
            plan.Add(o.NoPivot ? OpCode.ChrootNoPivot : OpCode.PivotRoot, o.NoPivot ? "chroot into rootfs" : "pivot_root into rootfs");
        }
        else if (spec.Root?.Path is { Length: > 0 })
        {
            throw new SpecException("config.json: linux.namespaces: a container without a mount namespace is not supported");
        }

        // 5. What needs the final root: console, read-only root, hostname, sysctl, masks.
        if (process.Terminal)
        {
            if (o.ConsoleSocketFd < 0) throw new RuncException("cannot allocate tty if runc will detach without setting console socket");
            plan.Add(OpCode.Console, "set up the console", o.ConsoleSocketFd, process.ConsoleSize?.Height ?? o.DefaultConsoleSize.Rows,
                process.ConsoleSize?.Width ?? o.DefaultConsoleSize.Cols, flags: Has("mount") ? 1 : 0);
        }
        if (spec.Hostname is { Length: > 0 } hn) plan.Add(OpCode.Hostname, $"sethostname \"{hn}\"", plan.Str(hn));
        if (spec.Domainname is { Length: > 0 } dn) plan.Add(OpCode.Domainname, $"setdomainname \"{dn}\"", plan.Str(dn));
        foreach (var kv in linux.Sysctl ?? new Dictionary<string, string>())
            plan.Add(OpCode.WriteProc, $"write sysctl \"{kv.Key}\"", plan.Str("sys/" + kv.Key.Replace('.', '/')), plan.Str(kv.Value));
        if (process.OomScoreAdj is int adj)
            plan.Add(OpCode.WriteProc, "write /proc/self/oom_score_adj", plan.Str("self/oom_score_adj"), plan.Str(adj.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (Has("mount"))
        {
            foreach (var p in linux.ReadonlyPaths ?? []) plan.Add(OpCode.ReadonlyPath, $"make \"{p}\" read-only", plan.Str(p));
            foreach (var p in linux.MaskedPaths ?? []) plan.Add(OpCode.MaskPath, $"mask \"{p}\"", plan.Str(p));
            if (spec.Root?.Readonly == true) plan.Add(OpCode.RemountRootReadonly, "remount \"/\" read-only");
        }
        ProcessPlanner.AddRlimits(plan, process);
        ExtrasPlanner.Add(plan, spec);

        // 6. The program and its working directory are checked now, so that a missing binary fails create.
        var env = ProcessPlanner.EnvWithHome(process.Env, home);
        env.AddRange(o.ExtraEnv);
        ProcessPlanner.AddCwd(plan, process.Cwd is { Length: > 0 } c ? c : "/");
        ProcessPlanner.AddResolveExec(plan, process.Args![0], env);
        plan.Add(OpCode.CloseExecFrom, "close inherited file descriptors", 3 + o.PreserveFds);

        // 7. Created: tell the parent, then wait for `start`. A seccomp profile with SCMP_ACT_NOTIFY needs the parent
        //    to pass the listener to the agent, and `create`'s parent is gone by `start`: then the credentials and the
        //    filter come first, in runc's order (finalizeNamespace and seccomp before the exec.fifo and startContainer).
        if (o.SeccompNotify) ProcessPlanner.AddCredentials(plan, process, o);
        plan.Add(OpCode.SyncSend, "report ready", SyncMessage.Ready);
        if (o.FifoFd >= 0) plan.Add(OpCode.WaitStart, "wait for start", o.FifoFd);
        AddHooks(plan, spec.Hooks?.StartContainer, "startContainer");
        if (!o.SeccompNotify) ProcessPlanner.AddCredentials(plan, process, o);
        ProcessPlanner.AddExecve(plan, process, env);
        return new Result(plan, cloneFlags);
    }

    public static void AddHooks(PlanBuilder plan, List<Hook>? hooks, string kind)
    {
        if (hooks is null) return;
        for (int i = 0; i < hooks.Count; i++)
        {
            var h = hooks[i];
            var args = h.Args is { Count: > 0 } a ? a : [h.Path];
            plan.Add(OpCode.RunHook, $"error running {kind} hook #{i}", plan.Str(h.Path), plan.StrArray(args),
                plan.StrArray(h.Env ?? []), h.Timeout ?? 0);
        }
    }

    public static ulong PropagationOf(string? name) => name switch
    {
        null or "" or "rslave" => K.MS_SLAVE | K.MS_REC,
        "slave" => K.MS_SLAVE,
        "shared" => K.MS_SHARED,
        "rshared" => K.MS_SHARED | K.MS_REC,
        "private" => K.MS_PRIVATE,
        "rprivate" => K.MS_PRIVATE | K.MS_REC,
        "unbindable" => K.MS_UNBINDABLE,
        "runbindable" => K.MS_UNBINDABLE | K.MS_REC,
        _ => throw new SpecException($"config.json: linux.rootfsPropagation: unknown propagation \"{name}\""),
    };
}
