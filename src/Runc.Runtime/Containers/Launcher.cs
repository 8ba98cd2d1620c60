using System.Text;
using Runc.Cgroups;
using Runc.Cgroups.Devices;
using Runc.Cgroups.Layout;
using Runc.Linux;
using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Hooks;
using Runc.Runtime.Launch;
using Runc.Runtime.Logging;
using Runc.Runtime.Plan;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

public sealed record CreateOptions
{
    public string? Bundle { get; init; }
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    /// <summary>--pidfd-socket (runc 1.2): receives a pidfd of the container's init.</summary>
    public string? PidfdSocket { get; init; }
    public bool NoPivot { get; init; }
    public bool NoNewKeyring { get; init; }
    public int PreserveFds { get; init; }
    /// <summary>false for `run`: no exec.fifo, the init goes straight on to execve.</summary>
    public bool WaitForStart { get; init; } = true;
    public bool SystemdCgroup { get; init; }
    public bool Rootless { get; init; }
    /// <summary>An already connected console socket (foreground `run` with a terminal hands in its own), or -1.</summary>
    public int ConsoleSocketFd { get; init; } = -1;
    public (ushort Rows, ushort Cols) ConsoleSize { get; init; }

    public CreateOptions WithConsole(int fd, (ushort, ushort) size) => this with { ConsoleSocketFd = fd, ConsoleSize = size };
}

/// <summary>A container that has been created: its state and what the CLI still needs (the init's pid, the spec).</summary>
public sealed record Launched(ContainerState State, Spec Spec, ICgroupManager? Cgroup);

/// <summary>
/// The CLI side of `create` and `run` (DESIGN §2): validate everything, make the state dir, cgroup and fifo,
/// plan, clone, feed the child (maps, cgroup, hooks), wait for "ready" or an error, and on any failure undo
/// all of it so that nothing is left behind.
/// </summary>
public static class Launcher
{
    /// <summary>Whether the bundle's process asks for a terminal (a cheap look before the real create).</summary>
    public static bool WantsTerminal(string? bundle)
    {
        try { return LoadBundleOnce(Path.GetFullPath(bundle is { Length: > 0 } b ? b : Directory.GetCurrentDirectory())).Process?.Terminal == true; }
        catch (RuncException) { return false; } // Create reports the real error
    }

    private static (string Bundle, Spec Spec)? s_loaded;

    /// <summary>`run` asks WantsTerminal and then Create about the same bundle: read and parse its config once.</summary>
    private static Spec LoadBundleOnce(string bundle)
    {
        if (s_loaded is { } l && l.Bundle == bundle) return l.Spec;
        var spec = SpecLoader.LoadBundle(bundle);
        s_loaded = (bundle, spec);
        return spec;
    }

    public static Launched Create(ContainerStore store, string id, CreateOptions opt)
    {
        ContainerId.Validate(id);
        // Before any side effect: from here on run from a read-only clone of the binary (CVE-2019-5736).
        ExeSeal.ReexecSealedIfNeeded();
        string bundle = Path.GetFullPath(opt.Bundle is { Length: > 0 } b ? b : Directory.GetCurrentDirectory());
        if (!Directory.Exists(bundle)) throw new RuncException($"chdir {bundle}: no such file or directory");
        var spec = LoadBundleOnce(bundle);
        foreach (var w in SpecValidator.ThrowIfInvalid(spec, bundle)) Logger.Warn(w);
        var process = spec.Process!;
        if (process.Terminal && opt.ConsoleSocket is null && opt.ConsoleSocketFd < 0)
            throw new RuncException("cannot allocate tty if runc will detach without setting console socket");
        if (!process.Terminal && opt.ConsoleSocket is not null)
            throw new RuncException("cannot use console socket if runc will not detach or allocate tty");
        string rootfs = Path.GetFullPath(spec.Root!.Path, bundle);
        RootlessConfig.Validate(spec);
        var seccomp = spec.Linux?.Seccomp is { } profile ? Runc.Seccomp.SeccompCompiler.Compile(profile) : null;

        using var lk = store.CreateExclusive(id);
        var cleanup = new Cleanup(store, id);
        try
        {
            return CreateLocked(store, id, bundle, rootfs, spec, opt, seccomp, cleanup, lk.Fd);
        }
        catch (Exception e) when (e is RuncException or IOException or UnauthorizedAccessException)
        {
            string? cleanupError = cleanup.Run();
            string message = e is RuncException ? e.Message : e.Message;
            if (cleanupError != null) message += " (cleanup: " + cleanupError + ")";
            if (e is RuncException re && cleanupError == null) throw;
            throw new RuncException(message, e);
        }
        catch (Exception)
        {
            // A bug (e.g. a null the validator let through: process.args [null], process.user null) must not
            // leave a half-made container behind either (issue 8 §11); the front door reports the exception.
            cleanup.Run();
            throw;
        }
    }

