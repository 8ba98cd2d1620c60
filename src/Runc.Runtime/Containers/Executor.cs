using System.Globalization;
using System.Text;
using Runc.Cgroups;
using Runc.Cgroups.Layout;
using Runc.Linux;
using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Launch;
using Runc.Runtime.Plan;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>What `exec` was asked for: the process (from a file or from config.json plus overrides) and how to run it.</summary>
public sealed class ExecRequest
{
    /// <summary>--process FILE: the whole process, nothing merged from config.json.</summary>
    public string? ProcessFile { get; init; }
    /// <summary>The words after the container id.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
    public string? Cwd { get; init; }
    public IReadOnlyList<string> Env { get; init; } = [];
    /// <summary>--tty given explicitly (null = not set: terminal off unless --process says otherwise).</summary>
    public bool? Tty { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<string> AdditionalGids { get; init; } = [];
    public IReadOnlyList<string> Caps { get; init; } = [];
    public bool? NoNewPrivs { get; init; }
    public string? AppArmor { get; init; }
    public string? ProcessLabel { get; init; }
    public string? ConsoleSocket { get; init; }
    /// <summary>--pidfd-socket (runc 1.2): receives a pidfd of the exec'd process.</summary>
    public string? PidfdSocket { get; init; }
    public bool Detach { get; init; }
    public string? PidFile { get; init; }
    public int PreserveFds { get; init; }
    public IReadOnlyList<string> Cgroups { get; init; } = [];
    public bool IgnorePaused { get; init; }
    /// <summary>Set by <see cref="Executor.CheckPreservedFds"/> at the very start of the command, before nrunc opens
    /// any fd of its own that could fill a gap; thrown at runc's point in the order of checks.</summary>
    public string? PreserveFdsError { get; init; }
}

/// <summary>An exec'd process that is running (execve succeeded). Foreground -t: the attached terminal for
/// <see cref="Supervisor"/> (the caller owns and disposes it).</summary>
public sealed record ExecStarted(int Pid, string ContainerId, TerminalProxy? Terminal = null);

/// <summary>
/// The CLI side of `exec` (DESIGN §2), in runc's order of refusals: container lookup, stopped/paused, empty args,
/// the process (file or config.json + flags) and its validation, --cgroup, terminal/console-socket sanity,
/// --preserve-fds. Then: open the init's namespaces, plan, join the pid namespace, clone (v2: straight into
/// the cgroup), place the child in the v1 cgroups, let it go, and wait until it has exec'd (EOF on the sync
/// socket, which is close-on-exec) or reported an error. On failure the child is killed: nothing is left.
/// </summary>
public static class Executor
{
    public static ExecStarted Start(ContainerStore store, string id, ExecRequest req)
    {
        ContainerId.Validate(id);
        // No container lock, like runc 1.1.5 (only an in-process mutex): 20 concurrent execs do not queue, a parked
        // init (create) can never block an exec, and the spawn child can never hold a flock. state.json is replaced
        // atomically; a reused init pid is caught by the start-time check after the namespaces are opened, and an
        // init that dies meanwhile makes the clone into its pid namespace or the cgroup write fail.
        var state = store.Load(id);
        var status = StatusProbe.Of(store, state);
        if (status == Status.Stopped) throw ContainerException.WrongState("cannot exec in a stopped container");
        if (status == Status.Paused && !req.IgnorePaused)
            throw ContainerException.WrongState("cannot exec in a paused container (use --ignore-paused to override)");
        if (req.ProcessFile is null && req.Args.Count == 0) throw new RuncException("process args cannot be empty");

        var spec = ContainerOps.LoadConfig(store, id);
        var (process, explicitAppArmor) = GetProcess(req, spec);
        var subCgroups = ParseSubCgroups(req.Cgroups);

        // runner.checkTerminal
        if (req.Detach && process.Terminal && req.ConsoleSocket is null)
            throw new RuncException("cannot allocate tty if runc will detach without setting console socket");
        if ((!req.Detach || !process.Terminal) && req.ConsoleSocket is not null)
            throw new RuncException("cannot use console socket if runc will not detach or allocate tty");

        if (req.PreserveFdsError is { } missing) throw new RuncException(missing);

        var seccomp = spec.Linux?.Seccomp is { } profile ? Runc.Seccomp.SeccompCompiler.Compile(profile) : null;
        // Foreground terminal: nrunc is the console socket's receiver itself and needs a host terminal to proxy.
        var terminal = !req.Detach && process.Terminal ? TerminalProxy.Open() : null;
        try { return Spawn(state, spec, process, explicitAppArmor, subCgroups, req, seccomp, terminal); }
        catch { terminal?.Dispose(); throw; }
    }

