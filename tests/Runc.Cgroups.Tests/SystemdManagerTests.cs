using Runc.Cgroups.Systemd;
using Runc.Cgroups.V1;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// <see cref="SystemdV1Manager"/> against a recording bus and a fake v1 tree in a temp dir: the order of runc's
/// legacyManager (unit first, with the pid; join the other hierarchies; SetUnitProperties frozen; files), what a
/// failure leaves to stop, and update's freeze decision. (The D-Bus wire itself is checked against runc in
/// tests/Runc.Privileged.Tests/SystemdDriverTests.cs.)
/// </summary>
public sealed class SystemdManagerTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("nrunc-sdmgr-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    sealed class RecordingBus(Func<string> freezerState) : ISystemdBus
    {
        public readonly List<string> Calls = [];
        public Exception? StartFails;
        public string DevicePolicy = "strict";
        public void StartUnit(string unit, IReadOnlyList<SystemdProperty> props)
        {
            Calls.Add("start " + unit + " " + string.Join(",", props.Select(p => p.Name)) + " pids=" +
                string.Join(",", props.Where(p => p.Name == "PIDs").SelectMany(p => (uint[])p.Value)));
            if (StartFails != null) throw StartFails;
        }
        public void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> props) =>
            Calls.Add("set " + unit + " " + string.Join(",", props.Select(p => p.Name)) + " while " + freezerState());
        public void StopUnit(string unit) => Calls.Add("stop " + unit);
        public void ResetFailedUnit(string unit) => Calls.Add("reset " + unit);
        public string GetUnitTypeProperty(string unit, string unitType, string name)
        {
            Calls.Add("get " + unitType + "." + name);
            return name == "DevicePolicy" ? DevicePolicy : "0";
        }
        public int Version() { Calls.Add("version"); return 252; }
    }

    static readonly string[] Controllers = ["devices", "pids", "freezer", "cpu", "name=systemd", ""];

    /// <summary>A fake cgroupfs directory: the kernel makes its files, CgroupFile never creates one.</summary>
    static void Fake(string dir, params string[] files)
    {
        Directory.CreateDirectory(dir);
        foreach (string f in files) File.WriteAllText(Path.Combine(dir, f), f == "freezer.state" ? "THAWED" : "");
    }

    Dictionary<string, string> Paths(string scope) =>
        Controllers.ToDictionary(c => c, c => Path.Combine(_root, c.Length == 0 ? "unified" : c, "test.slice", scope));

    string FreezerState(Dictionary<string, string> paths)
    {
        string f = Path.Combine(paths["freezer"], "freezer.state");
        return File.Exists(f) ? File.ReadAllText(f).Trim() : "(none)";
    }

    [Fact]
    public void Create_starts_the_unit_with_the_pid_then_joins_then_sets_frozen()
    {
        var name = SystemdUnitName.Parse("test.slice:pfx:c1", "id");
        var paths = Paths(name.UnitName);
        Fake(paths["freezer"], "freezer.state", "cgroup.procs");
        Fake(paths["devices"], "cgroup.procs");
        Fake(paths["pids"], "cgroup.procs", "pids.max");
        Fake(paths["cpu"], "cgroup.procs");
        var bus = new RecordingBus(() => FreezerState(paths));
        var m = new SystemdV1Manager(new V1Manager(paths, new Dictionary<string, string>(), false, []), name, bus, _ => { });

        m.Create();
        m.Apply(new LinuxResources { Pids = new LinuxPids { Limit = 10 } });
        Assert.Empty(bus.Calls); // nothing exists before the init's pid is known
        m.AddProcess(4242);

        Assert.Equal([
            "start pfx-c1.scope Description,Slice,Delegate,PIDs,MemoryAccounting,CPUAccounting,BlockIOAccounting,TasksAccounting,DefaultDependencies pids=4242",
            "set pfx-c1.scope TasksMax while FROZEN",
        ], bus.Calls);
        Assert.Equal("THAWED", FreezerState(paths));
        Assert.Equal("10", File.ReadAllText(Path.Combine(paths["pids"], "pids.max")).Trim());
        // Joined where systemd does not place the process itself; name=systemd and the unified tree are systemd's.
        Assert.Equal("4242", File.ReadAllText(Path.Combine(paths["devices"], "cgroup.procs")).Trim());
        Assert.False(Directory.Exists(paths["name=systemd"]));
        Assert.False(Directory.Exists(paths[""]));
        // Never Destroy this one: its cgroup.procs name a pid that is not ours.
        File.WriteAllText(Path.Combine(paths["devices"], "cgroup.procs"), "");
    }

    [Fact]
    public void An_unreachable_bus_leaves_no_unit_to_stop_but_a_failed_start_does()
    {
        var name = SystemdUnitName.Parse("test.slice:pfx:c2", "id");
        var paths = Paths(name.UnitName);
        var bus = new RecordingBus(() => "(none)") { StartFails = new SystemdUnreachableException("failed to connect to dbus") };
        var m = new SystemdV1Manager(new V1Manager(paths, new Dictionary<string, string>(), false, []), name, bus, _ => { });
        Assert.StartsWith("unable to apply cgroup configuration: failed to connect to dbus", Assert.Throws<RuncException>(() => m.AddProcess(4242)).Message);
        m.Destroy();
        Assert.DoesNotContain(bus.Calls, c => c.StartsWith("stop", StringComparison.Ordinal));

        var bus2 = new RecordingBus(() => "(none)") { StartFails = new RuncException("error creating systemd unit `pfx-c2.scope`: got `failed`") };
        var m2 = new SystemdV1Manager(new V1Manager(paths, new Dictionary<string, string>(), false, []), name, bus2, _ => { });
        Assert.Throws<RuncException>(() => m2.AddProcess(4242));
        m2.Destroy();
        Assert.Equal("stop pfx-c2.scope", bus2.Calls[^1]);
        Assert.False(Directory.Exists(paths["pids"]));
    }

    [Theory]
    [InlineData("strict", "FROZEN")]
    [InlineData("auto", "THAWED")]
    public void Update_sends_no_devices_and_freezes_unless_the_unit_allows_every_device(string policy, string whileSetting)
    {
        var paths = Paths("pfx-c3.scope");
        Fake(paths["freezer"], "freezer.state");
        Fake(paths["pids"], "pids.max");
        Fake(paths["cpu"], "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares");
        var bus = new RecordingBus(() => FreezerState(paths)) { DevicePolicy = policy };
        var m = new SystemdV1Manager(new V1Manager(paths, new Dictionary<string, string>(), false, []),
            SystemdV1Manager.UnitNameFromPaths(paths), bus, _ => { });
        Assert.Equal("pfx-c3.scope", m.UnitName);
        m.Update(new LinuxResources { Pids = new LinuxPids { Limit = 7 }, Cpu = new LinuxCpu { Quota = 20000, Period = 100000 } });
        var expected = new List<string> { "version", "get Scope.DevicePolicy" };
        if (policy == "auto") expected.Add("get Scope.DeviceAllow");
        expected.Add("set pfx-c3.scope CPUQuotaPeriodUSec,CPUQuotaPerSecUSec,TasksMax while " + whileSetting);
        Assert.Equal(expected, bus.Calls);
        Assert.Equal("7", File.ReadAllText(Path.Combine(paths["pids"], "pids.max")).Trim());
    }
}
