using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>
/// The last part of every plan, shared by create and exec: how the user process is started
/// (rlimits, executable lookup, cwd, credentials, capabilities, no_new_privs, seccomp, execve).
/// Order follows runc's init: seccomp is loaded before dropping privileges when no_new_privs is off
/// (it needs CAP_SYS_ADMIN then) and as the very last step otherwise.
/// </summary>
public static class ProcessPlanner
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static void AddRlimits(PlanBuilder plan, Process process)
    {
        foreach (var r in process.Rlimits ?? [])
        {
            if (!RlimitTypes.TryGetResource(r.Type, out int res)) throw new SpecException($"unknown rlimit type \"{r.Type}\"");
            plan.Add(OpCode.Rlimit, $"setrlimit {r.Type} (soft {r.Soft}, hard {r.Hard})", res, (long)r.Soft, (long)r.Hard);
        }
    }

    /// <summary>PATH lookup inside the container, with Go's exec.LookPath wording for the failures.</summary>
    public static void AddResolveExec(PlanBuilder plan, string arg0, IReadOnlyList<string> env)
    {
        var candidates = new List<string>();
        bool search = !arg0.Contains('/');
        if (!search) candidates.Add(arg0);
        else
        {
            string? path = null;
            foreach (var e in env) if (e.StartsWith("PATH=", StringComparison.Ordinal)) path = e[5..];
            foreach (var dir in (path ?? "").Split(':'))
            {
                if (path is null) break;
                candidates.Add((dir.Length == 0 ? "." : dir) + "/" + arg0);
            }
        }
        var offsets = new long[candidates.Count];
        for (int i = 0; i < offsets.Length; i++) offsets[i] = plan.Str(candidates[i]);
        long arr = plan.Blob(System.Runtime.InteropServices.MemoryMarshal.AsBytes(offsets.AsSpan()));
        plan.Add(OpCode.ResolveExec, $"exec: \"{arg0}\"", offsets.Length, arr, flags: search ? 1 : 0);
    }

    public static void AddCwd(PlanBuilder plan, string cwd)
    {
        plan.Add(OpCode.Chdir, $"chdir to cwd (\"{cwd}\") set in config.json", plan.Str(cwd));
        plan.Add(OpCode.VerifyCwd, $"current working directory \"{cwd}\" is outside of the container mount namespace root");
    }

    /// <summary>Credentials, capabilities, no_new_privs, seccomp, umask and execve.</summary>
    public static void AddCredentialsAndExec(PlanBuilder plan, Process process, IReadOnlyList<string> env, LaunchOptions o,
        IReadOnlyList<uint>? additionalGids = null)
    {
        AddCredentials(plan, process, o, additionalGids);
        AddExecve(plan, process, env);
    }

    public static void AddExecve(PlanBuilder plan, Process process, IReadOnlyList<string> env) =>
        plan.Add(OpCode.Execve, $"exec \"{process.Args![0]}\"", plan.StrArray(process.Args!), plan.StrArray(env));

    /// <summary>Credentials, capabilities, no_new_privs, seccomp and umask: everything up to execve.</summary>
    public static void AddCredentials(PlanBuilder plan, Process process, LaunchOptions o, IReadOnlyList<uint>? additionalGids = null)
    {
        var user = process.User;
        var caps = process.Capabilities;
        bool seccompEarly = o.SeccompFilter != null && !process.NoNewPrivileges;
        if (seccompEarly) AddSeccomp(plan, o);

        bool changesUid = user.Uid != 0;
        if (changesUid) plan.Add(OpCode.KeepCaps, "prctl(PR_SET_KEEPCAPS)", 1);
        plan.Add(OpCode.DropBounding, "drop capabilities from the bounding set", (long)CapMask(caps?.Bounding), o.LastCap);
        var gids = additionalGids ?? user.AdditionalGids ?? [];
        if (!o.SetgroupsDenied)
            plan.Add(OpCode.Setgroups, $"setgroups {string.Join(",", gids)}", gids.Count, gids.Count == 0 ? 0 : plan.UIntArray(gids));
        plan.Add(OpCode.Setresgid, $"setgid {user.Gid}", user.Gid);
        plan.Add(OpCode.Setresuid, $"setuid {user.Uid}", user.Uid);
        if (changesUid) plan.Add(OpCode.KeepCaps, "prctl(PR_SET_KEEPCAPS)", 0);
        plan.Add(OpCode.Capset, "capset", (long)CapMask(caps?.Effective), (long)CapMask(caps?.Permitted), (long)CapMask(caps?.Inheritable));
        if (caps?.Ambient is { Count: > 0 }) plan.Add(OpCode.RaiseAmbient, "raise ambient capabilities", (long)CapMask(caps.Ambient));
        plan.Add(OpCode.Umask, "umask", user.Umask ?? 0x12);
        if (process.NoNewPrivileges) plan.Add(OpCode.NoNewPrivs, "prctl(PR_SET_NO_NEW_PRIVS)");
        if (o.SeccompFilter != null && !seccompEarly) AddSeccomp(plan, o);
    }

    private static void AddSeccomp(PlanBuilder plan, LaunchOptions o)
    {
        long filter = plan.Blob(o.SeccompFilter);
        plan.Add(OpCode.Seccomp, "load seccomp filter", filter, o.SeccompFilter!.Length / 8, o.SeccompFlags, o.SeccompNotify ? 1 : 0);
    }

    /// <summary>Known capability names to a bit mask; unknown names were already warned about by the validator.</summary>
    public static ulong CapMask(IEnumerable<string>? names)
    {
        ulong mask = 0;
        foreach (var n in names ?? [])
            if (Capabilities.TryGetNumber(n, out int bit) && bit < 64) mask |= 1UL << bit;
        return mask;
    }

    /// <summary>runc adds HOME from the container's /etc/passwd when the config does not set it.</summary>
    public static List<string> EnvWithHome(IReadOnlyList<string>? env, string? home)
    {
        var list = new List<string>(env ?? []);
        if (!list.Exists(e => e.StartsWith("HOME=", StringComparison.Ordinal))) list.Add("HOME=" + (home ?? "/"));
        return list;
    }
}
