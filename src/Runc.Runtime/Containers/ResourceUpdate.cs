using Runc.Cgroups;
using Runc.Linux;
using Runc.Oci;
using Runc.Runtime.Logging;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>Intel RDT schemata given to <c>update --l3-cache-schema/--mem-bw-schema</c> (empty = not given).</summary>
public sealed record RdtUpdate(string L3CacheSchema, string MemBwSchema)
{
    public bool IsEmpty => L3CacheSchema.Length == 0 && MemBwSchema.Length == 0;
}

/// <summary>
/// <c>update</c>: new limits written into the running container's cgroup and merged into its saved config.
/// Semantics of runc@v1.1.5:update.go: only memory {limit, reservation, swap}, cpu {shares, quota, period,
/// realtimeRuntime, realtimePeriod, cpus, mems}, blockIO.weight, pids.limit and unified are updated; a 0 (or "")
/// means "leave unchanged"; devices are never touched; quota or period given alone keeps the other's old value.
/// Also honoured: memory.checkBeforeUpdate (runc 1.2). Unlike runc 1.1.5, a failed write really rolls back to
/// the saved values (runc re-applies the new ones: its config shares the cgroup struct), and the saved config
/// keeps the old values of what was not given (runc 1.1.5 zeroes them in state.json).
/// </summary>
public static class ResourceUpdate
{
    /// <summary>Keeps what runc 1.1.5's update reads from a request; zeros become null (unchanged).
    /// Returns true in <paramref name="kernelMemoryGiven"/> for the deprecated kernel memory fields (warn and ignore).</summary>
    public static LinuxResources Restrict(LinuxResources r, out bool kernelMemoryGiven)
    {
        kernelMemoryGiven = (r.Memory?.Kernel ?? 0) != 0 || (r.Memory?.KernelTcp ?? 0) != 0;
        var res = new LinuxResources();
        if (r.Memory is { } m)
        {
            var mem = new LinuxMemory
            {
                Limit = NonZero(m.Limit),
                Reservation = NonZero(m.Reservation),
                Swap = NonZero(m.Swap),
                CheckBeforeUpdate = m.CheckBeforeUpdate,
            };
            if (mem.Limit != null || mem.Reservation != null || mem.Swap != null || mem.CheckBeforeUpdate != null) res.Memory = mem;
        }
        if (r.Cpu is { } c)
        {
            var cpu = new LinuxCpu
            {
                Shares = NonZero(c.Shares),
                Quota = NonZero(c.Quota),
                Period = NonZero(c.Period),
                RealtimeRuntime = NonZero(c.RealtimeRuntime),
                RealtimePeriod = NonZero(c.RealtimePeriod),
                Cpus = string.IsNullOrEmpty(c.Cpus) ? null : c.Cpus,
                Mems = string.IsNullOrEmpty(c.Mems) ? null : c.Mems,
            };
            if (cpu.Shares != null || cpu.Quota != null || cpu.Period != null || cpu.RealtimeRuntime != null ||
                cpu.RealtimePeriod != null || cpu.Cpus != null || cpu.Mems != null) res.Cpu = cpu;
        }
        if (r.BlockIo?.Weight is ushort w && w != 0) res.BlockIo = new LinuxBlockIo { Weight = w };
        if (r.Pids is { Limit: not 0 } p) res.Pids = new LinuxPids { Limit = p.Limit };
        if (r.Unified is { Count: > 0 } u) res.Unified = new Dictionary<string, string>(u, StringComparer.Ordinal);
        return res;
    }

    private static long? NonZero(long? v) => v is null or 0 ? null : v;
    private static ulong? NonZero(ulong? v) => v is null or 0 ? null : v;

    /// <summary>What to write: the request, with the partner of a lone quota or period taken from the saved config
    /// (cgroup v2 and systemd need both; v1 gets the same values runc writes).</summary>
    public static LinuxResources ToApply(LinuxResources request, LinuxResources? saved)
    {
        if (request.Cpu is not { } c) return request;
        var cpu = c with { };
        if (cpu.Quota != null && cpu.Period == null && (saved?.Cpu?.Period ?? 0) != 0) cpu.Period = saved!.Cpu!.Period;
        if (cpu.Period != null && cpu.Quota == null && (saved?.Cpu?.Quota ?? 0) != 0) cpu.Quota = saved!.Cpu!.Quota;
        return request with { Cpu = cpu };
    }

