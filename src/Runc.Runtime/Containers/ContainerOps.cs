using Runc.Cgroups;
using Runc.Linux;
using Runc.Oci;
using Runc.Runtime.Hooks;
using Runc.Runtime.Logging;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>start, kill, delete on a container that exists in the store. Each takes the container's lock.</summary>
public static class ContainerOps
{
    public static Spec LoadConfig(ContainerStore store, string id)
    {
        string file = Path.Combine(store.DirOf(id), ContainerStore.ConfigFile);
        return SpecLoader.Parse(File.ReadAllBytes(file), file);
    }

    public static void Start(ContainerStore store, string id)
    {
        using var lk = store.Lock(id);
        var state = store.Load(id);
        switch (StatusProbe.Of(store, state))
        {
            case Status.Running: throw ContainerException.WrongState("cannot start an already running container");
            case Status.Stopped: throw ContainerException.WrongState("cannot start a container that has stopped");
            case Status.Paused: throw ContainerException.WrongState("cannot start a container in the paused state");
        }
        string fifoPath = Path.Combine(store.DirOf(id), ContainerStore.FifoFile);
        SafeFd fifo;
        try { fifo = SafeFd.Open(fifoPath, Interop.Libc.O_WRONLY | Interop.Libc.O_NONBLOCK); }
        catch (SyscallException e) when (e.Errno == Errno.ENXIO) { throw ContainerException.WrongState("cannot start a container that has stopped"); }
        using (fifo) FdIo.WriteAll(fifo, "0"u8, fifoPath);
        Interop.Libc.UnlinkAt(Interop.Libc.AT_FDCWD, fifoPath, 0);

        var spec = LoadConfig(store, id);
        if (spec.Hooks?.Poststart is { Count: > 0 } hooks)
            HookRunner.RunAllWarn(hooks, "poststart", Launcher.HookState(spec, state, "running", state.InitPid), m => Logger.Warn(m));
    }

    public static void Kill(ContainerStore store, string id, int signal, bool all)
    {
        using var lk = store.Lock(id);
        var state = store.Load(id);
        var status = StatusProbe.Of(store, state);
        ICgroupManager? cg = state.CgroupPaths is { Count: > 0 } paths ? CgroupManager.Load(paths, state.Rootless) : null;
        if (all)
        {
            // runc 1.1: every process of the cgroup; a stopped container (cgroup there or not) is not an error.
            if (cg != null && cg.Exists()) cg.Signal(signal);
            else if (status != Status.Stopped) SignalInit(state, signal);
            ThawAfterKill(cg, status, signal);
            return;
        }
        if (status == Status.Stopped) throw ContainerException.NotRunning();
        SignalInit(state, signal);
        ThawAfterKill(cg, status, signal);
    }

    /// <summary>A frozen (v1) task does not die until thawed: runc thaws a paused container after SIGKILL
    /// (signalAllProcesses thaws after any --all signal; cgroup.kill does not, so thaw here).</summary>
    private static void ThawAfterKill(ICgroupManager? cg, Status status, int signal)
    {
        if (status != Status.Paused || signal != K.SIGKILL || cg == null) return;
        try { cg.Thaw(); } catch (RuncException) { }
    }

    /// <summary>Signal through a pidfd opened after checking the start time, so a reused pid is never hit.</summary>
    private static void SignalInit(ContainerState state, int signal)
    {
        int pidfd = Interop.Libc.PidfdOpen(state.InitPid);
        if (pidfd < 0) throw ContainerException.NotRunning();
        using var fd = new SafeFd(pidfd);
        if (!ProcStat.IsAlive(state.InitPid, state.InitStartTime)) throw ContainerException.NotRunning();
        if (Interop.Libc.PidfdSendSignal(pidfd, signal) != 0)
        {
            int e = Errno.Last;
            if (e == Errno.ESRCH) throw ContainerException.NotRunning();
            throw new SyscallException("unable to signal init", e);
        }
    }

    public static void Delete(ContainerStore store, string id, bool force)
    {
        ContainerId.Validate(id);
        string dir = store.DirOf(id);
        if (!Directory.Exists(dir))
        {
            if (force) return;
            throw ContainerException.NotFound();
        }
        using var lk = store.Lock(id);
        ContainerState state;
        try { state = store.Load(id); }
        catch (ContainerException e) when (e.Kind == ContainerErrorKind.NotFound)
        {
            // A half-made container (create killed before state.json): remove what there is.
            CgroupIntent.DestroyFor(dir);
            store.Remove(id);
            if (force) return;
            throw;
        }
        var status = StatusProbe.Of(store, state);
        if ((status == Status.Running || status == Status.Paused) && !force)
            throw ContainerException.WrongState($"cannot delete container {id} that is not stopped: {StatusText.Of(status)}");
        Destroy(store, state, status);
    }

    /// <summary>Kill everything, remove the cgroup, run poststop hooks, remove the state dir.</summary>
    public static void Destroy(ContainerStore store, ContainerState state, Status status)
    {
        ICgroupManager? cg = state.CgroupPaths is { Count: > 0 } p ? CgroupLoad.For(state, p) : null;
        if (status != Status.Stopped)
        {
            if (status == Status.Paused) cg?.Thaw();
            try { SignalInit(state, K.SIGKILL); } catch (ContainerException) { }
            WaitGone(state);
        }
        // A container without its own pid namespace may leave processes behind its init.
        if (cg != null && cg.Exists() && !state.OwnPidNamespace) cg.Signal(K.SIGKILL);
        cg?.Destroy();
        IntelRdt.Remove(state.IntelRdtPath, state.IntelRdtCreated);
        if (state.NetDevices is { Count: > 0 } devices) NetDevices.GiveBack(devices, m => Logger.Warn(m));
        Spec? spec = null;
        try { spec = LoadConfig(store, state.Id); } catch (Exception e) when (e is RuncException or IOException) { }
        if (spec?.Hooks?.Poststop is { Count: > 0 } hooks)
            HookRunner.RunAllWarn(hooks, "poststop", Launcher.HookState(spec, state, "stopped", 0), m => Logger.Warn(m));
        store.Remove(state.Id);
    }

    private static unsafe void WaitGone(ContainerState state)
    {
        int pidfd = Interop.Libc.PidfdOpen(state.InitPid);
        if (pidfd < 0) return;
        using var fd = new SafeFd(pidfd);
        PollFd p = default;
        p.Fd = pidfd;
        p.Events = K.POLLIN;
        // A pidfd turns readable when the process exits (even while a zombie waiting for its reaper).
        int r;
        do r = Interop.Libc.Poll(&p, 1, 10_000); while (r < 0 && Errno.Last == Errno.EINTR);
    }
}