    private static Launched CreateLocked(ContainerStore store, string id, string bundle, string rootfs, Spec spec,
        CreateOptions opt, Runc.Seccomp.SeccompProgram? seccomp, Cleanup cleanup, int lockFd)
    {
        string dir = store.DirOf(id);
        var process = spec.Process!;
        var linux = spec.Linux ?? new Runc.Oci.Linux();
        var namespaces = linux.Namespaces ?? [];
        var fds = new List<SafeFd>();
        try
        {
            // exec.fifo: `start` writes one byte into it; the init holds it open read-write until then.
            SafeFd? fifo = null;
            if (opt.WaitForStart)
            {
                string fifoPath = Path.Combine(dir, ContainerStore.FifoFile);
                if (Interop.Libc.Mkfifo(fifoPath, 0x192) != 0) throw SyscallException.Last($"mkfifo \"{fifoPath}\""); // 0622
                fifo = SafeFd.Open(fifoPath, Interop.Libc.O_RDWR);
                fds.Add(fifo);
            }

            // Cgroup: made and configured before the init exists, so it never runs unconstrained.
            var layout = CgroupLayout.Detect();
            if (opt.SystemdCgroup) CgroupManager.RequireRunningSystemd();
            var unitProps = opt.SystemdCgroup ? Runc.Cgroups.Systemd.SystemdAnnotations.Properties(spec.Annotations) : null;
            var cgroup = CgroupManager.Create(linux.Resources, linux.CgroupsPath, id, opt.SystemdCgroup, opt.Rootless, layout,
                opt.SystemdCgroup ? new Runc.Cgroups.Systemd.SystemdDbusClient(m => Logger.Warn(m)) : null, m => Logger.Warn(m));
            if (cgroup is Runc.Cgroups.Systemd.SystemdManager sd && unitProps != null) sd.ExtraUnitProperties = unitProps;
            cleanup.Cgroup = cgroup;
            CgroupIntent.Write(store.DirOf(id), cgroup.Paths, opt.Rootless, (cgroup as Runc.Cgroups.Systemd.SystemdManager)?.UnitName); // for delete after a killed create
            try { cgroup.Create(); }
            catch (SyscallException e) when (NoCgroup.CanGoWithout(e, opt.Rootless, layout, linux)) { cleanup.Cgroup = cgroup = new NoCgroup(layout.Mode); }
            if (linux.Resources != null) cgroup.Apply(linux.Resources);
            if (!opt.Rootless)
            {
                cgroup.ApplyDevices(DeviceRulesFor(linux));
            }
            using var cgroupJoin = cgroup.OpenJoin();
            string? rdtDir = null;
            if (linux.IntelRdt is { } rdt)
            {
                var (d, created) = IntelRdt.Prepare(rdt, id);
                rdtDir = d;
                if (created) cleanup.RdtDir = d;
            }

            SafeFd? console = null;
            if (opt.ConsoleSocket is { } socketPath) { console = UnixSocket.Connect(socketPath); fds.Add(console); }
            SafeFd? pidfdSocket = opt.PidfdSocket is { } pidfdPath ? UnixSocket.Connect(pidfdPath) : null;
            if (pidfdSocket != null) fds.Add(pidfdSocket);

            var procFd = ProcFs.OpenVerified();
            fds.Add(procFd);

            var joins = new Dictionary<string, int>(StringComparer.Ordinal);
            SafeFd? pidNs = null;
            foreach (var ns in namespaces)
            {
                if (string.IsNullOrEmpty(ns.Path)) continue;
                SafeFd fd;
                try { fd = SafeFd.Open(ns.Path!, Interop.Libc.O_RDONLY); }
                catch (SyscallException e) { throw new RuncException($"open {ns.Type} namespace \"{ns.Path}\": {Errno.Message(e.Errno)}"); }
                fds.Add(fd);
                if (ns.Type == "pid") pidNs = fd;
                else joins[ns.Type] = fd.Fd;
            }

            // Idmapped bind mounts: detached trees prepared here, moved into place by the child.
            var mountTrees = IdmappedMounts.Prepare(spec, bundle, fds, RootlessConfig.RootlessEuid);

            int listenFds = SocketActivation.InheritedFds();
            bool newUserNs = namespaces.Exists(n => n.Type == "user" && string.IsNullOrEmpty(n.Path));
            bool hasHooks = (spec.Hooks?.Prestart?.Count ?? 0) + (spec.Hooks?.CreateRuntime?.Count ?? 0) > 0;
            using var sync = SyncChannel.Create();
            var o = new LaunchOptions
            {
                Bundle = bundle,
                Rootfs = rootfs,
                NoPivot = opt.NoPivot,
                NoNewKeyring = opt.NoNewKeyring,
                PreserveFds = opt.PreserveFds + listenFds,
                ExtraEnv = listenFds > 0 ? [$"LISTEN_FDS={listenFds}", "LISTEN_PID=1"] : [],
                ConsoleSocketFd = console?.Fd ?? opt.ConsoleSocketFd,
                DefaultConsoleSize = opt.ConsoleSize,
                FifoFd = fifo?.Fd ?? -1,
                LastCap = KernelInfo.LastCap(),
                CgroupBinds = CgroupBinds(layout, cgroup, opt.Rootless),
                CgroupV2 = layout.Mode == CgroupMode.Unified,
                CgroupTasks = cgroupJoin?.V1Tasks ?? [],
                CgroupCloneFd = cgroupJoin?.IntoCgroup2?.Fd ?? -1,
                JoinFds = joins,
                HasRuntimeHooks = hasHooks,
                // runc calls setgroups only as euid 0 with setgroups allowed (setupUser: allowSupGroups).
                SetgroupsDenied = RootlessConfig.SetgroupsDenied,
                // runc's createDevices: bind instead of mknod in a new or joined user namespace, or when we run in one.
                BindDevices = newUserNs || namespaces.Exists(n => n.Type == "user") || RootlessConfig.InUserNamespace(),
                SeccompFilter = seccomp?.Filter,
                SeccompFlags = seccomp?.Flags ?? 0,
                SeccompNotify = seccomp?.NeedsListener == true,
                // The parent's end too: otherwise a child whose parent was killed waits for it forever (issue 8 §10).
                CloseInChild = [lockFd, sync.Parent.Fd],
                HostHasKcore = File.Exists("/proc/kcore"),
                RootfsParentMount = MountTable.MountPointOf(ResolveLinks(rootfs)),
                MountTrees = mountTrees,
            };
            string? home = Passwd.HomeOf(rootfs, process.User.Uid);
            var planned = InitPlanner.Plan(spec, o, home);
            using var native = planned.Plan.Build(sync.Child.Fd, procFd.Fd);

            if (pidNs != null && Interop.Libc.Setns(pidNs.Fd, (int)NamespaceTypes.CLONE_NEWPID) != 0)
                throw SyscallException.Last($"join pid namespace \"{namespaces.Find(n => n.Type == "pid")!.Path}\"");
            int pid = ClonePoint.Spawn(native, planned.CloneFlags, cgroupJoin?.IntoCgroup2?.Fd ?? -1);
            cgroupJoin?.Dispose(); // the child has its own copies
            cleanup.InitPid = pid;
            sync.CloseChildEnd();
            if (pidfdSocket != null) PidfdSocket.Send(pidfdSocket, pid, "standard");
            foreach (var fd in fds) fd.Dispose();
            fds.Clear();

            if (newUserNs) IdMaps.Write(pid, linux.UidMappings, linux.GidMappings, RootlessConfig.RootlessEuid);
            if (cgroupJoin is null) cgroup.AddProcess(pid);
            if (rdtDir != null) IntelRdt.AddTask(rdtDir, pid);
            if (linux.NetDevices is { Count: > 0 } netDevices) NetDevices.MoveIn(netDevices, pid);
            sync.Send(SyncMessage.Continue);

            var state = new ContainerState
            {
                Id = id,
                InitPid = pid,
                Bundle = bundle,
                Rootfs = rootfs,
                Created = DateTime.UtcNow,
                Owner = "",
                Annotations = spec.Annotations is { Count: > 0 } ann ? ann : null,
                CgroupPaths = new Dictionary<string, string>(cgroup.Paths),
                Rootless = opt.Rootless,
                SystemdCgroup = opt.SystemdCgroup,
                OwnPidNamespace = namespaces.Exists(n => n.Type == "pid" && string.IsNullOrEmpty(n.Path)),
                IntelRdtPath = rdtDir,
                IntelRdtCreated = cleanup.RdtDir != null,
                NetDevices = linux.NetDevices is { Count: > 0 } nd ? NetDeviceNames(nd) : null,
            };
            WaitReady(sync, native, planned.Plan, pid, spec, state, cleanup);
            // `run` has no start in between: stay on the line until execve closes the child's end (O_CLOEXEC),
            // so that a failure in credentials, capabilities, seccomp or execve is reported, not just an exit 1.
            if (!opt.WaitForStart) WaitExec(sync, native, planned.Plan, pid, cleanup);

            state.InitStartTime = ProcStat.Read(pid)?.StartTime ?? throw new RuncException("container init exited before it was ready");
            File.Copy(Path.Combine(bundle, "config.json"), Path.Combine(dir, ContainerStore.ConfigFile), overwrite: true);
            store.Save(state);
            if (opt.PidFile is { } pidFile) PidFile.Write(pidFile, pid);
            return new Launched(state, spec, cgroup);
        }
        finally
        {
            foreach (var fd in fds) fd.Dispose();
        }
    }

