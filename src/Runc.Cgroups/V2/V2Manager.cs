using Runc.Cgroups.Devices;
using Runc.Cgroups.Devices.Ebpf;
using Runc.Cgroups.Fs;
using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Linux;
using Runc.Oci;
using static Runc.Linux.Interop.Libc;

namespace Runc.Cgroups.V2;

/// <summary>Pure cgroup v2: one directory; devices through an eBPF program; freeze and kill through core files.</summary>
public sealed class V2Manager : ICgroupManager
{
    private readonly string _dir;
    private readonly string _mountPoint;
    private readonly bool _rootless;
    /// <summary>Listed on first GetStats: only `events` needs them.</summary>
    private IReadOnlyList<string>? _hugePageSizes;

    public V2Manager(string dir, string mountPoint, bool rootless, IReadOnlyList<string>? hugePageSizes = null)
    {
        _dir = dir;
        _mountPoint = mountPoint;
        _rootless = rootless;
        _hugePageSizes = hugePageSizes;
    }

    public CgroupMode Mode => CgroupMode.Unified;
    public IReadOnlyDictionary<string, string> Paths => new Dictionary<string, string> { [""] = _dir };

    /// <summary>Controllers the hierarchy root offers (what ancestors get in subtree_control).</summary>
    private List<string> RootControllers() =>
        new((CgroupFile.TryRead(_mountPoint, "cgroup.controllers") ?? "").Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    public void Create()
    {
        if (Directory.Exists(_dir) && V2Freezer.State(_dir) == FreezerState.Frozen)
            throw new RuncException("container's cgroup unexpectedly frozen: \"" + _dir + "\"");
        string rel = _dir.Length > _mountPoint.Length ? _dir[_mountPoint.Length..].Trim('/') : "";
        string[] parts = rel.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var controllers = RootControllers();
        string enable = string.Join(' ', controllers.ConvertAll(c => "+" + c));
        var created = new List<string>();
        try
        {
            string current = _mountPoint;
            for (int i = 0; i < parts.Length; i++)
            {
                // Every ancestor must delegate the controllers to its children ("no internal processes" rule:
                // that is also why a relative cgroupsPath hangs under the parent of our own cgroup).
                if (controllers.Count > 0) EnableControllers(current, enable, controllers);
                current = current + "/" + parts[i];
                if (CgroupFile.MkdirIfMissing(current)) created.Add(current);
            }
        }
        catch
        {
            for (int i = created.Count - 1; i >= 0; i--) Rmdir(created[i]);
            throw;
        }
    }

    private void EnableControllers(string dir, string all, List<string> controllers)
    {
        try { CgroupFile.Write(dir, "cgroup.subtree_control", all); }
        catch (SyscallException)
        {
            // One at a time: some may be unavailable (rootless, threaded); their resources fail later with a clear message.
            foreach (string c in controllers)
            {
                try { CgroupFile.Write(dir, "cgroup.subtree_control", "+" + c); }
                catch (SyscallException) { }
            }
        }
    }

    public void AddProcess(int pid)
    {
        try { CgroupFile.Write(_dir, "cgroup.procs", pid.ToString()); }
        catch (SyscallException e) when (_rootless && e.Errno is Errno.EACCES or Errno.EPERM) { }
    }

    public void Apply(LinuxResources r)
    {
        var available = (CgroupFile.TryRead(_dir, "cgroup.controllers") ?? "")
            .Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        V2Resources.Apply(_dir, r, available);
        if (r.Devices != null) ApplyDevices(r.Devices.ConvertAll(DeviceRule.FromOci));
    }

    public void ApplyDevices(IReadOnlyList<DeviceRule> rules)
    {
        var program = DeviceFilterProgram.Build(rules);
        try
        {
            using SafeFd dir = SafeFd.Open(_dir, O_RDONLY | O_DIRECTORY);
            using SafeFd prog = BpfDeviceFilter.Load(program);
            BpfDeviceFilter.AttachReplacing(dir, prog);
        }
        catch (SyscallException) when (_rootless)
        {
            // Rootless: device access is already limited by the user namespace; runc ignores this failure too.
        }
    }

    public bool Exists() => Directory.Exists(_dir);

    public IReadOnlyList<int> GetPids() => CgroupTree.GetPidsRecursive(_dir);

    public void Freeze() => V2Freezer.Set(_dir, true);
    public void Thaw() => V2Freezer.Set(_dir, false);
    public FreezerState GetFreezerState() => V2Freezer.State(_dir);

    public void Signal(int signal)
    {
        if (signal == SIGKILL && CgroupFile.Exists(_dir, "cgroup.kill"))
        {
            CgroupFile.Write(_dir, "cgroup.kill", "1");
            return;
        }
        bool freeze = CgroupFile.Exists(_dir, "cgroup.freeze") && GetFreezerState() != FreezerState.Frozen;
        if (freeze) Freeze();
        try
        {
            foreach (int pid in GetPids())
                if (Kill(pid, signal) != 0 && Errno.Last != Errno.ESRCH) throw SyscallException.Last("kill " + pid);
        }
        finally
        {
            if (freeze) Thaw();
        }
    }

    public void Destroy()
    {
        if (Exists() && GetPids().Count > 0)
        {
            Signal(SIGKILL);
            for (int i = 0; i < 100 && GetPids().Count > 0; i++) Thread.Sleep(10);
        }
        CgroupTree.Remove(_dir);
    }

    public CgroupStats GetStats() => V2StatsReader.Read(_dir, _hugePageSizes ??= StatsParsing.HugePageSizes());

    public CgroupJoin? OpenJoin() => CgroupJoin.Open(Paths);

    public OomMonitor? OpenOomMonitor() => CgroupFile.Exists(_dir, "memory.events") ? OomMonitor.OpenV2(_dir) : null;
}