    /// <summary>runc: every fd 3..3+N-1 must exist. Call before opening anything.</summary>
    public static string? CheckPreservedFds(int count)
    {
        for (int i = 0; i < count; i++)
        {
            string p = "/proc/self/fd/" + (3 + i).ToString(CultureInfo.InvariantCulture);
            if (Interop.Libc.FstatAt(Interop.Libc.AT_FDCWD, p, out _, 0) != 0)
                return $"unable to stat preserved-fd {i} (of {count}): stat {p}: {Errno.Message(Errno.Last)}";
        }
        return null;
    }

    private static unsafe ExecStarted Spawn(ContainerState state, Spec spec, Process process, string? appArmor,
        Dictionary<string, string>? subCgroups, ExecRequest req, Runc.Seccomp.SeccompProgram? seccomp, TerminalProxy? terminal)
    {
        var fds = new List<SafeFd>();
        int pid = 0;
        SafeFd? pidfdSocket = null;
        CgroupJoin? selfJoin = null;
        try
        {
            int initPid = state.InitPid;
            // The init's namespaces, opened before we trust the pid: checked against the start time afterwards.
            var joins = new List<NamespaceJoin>();
            SafeFd? pidNs = null;
            bool joinsUserNs = false;
            foreach (var t in NamespaceTypes.All)
            {
                var fd = OpenNamespace(initPid, t.ProcName);
                if (fd is null) continue;
                fds.Add(fd);
                if (t.SpecName == NamespaceTypes.Pid) pidNs = fd;
                else
                {
                    joins.Add(new NamespaceJoin(t.SpecName, fd.Fd));
                    if (t.SpecName == NamespaceTypes.User) joinsUserNs = true;
                }
            }
            if (!ProcStat.IsAlive(initPid, state.InitStartTime)) throw new RuncException("cannot exec in a stopped container");

            SafeFd? console = null;
            if (req.ConsoleSocket is { } socketPath) { console = UnixSocket.Connect(socketPath); fds.Add(console); }
            // Kept past the clone (not in fds): the pidfd is sent once the final pid is known.
            if (req.PidfdSocket is { } pidfdPath) pidfdSocket = UnixSocket.Connect(pidfdPath);
            var procFd = ProcFs.OpenVerified();
            fds.Add(procFd);

            // The cgroup: v2 → CLONE_INTO_CGROUP (atomic); v1/hybrid → the child moves itself (CgroupJoin), or, with
            // execCPUAffinity (ordered around the move), --cgroup sub-paths or rootless, the parent writes the pid.
            var paths = state.CgroupPaths ?? new Dictionary<string, string>();
            bool unified = paths.Count == 1 && paths.ContainsKey("");
            var affinity = Affinity(process.ExecCpuAffinity);
            SafeFd? cgroupDir = null;
            if (unified)
            {
                string dir = SubPath(paths[""], subCgroups?.GetValueOrDefault("") ?? "");
                try { cgroupDir = SafeFd.Open(dir, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY); }
                catch (SyscallException e) { throw new RuncException($"open cgroup \"{dir}\": {Errno.Message(e.Errno)}"); }
                fds.Add(cgroupDir);
            }
            else if (subCgroups is { Count: > 0 }) ValidateV1Sub(paths, subCgroups);
            else if (paths.Count > 0 && !state.Rootless && affinity.Initial is null && !affinity.FinalRequired)
            {
                selfJoin = CgroupJoin.Open(paths);
                cgroupDir = selfJoin.IntoCgroup2; // hybrid: the cgroup2 directory
            }

            // The pid namespace: joined here, so that the child is born inside. A rootless parent may not join it
            // (only the container's user namespace grants that): then the child joins it after the user namespace
            // and clones the process that execs as our child (CLONE_PARENT), as runc's nsexec does.
            int childJoinsPid = -1;
            if (pidNs != null && Interop.Libc.Setns(pidNs.Fd, (int)NamespaceTypes.CLONE_NEWPID) != 0)
            {
                int e = Errno.Last;
                if (e != Errno.EPERM || !joinsUserNs) throw new SyscallException("join the container's pid namespace", e);
                childJoinsPid = pidNs.Fd;
            }

            string? home = process.Env?.Exists(e => e.StartsWith("HOME=", StringComparison.Ordinal)) == true
                ? null : Passwd.HomeOf(state.Rootfs, process.User.Uid);
            var o = new ExecPlanOptions
            {
                Joins = joins,
                ConsoleSocketFd = console?.Fd ?? terminal?.SenderForChild.Fd ?? -1,
                PreserveFds = req.PreserveFds,
                LastCap = KernelInfo.LastCap(),
                SeccompFilter = seccomp?.Filter,
                SeccompFlags = seccomp?.Flags ?? 0,
                SeccompNotify = seccomp?.NeedsListener == true,
                Home = home,
                SetgroupsDenied = joinsUserNs && SetgroupsDenied(initPid),
                AppArmorProfile = appArmor,
                ChildJoinsPidNsFd = childJoinsPid,
                CgroupTasks = selfJoin?.V1Tasks ?? [],
                CgroupCloneFd = cgroupDir?.Fd ?? -1,
            };
            var plan = ExecPlanner.Plan(process, o);
            using var sync = SyncChannel.Create();
            using var native = plan.Build(sync.Child.Fd, procFd.Fd);

            pid = ClonePoint.Spawn(native, 0, cgroupDir?.Fd ?? -1);
            selfJoin?.Dispose(); // the child has its own copies; disposed, it still says the child joins itself
            sync.CloseChildEnd();
            foreach (var fd in fds) fd.Dispose();
            fds.Clear();

            SetAffinity(pid, affinity.Initial, true, "initial");
            if (!unified && selfJoin is null) AddToV1(paths, subCgroups, pid, state.Rootless);
            SetAffinity(pid, affinity.Final, affinity.FinalRequired, "final");
            sync.Send(SyncMessage.Continue);
            WaitExec(sync, native, plan, ref pid, () => SeccompAgent.StateFor(spec.Linux?.Seccomp, pid, new Runc.Oci.State
            {
                // runc's setnsProcess: the runtime's spec version, the container's init as the state's pid.
                OciVersion = SpecVersion.Runtime,
                Id = state.Id,
                Status = "running",
                Pid = initPid,
                Bundle = state.Bundle,
                Annotations = spec.Annotations,
            }), spec.Linux?.Seccomp);
            // After the wait: a child that forked into the pid namespace has handed over to its own child by now.
            if (pidfdSocket != null) PidfdSocket.Send(pidfdSocket, pid, "setns");
            terminal?.Attach();
            if (req.PidFile is { } pidFile) PidFile.Write(pidFile, pid);
            return new ExecStarted(pid, state.Id, terminal);
        }
        catch (Exception e) when (pid > 0 && e is RuncException or IOException or UnauthorizedAccessException)
        {
            // A half-started exec never survives its failed command.
            Interop.Libc.Kill(pid, K.SIGKILL);
            Interop.Libc.Waitpid(pid, out _, K.__WALL);
            if (e is RuncException) throw;
            throw new RuncException(e.Message, e);
        }
        finally
        {
            foreach (var fd in fds) fd.Dispose();
            pidfdSocket?.Dispose();
            selfJoin?.Dispose();
        }
    }