    /// <summary>What the state records for linux.netDevices: host name → name in the container (default: the same).</summary>
    private static Dictionary<string, string> NetDeviceNames(Dictionary<string, LinuxNetDevice> devices)
    {
        var names = new Dictionary<string, string>(devices.Count);
        foreach (var (host, device) in devices) names.Add(host, device.Name is { Length: > 0 } n ? n : host);
        return names;
    }

    /// <summary>The device rules runc gives the cgroup: the spec's, its device nodes, and runc's defaults.</summary>
    public static IReadOnlyList<DeviceRule> DeviceRulesFor(Runc.Oci.Linux linux)
    {
        var rules = (linux.Resources?.Devices ?? []).ConvertAll(DeviceRule.FromOci);
        var nodes = (linux.Devices ?? []).ConvertAll(d => new DeviceRule(d.Type == "b" ? 'b' : 'c', d.Major, d.Minor, "rwm", true));
        return DefaultDevices.ForContainer(rules, nodes);
    }

    /// <summary>The conversation with the child until it is parked on exec.fifo (or about to exec, for run).</summary>
    private static void WaitReady(SyncChannel sync, NativePlan native, PlanBuilder plan, int pid, Spec spec, ContainerState state, Cleanup cleanup)
    {
        while (true)
        {
            var r = sync.Receive(out var listener);
            if (r is null)
            {
                int status = ChildWait.Wait(pid, 0);
                cleanup.InitPid = 0; // reaped: never signal that pid number again
                throw new RuncException($"unable to start container process: container init exited unexpectedly ({DescribeStatus(status)})");
            }
            var rec = r.Value;
            switch (rec.Type)
            {
                case SyncMessage.RunCreateRuntimeHooks:
                {
                    byte[] hostState = HookState(spec, state, "creating", pid);
                    HookRunner.RunAll(spec.Hooks?.Prestart, "prestart", hostState);
                    HookRunner.RunAll(spec.Hooks?.CreateRuntime, "createRuntime", hostState);
                    // Hooks inside the container see its own pid (1 in a new pid namespace).
                    int innerPid = state.OwnPidNamespace ? 1 : pid;
                    sync.SendState(HookState(spec, state, "created", innerPid));
                    break;
                }
                case SyncMessage.WriteTimeOffsets:
                    TimeOffsets.Write(pid, spec.Linux?.TimeOffsets);
                    sync.Send(SyncMessage.Continue);
                    break;
                case SyncMessage.SeccompListener:
                    // runc: the state as it is now (initProcessStartTime not yet known), status "creating".
                    SeccompAgent.HandOver(sync, listener, spec.Linux?.Seccomp,
                        SeccompAgent.StateFor(spec.Linux?.Seccomp, pid, OciState(spec, state, "creating", pid)));
                    break;
                case SyncMessage.Ready:
                    return;
                case SyncMessage.Error:
                {
                    var op = rec.Op >= 0 && rec.Op < plan.Ops.Count ? plan.Ops[rec.Op] : default;
                    ChildWait.Wait(pid, 0);
                    cleanup.InitPid = 0;
                    throw new RuncException("unable to start container process: " + ChildErrors.Render(native, op, rec));
                }
                default:
                    throw new RuncException($"unexpected message {rec.Type} from container init");
            }
        }
    }

