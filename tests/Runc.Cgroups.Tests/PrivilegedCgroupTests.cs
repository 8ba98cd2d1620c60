using System.Diagnostics;
using Process = System.Diagnostics.Process;
using Runc.Cgroups.Devices;
using Runc.Cgroups.Devices.Ebpf;
using Runc.Cgroups.Fs;
using Runc.Cgroups.Layout;
using Runc.Linux;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>Real cgroups on this host. Every directory is named nrunc-test-*, and removed.</summary>
[Collection("real cgroups")]
public class PrivilegedCgroupTests
{
    private static string UniqueName() => "nrunc-test-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];

    private static Process StartSleep() =>
        Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;

    [RootFact]
    public void V1_lifecycle_resources_freeze_kill_destroy()
    {
        RootFactAttribute.AssertRoot();
        var layout = CgroupLayout.Detect();
        if (layout.Mode == CgroupMode.Unified) return; // covered by the fake-tree tests on pure v2 hosts
        var m = CgroupManager.Create(null, "/" + UniqueName(), "x", false, false, layout);
        Process? sleep = null;
        try
        {
            m.Create();
            Assert.True(m.Exists());
            m.Apply(new LinuxResources
            {
                Memory = new LinuxMemory { Limit = 64 << 20, Reservation = 32 << 20 },
                Cpu = new LinuxCpu { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0", Mems = "0" },
                Pids = new LinuxPids { Limit = 64 },
            });
            m.ApplyDevices(DefaultDevices.ForContainer([new DeviceRule('a', -1, -1, "rwm", false)]));
            Assert.Equal("67108864", CgroupFile.Read(m.Paths["memory"], "memory.limit_in_bytes").Trim());
            Assert.Equal("512", CgroupFile.Read(m.Paths["cpu"], "cpu.shares").Trim());
            Assert.Equal("50000", CgroupFile.Read(m.Paths["cpu"], "cpu.cfs_quota_us").Trim());
            Assert.Equal("64", CgroupFile.Read(m.Paths["pids"], "pids.max").Trim());
            Assert.Equal("0", CgroupFile.Read(m.Paths["cpuset"], "cpuset.cpus").Trim());
            Assert.Contains("c 1:3 rwm", CgroupFile.Read(m.Paths["devices"], "devices.list"));
            Assert.DoesNotContain("a *:* rwm", CgroupFile.Read(m.Paths["devices"], "devices.list"));

            // Raise memory and swap together: memsw must be written first.
            if (CgroupFile.Exists(m.Paths["memory"], "memory.memsw.limit_in_bytes"))
            {
                m.Apply(new LinuxResources { Memory = new LinuxMemory { Limit = 128 << 20, Swap = 256 << 20 } });
                Assert.Equal((256 << 20).ToString(), CgroupFile.Read(m.Paths["memory"], "memory.memsw.limit_in_bytes").Trim());
            }

            sleep = StartSleep();
            m.AddProcess(sleep.Id);
            Assert.Contains(sleep.Id, m.GetPids());
            Assert.Equal(1UL, m.GetStats().Pids.Current);

            m.Freeze();
            Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
            m.Thaw();
            Assert.Equal(FreezerState.Thawed, m.GetFreezerState());

            m.Signal(Interop.Libc.SIGKILL);
            Assert.True(sleep.WaitForExit(5000));
            m.Destroy();
            Assert.False(m.Exists());
        }
        finally
        {
            if (sleep is { HasExited: false }) sleep.Kill();
            sleep?.WaitForExit();
            try { m.Destroy(); } catch (RuncException) { }
        }
    }

    [RootFact]
    public void Destroy_kills_what_is_left_and_Load_rebuilds_from_saved_paths()
    {
        RootFactAttribute.AssertRoot();
        var m = CgroupManager.Create(null, "/" + UniqueName(), "x", false, false, CgroupLayout.Detect());
        var sleep = StartSleep();
        try
        {
            m.Create();
            m.AddProcess(sleep.Id);
            var loaded = CgroupManager.Load(m.Paths);
            Assert.Equal(m.Mode, loaded.Mode);
            Assert.Equal([sleep.Id], loaded.GetPids());
            loaded.Destroy();
            Assert.True(sleep.WaitForExit(5000));
            Assert.False(m.Exists());
        }
        finally
        {
            if (!sleep.HasExited) sleep.Kill();
            sleep.WaitForExit();
            try { m.Destroy(); } catch (RuncException) { }
        }
    }

    [RootFact]
    public void Ebpf_device_filter_loads_attaches_replaces_and_denies()
    {
        RootFactAttribute.AssertRoot();
        var layout = CgroupLayout.Detect();
        Assert.NotNull(layout.Unified);
        string dir = CgroupPathRules.Join(layout.Unified!.MountPoint, UniqueName());
        CgroupFile.MkdirIfMissing(dir);
        Process? sh = null;
        try
        {
            using (var dirFd = SafeFd.Open(dir, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY))
            {
                // Allow everything but reading /dev/null (1:3), twice: the second replaces the first.
                var rules = new List<DeviceRule> { new('a', -1, -1, "rwm", true), new('c', 1, 3, "r", false) };
                for (int i = 0; i < 2; i++)
                {
                    using var prog = BpfDeviceFilter.Load(DeviceFilterProgram.Build(rules));
                    BpfDeviceFilter.AttachReplacing(dirFd, prog);
                    Assert.Single(BpfDeviceFilter.Query(dirFd));
                }
            }
            // A shell that waits until it has been moved into the cgroup, then tries the open.
            string flag = Path.Combine(Path.GetTempPath(), UniqueName());
            var psi = new ProcessStartInfo("/bin/sh", ["-c", "while [ ! -e " + flag + " ]; do sleep 0.05; done; " +
                "cat /dev/null && echo READ-OK || echo READ-DENIED; echo x > /dev/null && echo WRITE-OK"])
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            sh = Process.Start(psi)!;
            CgroupFile.Write(dir, "cgroup.procs", sh.Id.ToString());
            File.WriteAllText(flag, "");
            string output = sh.StandardOutput.ReadToEnd();
            sh.WaitForExit();
            File.Delete(flag);
            Assert.Contains("READ-DENIED", output);
            Assert.Contains("WRITE-OK", output);
        }
        finally
        {
            if (sh is { HasExited: false }) sh.Kill();
            sh?.WaitForExit();
            CgroupTree.Remove(dir); // attached programs go away with the cgroup
        }
    }

    [RootFact]
    public void Hybrid_or_v2_cgroup_kill_and_freeze_on_the_unified_tree()
    {
        RootFactAttribute.AssertRoot();
        var layout = CgroupLayout.Detect();
        Assert.NotNull(layout.Unified);
        string dir = CgroupPathRules.Join(layout.Unified!.MountPoint, UniqueName());
        var m = new V2.V2Manager(dir, layout.Unified.MountPoint, rootless: false, hugePageSizes: []);
        var sleep = StartSleep();
        try
        {
            CgroupFile.MkdirIfMissing(dir);
            m.AddProcess(sleep.Id);
            m.Freeze();
            Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
            m.Thaw();
            Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
            m.Signal(Interop.Libc.SIGKILL); // cgroup.kill
            Assert.True(sleep.WaitForExit(5000));
            m.Destroy();
            Assert.False(Directory.Exists(dir));
        }
        finally
        {
            if (!sleep.HasExited) sleep.Kill();
            sleep.WaitForExit();
            CgroupTree.Remove(dir);
        }
    }

    [RootFact]
    public void V1_oom_eventfd_registers()
    {
        RootFactAttribute.AssertRoot();
        var layout = CgroupLayout.Detect();
        if (!layout.V1Mounts.ContainsKey("memory")) return;
        var m = CgroupManager.Create(null, "/" + UniqueName(), "x", false, false, layout);
        try
        {
            m.Create();
            using var oom = m.OpenOomMonitor();
            Assert.NotNull(oom?.WaitFd);
            Assert.False(oom!.Consume());
        }
        finally { m.Destroy(); }
    }

    /// <summary>Runs last by name order within the collection is not guaranteed; it checks only our own pid's leftovers.</summary>
    [RootFact]
    public void Z_nothing_named_nrunc_test_of_this_process_remains()
    {
        RootFactAttribute.AssertRoot();
        var layout = CgroupLayout.Detect();
        var roots = layout.V1Mounts.Values.Select(v => v.MountPoint).Distinct().ToList();
        if (layout.Unified != null) roots.Add(layout.Unified.MountPoint);
        string prefix = "nrunc-test-" + Environment.ProcessId + "-";
        foreach (string root in roots)
            Assert.DoesNotContain(Directory.GetDirectories(root), d => Path.GetFileName(d).StartsWith(prefix, StringComparison.Ordinal));
    }
}