    /// <summary>process.execCPUAffinity as runc 1.2 applies it, both set by the parent so they cannot race: "initial"
    /// right after the clone, before the move into the cgroup (runc's parent thread has it before its fork);
    /// "final" right after the move; with only initial the kernel decides (a cpuset move resets it); with neither,
    /// every CPU, so the process does not inherit ours (the kernel still clamps the mask to the cgroup's cpuset; when
    /// the child moves itself into the cgroups this may come before its cpuset move, which sets the cpuset's CPUs: the
    /// same result). Parsed before the clone.</summary>
    private static (ulong[]? Initial, ulong[]? Final, bool FinalRequired) Affinity(CpuAffinity? affinity)
    {
        ulong[]? initial = affinity?.Initial is { Length: > 0 } i ? ExtrasPlanner.AffinityMask(i, "initial") : null;
        if (affinity?.Final is { Length: > 0 } final) return (initial, ExtrasPlanner.AffinityMask(final, "final"), true);
        if (initial != null) return (initial, null, false);
        var all = new ulong[16];
        Array.Fill(all, ulong.MaxValue);
        return (null, all, false); // best effort, as runc: a failure only leaves our own affinity
    }

    private static void SetAffinity(int pid, ulong[]? mask, bool required, string which)
    {
        if (mask is null) return;
        if (Interop.Libc.SchedSetaffinity(pid, mask) != 0 && required)
            throw new RuncException($"error setting {which} CPU affinity: {Errno.Message(Errno.Last)}");
    }