    private static string ResolveLinks(string path)
    {
        try { return new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path; }
        catch (IOException) { return path; }
    }

    private static void WaitExec(SyncChannel sync, NativePlan native, PlanBuilder plan, int pid, Cleanup cleanup)
    {
        while (sync.Receive() is { } rec)
        {
            if (rec.Type != SyncMessage.Error) continue;
            var op = rec.Op >= 0 && rec.Op < plan.Ops.Count ? plan.Ops[rec.Op] : default;
            ChildWait.Wait(pid, 0);
            cleanup.InitPid = 0;
            throw new RuncException("unable to start container process: " + ChildErrors.Render(native, op, rec));
        }
    }

    private static string DescribeStatus(int status) =>
        (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"signal {status & 0x7f}";

    public static byte[] HookState(Spec spec, ContainerState state, string status, int pid) =>
        OciJson.SerializeHookState(OciState(spec, state, status, pid));

    /// <summary>The runtime-spec state of the container being created (hooks, seccomp agent).</summary>
    public static Runc.Oci.State OciState(Spec spec, ContainerState state, string status, int pid) =>
        new()
        {
            OciVersion = spec.OciVersion,
            Id = state.Id,
            Status = status,
            Pid = pid,
            Bundle = state.Bundle,
            Annotations = spec.Annotations,
        };

    /// <summary>On cgroup v1 without a cgroup namespace, the container sees its own cgroup dir of each hierarchy.</summary>
    private static IReadOnlyList<CgroupBind> CgroupBinds(CgroupLayout layout, ICgroupManager cgroup, bool rootless)
    {
        var binds = new List<CgroupBind>();
        if (layout.Mode == CgroupMode.Unified) return binds;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (controller, mount) in layout.V1Mounts)
        {
            if (!seen.Add(mount.MountPoint)) continue;
            if (!cgroup.Paths.TryGetValue(controller, out var hostDir))
            {
                // Rootless without a cgroup of its own in this hierarchy: the init stays in ours, show that (as runc).
                if (!rootless) continue;
                hostDir = CgroupLayout.HostDir(mount, layout.OwnCgroups.GetValueOrDefault(controller, "/"));
            }
            string name = Path.GetFileName(mount.MountPoint);
            var aliases = new List<string>();
            // Co-mounted controllers (cpu,cpuacct) are reachable by each name through a link, as on the host.
            if (name.Contains(','))
                foreach (var part in name.Split(',')) if (part != name) aliases.Add(part);
            // Super options name the hierarchy: "memory", "cpu,cpuacct", "name=systemd".
            var super = new List<string>();
            foreach (var o in mount.Options)
                if (o is not ("rw" or "ro") && (o.StartsWith("name=", StringComparison.Ordinal) ||
                    CgroupLayout.KnownV1Controllers.Contains(o) || o is "net_cls" or "net_prio" or "perf_event" or "hugetlb" or "rdma" or "misc"))
                    super.Add(o);
            string? named = super.Find(o => o.StartsWith("name=", StringComparison.Ordinal));
            binds.Add(new CgroupBind(name, hostDir, aliases) { FsData = string.Join(",", super), Source = named?[5..] ?? "cgroup" });
        }
        return binds;
    }

    /// <summary>Everything create made, undone in reverse on failure.</summary>
    private sealed class Cleanup(ContainerStore store, string id)
    {
        public ICgroupManager? Cgroup;
        public int InitPid;
        public string? RdtDir;

        public string? Run()
        {
            var errors = new List<string>();
            if (InitPid > 0)
            {
                Interop.Libc.Kill(InitPid, K.SIGKILL);
                Interop.Libc.Waitpid(InitPid, out _, 0);
            }
            try { Cgroup?.Destroy(); } catch (Exception e) { errors.Add(e.Message); }
            IntelRdt.Remove(RdtDir);
            try { store.Remove(id); } catch (Exception e) { errors.Add(e.Message); }
            return errors.Count == 0 ? null : string.Join("; ", errors);
        }
    }
}