    /// <summary>The saved resources with every field of the request written over them.</summary>
    public static LinuxResources Merge(LinuxResources? saved, LinuxResources request)
    {
        var res = saved is null ? new LinuxResources() : saved with { };
        if (request.Memory is { } m)
        {
            var mem = res.Memory is null ? new LinuxMemory() : res.Memory with { };
            if (m.Limit != null) mem.Limit = m.Limit;
            if (m.Reservation != null) mem.Reservation = m.Reservation;
            if (m.Swap != null) mem.Swap = m.Swap;
            if (m.CheckBeforeUpdate != null) mem.CheckBeforeUpdate = m.CheckBeforeUpdate;
            res.Memory = mem;
        }
        if (request.Cpu is { } c)
        {
            var cpu = res.Cpu is null ? new LinuxCpu() : res.Cpu with { };
            if (c.Shares != null) cpu.Shares = c.Shares;
            if (c.Quota != null) cpu.Quota = c.Quota;
            if (c.Period != null) cpu.Period = c.Period;
            if (c.RealtimeRuntime != null) cpu.RealtimeRuntime = c.RealtimeRuntime;
            if (c.RealtimePeriod != null) cpu.RealtimePeriod = c.RealtimePeriod;
            if (c.Cpus != null) cpu.Cpus = c.Cpus;
            if (c.Mems != null) cpu.Mems = c.Mems;
            res.Cpu = cpu;
        }
        if (request.BlockIo?.Weight is ushort w)
            res.BlockIo = res.BlockIo is null ? new LinuxBlockIo { Weight = w } : res.BlockIo with { Weight = w };
        if (request.Pids is { } p) res.Pids = new LinuxPids { Limit = p.Limit };
        if (request.Unified is { } u)
        {
            var merged = res.Unified is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(res.Unified, StringComparer.Ordinal);
            foreach (var (k, v) in u) merged[k] = v;
            res.Unified = merged;
        }
        return res;
    }

    /// <summary>The saved values of exactly the fields the request wrote (what a failed update puts back).</summary>
    public static LinuxResources Rollback(LinuxResources? saved, LinuxResources applied)
    {
        var back = new LinuxResources();
        if (applied.Memory != null && saved?.Memory is { } sm)
            back.Memory = new LinuxMemory { Limit = NonZero(sm.Limit), Reservation = NonZero(sm.Reservation), Swap = NonZero(sm.Swap) };
        if (applied.Cpu is { } ac && saved?.Cpu is { } sc)
            back.Cpu = new LinuxCpu
            {
                Shares = ac.Shares != null ? NonZero(sc.Shares) : null,
                Quota = ac.Quota != null ? NonZero(sc.Quota) : null,
                Period = ac.Period != null ? NonZero(sc.Period) : null,
                RealtimeRuntime = ac.RealtimeRuntime != null ? NonZero(sc.RealtimeRuntime) : null,
                RealtimePeriod = ac.RealtimePeriod != null ? NonZero(sc.RealtimePeriod) : null,
                Cpus = ac.Cpus != null && !string.IsNullOrEmpty(sc.Cpus) ? sc.Cpus : null,
                Mems = ac.Mems != null && !string.IsNullOrEmpty(sc.Mems) ? sc.Mems : null,
            };
        if (applied.BlockIo != null && saved?.BlockIo?.Weight is ushort w && w != 0) back.BlockIo = new LinuxBlockIo { Weight = w };
        if (applied.Pids != null && saved?.Pids is { Limit: not 0 } p) back.Pids = new LinuxPids { Limit = p.Limit };
        if (applied.Unified is { } au && saved?.Unified is { } su)
        {
            var u = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string k in au.Keys) if (su.TryGetValue(k, out string? v)) u[k] = v;
            if (u.Count > 0) back.Unified = u;
        }
        return back;
    }

    /// <summary>
    /// Applies <paramref name="request"/> (already <see cref="Restrict"/>ed) to container <paramref name="id"/> and saves
    /// the merged config atomically. A stopped container: <c>container not running</c> (runc's Set).
    /// </summary>
    public static void Update(ContainerStore store, string id, LinuxResources request, RdtUpdate rdt)
    {
        using var lk = store.Lock(id);
        var state = store.Load(id);
        if (StatusProbe.Of(store, state) == Status.Stopped) throw ContainerException.NotRunning();
        var spec = ContainerOps.LoadConfig(store, id);
        spec.Linux ??= new Runc.Oci.Linux();
        var saved = spec.Linux.Resources;

        if (state.CgroupPaths is not { Count: > 0 } paths)
            throw new RuncException("cannot update resources: the container has no cgroup");
        var cg = CgroupLoad.For(state, paths);
        var apply = ToApply(request, saved);
        if (apply.Unified is { Count: > 0 }) CgroupManager.Validate(new LinuxResources { Unified = apply.Unified }, cg.Mode,
            Runc.Cgroups.Layout.CgroupLayout.Detect().UnifiedControllers);
        try
        {
            // runc's systemd Set: runc update overwrites its config's limits with the request (unset ones 0, a lone cpu
            // quota or period keeps its saved partner: exactly `apply`), skips devices, and sends that to systemd.
            if (cg is Runc.Cgroups.Systemd.SystemdManager sd) sd.Update(apply);
            else cg.Apply(apply);
        }
        catch (RuncException)
        {
            try { cg.Apply(Rollback(saved, apply)); }
            catch (RuncException e2)
            {
                Logger.Warn("Setting back cgroup configs failed due to error: " + e2.Message +
                    ", your state.json and actual configs might be inconsistent.");
            }
            throw;
        }
        if (!rdt.IsEmpty) IntelRdt.Update(state, spec, rdt);

        spec.Linux.Resources = Merge(saved, request);
        ContainerStore.WriteAtomically(System.IO.Path.Combine(store.DirOf(id), ContainerStore.ConfigFile),
            OciJson.SerializeSpecCompact(spec), 0x1a4);
    }
}