    /// <summary>
    /// Ready, then EOF (the sync socket is close-on-exec: execve happened) or an error record. A child that forked
    /// into the pid namespace reports the pid of the process it cloned as our child and exits: reaped here, and
    /// <paramref name="pid"/> becomes that process, which the rest of exec waits for and signals.
    /// </summary>
    private static void WaitExec(SyncChannel sync, NativePlan native, PlanBuilder plan, ref int pid,
        Func<ContainerProcessState> agentState, LinuxSeccomp? profile)
    {
        bool ready = false;
        while (true)
        {
            var r = sync.Receive(out var listener);
            if (r is null)
            {
                if (ready) return; // execve closed the child's end
                int status = ChildWait.Wait(pid, 0);
                throw new RuncException($"unable to start container process: exec process exited unexpectedly ({Describe(status)})");
            }
            var rec = r.Value;
            switch (rec.Type)
            {
                case SyncMessage.Ready:
                    ready = true;
                    break;
                case SyncMessage.Pid when rec.Errno > 0:
                    ChildWait.Wait(pid, -1); // the forking child exits right after this message
                    pid = rec.Errno;
                    break;
                case SyncMessage.SeccompListener:
                    SeccompAgent.HandOver(sync, listener, profile, agentState());
                    break;
                case SyncMessage.Error:
                {
                    var op = rec.Op >= 0 && rec.Op < plan.Ops.Count ? plan.Ops[rec.Op] : default;
                    ChildWait.Wait(pid, 0);
                    throw new RuncException("unable to start container process: " + ChildErrors.Render(native, op, rec));
                }
                default:
                    throw new RuncException($"unexpected message {rec.Type} from the exec process");
            }
        }
    }

    private static string Describe(int status) =>
        (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"signal {status & 0x7f}";

    /// <summary>/proc/PID/ns/NAME unless it is the namespace nrunc is already in (same dev and inode); null when absent.</summary>
    private static SafeFd? OpenNamespace(int pid, string name)
    {
        string path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/{name}";
        int fd = Interop.Libc.OpenAt(Interop.Libc.AT_FDCWD, path, Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int e = Errno.Last;
            if (e == Errno.ENOENT && Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}")) return null; // kernel without it
            if (e == Errno.ENOENT || e == Errno.ESRCH) throw new RuncException("cannot exec in a stopped container");
            throw new SyscallException($"open \"{path}\"", e);
        }
        var sfd = new SafeFd(fd);
        if (Interop.Libc.Fstat(fd, out var theirs) != 0) { int e = Errno.Last; sfd.Dispose(); throw new SyscallException($"stat \"{path}\"", e); }
        if (Interop.Libc.FstatAt(Interop.Libc.AT_FDCWD, "/proc/self/ns/" + name, out var ours, 0) == 0 &&
            ours.Dev == theirs.Dev && ours.Ino == theirs.Ino)
        {
            sfd.Dispose();
            return null;
        }
        return sfd;
    }

    private static bool SetgroupsDenied(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/setgroups").Trim() == "deny"; }
        catch (IOException) { return false; }
    }

    // ---- the process -------------------------------------------------------------------------------------

    /// <summary>runc's getProcess: the --process file as is, or config.json's process with the flags applied.</summary>
    public static (Process Process, string? AppArmor) GetProcess(ExecRequest req, Spec spec)
    {
        Process p;
        string? appArmor;
        var configProcess = spec.Process ?? new Process();
        if (req.ProcessFile is { } file)
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); }
            catch (FileNotFoundException) { throw new RuncException($"open {file}: no such file or directory"); }
            catch (DirectoryNotFoundException) { throw new RuncException($"open {file}: no such file or directory"); }
            catch (UnauthorizedAccessException) { throw new RuncException($"open {file}: permission denied"); }
            catch (IOException e) { throw new RuncException($"open {file}: {e.Message}"); }
            p = SpecLoader.LoadProcess(bytes, file);
            appArmor = p.ApparmorProfile;
            // runc: no capabilities in the process → the container's; no rlimits → the container's.
            p.Capabilities ??= configProcess.Capabilities;
            if (p.Rlimits is not { Count: > 0 }) p.Rlimits = configProcess.Rlimits;
        }
        else
        {
            p = configProcess with
            {
                Args = new(req.Args),
                Env = [.. configProcess.Env ?? [], .. req.Env],
                User = configProcess.User with { AdditionalGids = configProcess.User.AdditionalGids is { } ag ? new List<uint>(ag) : null },
            };
            if (req.Cwd is { Length: > 0 } cwd) p.Cwd = cwd;
            appArmor = null;
            if (req.AppArmor is { Length: > 0 } aa) { p.ApparmorProfile = aa; appArmor = aa; }
            if (req.ProcessLabel is { Length: > 0 } label) p.SelinuxLabel = label;
            if (req.Caps.Count > 0)
            {
                // runc 1.1.5 (observed): bounding, effective, permitted and ambient; not inheritable, so the
                // ambient raise is a no-op unless the config made the capability inheritable.
                var c = configProcess.Capabilities ?? new LinuxCapabilities();
                p.Capabilities = c with
                {
                    Bounding = [.. c.Bounding ?? [], .. req.Caps],
                    Effective = [.. c.Effective ?? [], .. req.Caps],
                    Permitted = [.. c.Permitted ?? [], .. req.Caps],
                    Ambient = [.. c.Ambient ?? [], .. req.Caps],
                };
            }
            p.Terminal = req.Tty ?? false;
            if (req.NoNewPrivs is bool nnp) p.NoNewPrivileges = nnp;
            if (req.User is { Length: > 0 } user)
            {
                var parts = user.Split(':', 2);
                int? gid = parts.Length > 1 ? Atoi(parts[1], "gid") : null;
                int uid = Atoi(parts[0], "uid");
                // runc's setupUser check: a negative id would become (uid_t)-1, which setresuid reads as "unchanged".
                if (uid < 0 || gid < 0)
                    throw new RuncException("unable to start container process: unable to setup user: uids and gids must be in range 0-2147483647");
                if (gid is int g) p.User.Gid = (uint)g;
                p.User.Uid = (uint)uid;
            }
            foreach (var g in req.AdditionalGids)
            {
                if (!long.TryParse(g, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long gid))
                    throw new RuncException($"invalid value \"{g}\" for flag -additional-gids: parse error");
                if (gid < 0) throw new RuncException($"additional-gids must be a positive number {gid}");
                p.User.AdditionalGids = [.. p.User.AdditionalGids ?? [], (uint)gid];
            }
        }
        ValidateProcess(p);
        return (p, appArmor);
    }

    private static int Atoi(string s, string what)
    {
        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)) return v;
        string why = s.Length > 0 && !s.AsSpan().TrimStart("-+").ContainsAnyExceptInRange('0', '9') ? "value out of range" : "invalid syntax";
        throw new RuncException($"parsing {s} as int for {what} failed: strconv.Atoi: parsing \"{s}\": {why}");
    }

    /// <summary>runc's validateProcessSpec.</summary>
    private static void ValidateProcess(Process p)
    {
        if (p.Cwd.Length == 0) throw new RuncException("Cwd property must not be empty");
        if (!p.Cwd.StartsWith('/')) throw new RuncException("Cwd must be an absolute path");
        if (p.Args is not { Count: > 0 }) throw new RuncException("args must not be empty");
        if (p.SelinuxLabel is { Length: > 0 }) throw new RuncException("selinux label is specified in config, but selinux is disabled or not supported");
    }

    // ---- cgroups -------------------------------------------------------------------------------------------

    /// <summary>runc's getSubCgroupPaths: "[ctrl[,ctrl]:]path"; null when no --cgroup was given.</summary>
    public static Dictionary<string, string>? ParseSubCgroups(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return null;
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in args)
        {
            var cs = c.Split(':', 3);
            if (cs.Length > 2) throw new RuncException($"invalid --cgroup argument: {c}");
            if (cs.Length == 1)
            {
                if (args.Count != 1) throw new RuncException($"invalid --cgroup argument: {c} (missing <controller>: prefix)");
                paths[""] = c;
                continue;
            }
            foreach (var ctrl in cs[0].Split(','))
            {
                if (ctrl.Length == 0) throw new RuncException($"invalid --cgroup argument: {c} (empty <controller> prefix)");
                if (!paths.TryAdd(ctrl, cs[1]))
                    throw new RuncException($"invalid --cgroup argument(s): controller {ctrl} specified multiple times");
            }
        }
        return paths;
    }

    /// <summary>base/sub, refused when it leaves base (runc: "bad sub cgroup path").</summary>
    private static string SubPath(string baseDir, string sub)
    {
        if (sub.Length == 0) return baseDir;
        string joined = CgroupPathRules.Clean(baseDir + "/" + sub);
        if (!joined.StartsWith(baseDir, StringComparison.Ordinal) ||
            (joined.Length > baseDir.Length && joined[baseDir.Length] != '/' && !baseDir.EndsWith('/')))
            throw new RuncException($"bad sub cgroup path: {sub}");
        return joined;
    }

    private static void ValidateV1Sub(IReadOnlyDictionary<string, string> paths, Dictionary<string, string> sub)
    {
        if (sub.TryGetValue("", out var noPrefix)) throw new RuncException($"invalid --cgroup argument: {noPrefix} (missing <controller>: prefix)");
        foreach (var ctrl in sub.Keys)
            if (!paths.ContainsKey(ctrl)) throw new RuncException($"invalid --cgroup argument: {ctrl} (controller not found)");
        foreach (var (ctrl, path) in paths)
            if (sub.TryGetValue(ctrl, out var s)) SubPath(path, s);
    }

    private static void AddToV1(IReadOnlyDictionary<string, string> paths, Dictionary<string, string>? sub, int pid, bool rootless)
    {
        if (paths.Count == 0) return;
        if (sub is null or { Count: 0 })
        {
            try { CgroupManager.Load(paths, rootless).AddProcess(pid); }
            catch (RuncException) when (rootless) { }
            return;
        }
        byte[] text = Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture));
        foreach (var (ctrl, path) in paths)
        {
            string dir = sub.TryGetValue(ctrl, out var s) ? SubPath(path, s) : path;
            string procs = Path.Combine(dir, "cgroup.procs");
            try
            {
                using var fd = SafeFd.Open(procs, Interop.Libc.O_WRONLY);
                FdIo.WriteAll(fd, text, procs);
            }
            catch (RuncException e) when (!rootless)
            {
                throw new RuncException($"error adding pid {pid} to cgroups: {e.Message}");
            }
            catch (RuncException) { }
        }
    }
}
