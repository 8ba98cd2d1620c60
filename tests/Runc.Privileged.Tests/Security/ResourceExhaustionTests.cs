using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// Issue 8 §12, resource exhaustion: a fork bomb against the pids limit and fd exhaustion inside the container, a full
/// disk under the state dir (a tiny tmpfs as --root), a full disk for the pid file, and a host without /run. Clear
/// errors, rc 1, nothing half-written: state.json and the state dir's config.json are never truncated, and no
/// temporary file, state dir, cgroup or process is left.
/// </summary>
[Collection(PrivilegedCollection.Name)]
public sealed class ResourceExhaustionTests(ITestOutputHelper output) : IDisposable
{
    readonly TestScope _s = new(output);
    readonly List<string> _mounts = [];

    public void Dispose()
    {
        _s.Dispose(); // deletes the containers first (their state lives on the tmpfs)
        foreach (var m in Enumerable.Reverse(_mounts)) Subprocess.Run("/tmp", ["/bin/umount", "-l", m]);
    }

    /// <summary>A tmpfs of <paramref name="size"/> at a new scope dir, unmounted at dispose.</summary>
    string SmallTmpfs(string tag, string size)
    {
        var d = _s.NewDir(tag);
        Check.Ok(Subprocess.Run(_s.IoDir, ["/bin/mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "nrunc-test", d]));
        _mounts.Add(d);
        return d;
    }

    /// <summary>Fills the filesystem of <paramref name="dir"/> to the last block (dd stops at ENOSPC).</summary>
    void Fill(string dir)
    {
        var r = Subprocess.Run(_s.IoDir, ["/bin/dd", "if=/dev/zero", $"of={Path.Combine(dir, "fill")}", "bs=4096"]);
        Assert.Contains("No space left on device", r.Stderr);
    }

    void Unfill(string dir) => File.Delete(Path.Combine(dir, "fill"));

    [PrivilegedFact]
    public void PidsLimit_ForkBombInside_IsContained_AndDeleteForceLeavesNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        b.Edit(c => c["linux"]!["resources"] = new JsonObject { ["pids"] = new JsonObject { ["limit"] = 16 } });
        var id = _s.NewId("pids");
        Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, id));
        var pid = SecurityKit.Pid(rt, id);
        // The bomb is a detached exec, so the init (sleep) is not the shell that meets the refused forks.
        Check.Ok(rt.Run("exec", "-d", id, "sh", "-c", "i=0; while [ $i -lt 200 ]; do sleep 1000 & i=$((i+1)); done 2>/dev/shm/fork.err; sleep 1000"));
        // The bomb hit the limit: the shell saw forks refused, and at most 16 tasks are in the container.
        var errFile = $"/proc/{pid}/root/dev/shm/fork.err"; // the rootfs is read-only; /dev/shm is the container's tmpfs
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && !(File.Exists(errFile) && File.ReadAllText(errFile).Contains("fork", StringComparison.OrdinalIgnoreCase)))
            Thread.Sleep(200);
        Assert.Contains("fork", File.ReadAllText(errFile), StringComparison.OrdinalIgnoreCase);
        var procs = Leftovers.Cgroups(id).Select(g => Path.Combine(g, "cgroup.procs")).Where(File.Exists)
            .Select(f => File.ReadAllLines(f).Length).DefaultIfEmpty(0).Max();
        Assert.InRange(procs, 1, 16);
        Assert.True(Directory.Exists($"/proc/{pid}"));
        // An exec into the full container cannot get a pid there: a clear error, not a hang or a crash.
        var ex = rt.Run("exec", id, "true");
        _s.Log(ex.Describe());
        if (ex.ExitCode != 0) Assert.Contains("level=error", ex.Stderr);
        Assert.DoesNotContain("Exception", ex.Stderr);
        Check.Ok(rt.Run("delete", "-f", id));
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "fork bomb + delete -f");
    }

    /// <summary>RLIMIT_NOFILE 16 in the config: a process that opens fds until EMFILE fails inside the container (the
    /// shell's own "Too many open files", its exit status passed through), the container lives on, a second exec (same
    /// limit) still works, and delete -f leaves nothing.</summary>
    [PrivilegedFact]
    public void FdExhaustionInside_FailsInTheContainerOnly()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        b.Edit(c => c["process"]!["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = 16, ["soft"] = 16 }));
        var id = _s.NewId("fds");
        Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, id));
        var r = rt.Run("exec", id, "sh", "-c", "i=3; while [ $i -lt 40 ]; do eval \"exec $i</dev/null\"; i=$((i+1)); done; echo NOT-REACHED");
        _s.Log(r.Describe());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Too many open files", r.Stderr);
        Assert.DoesNotContain("NOT-REACHED", r.Stdout);
        Assert.DoesNotContain("level=error", r.Stderr); // the failure is the container's, not the runtime's
        var again = rt.Run("exec", id, "sh", "-c", "ulimit -n; echo alive");
        Check.Ok(again);
        Assert.Equal("16\nalive\n", again.Stdout);
        Assert.Equal("running", rt.Status(id));
        Check.Ok(rt.Run("delete", "-f", id));
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "fd exhaustion");
    }

    /// <summary>--root on a full tmpfs: create fails with ENOSPC's words, rc 1, and leaves no state dir (nor a temp
    /// file, a cgroup or a process).</summary>
    [PrivilegedFact]
    public void FullDiskForTheStateDir_CreateFailsCleanly()
    {
        var fs = SmallTmpfs("fullroot", "64k");
        var rt = _s.Runtime(Path.Combine(fs, "state"));
        Directory.CreateDirectory(rt.Root); // while there is room
        Fill(fs);
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("full");
        var r = rt.Run("create", "--bundle", b.Dir, id);
        Check.Rc(1, r, "create with a full state dir");
        Assert.Contains("no space left on device", r.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(rt.Root));
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "create on a full disk");
    }

    /// <summary>A created container, then the disk fills: `update` (which rewrites the state dir's config.json) fails
    /// cleanly or succeeds, but state.json and config.json stay whole and no temporary file stays behind; after room
    /// is made, the container still starts and delete --force leaves nothing.</summary>
    [PrivilegedFact]
    public void FullDiskAfterCreate_StateIsNeverTruncated()
    {
        var fs = SmallTmpfs("fullafter", "256k");
        var rt = _s.Runtime(Path.Combine(fs, "state"));
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("full");
        Check.Ok(rt.Run("create", "--bundle", b.Dir, id));
        var dir = Path.Combine(rt.Root, id);
        var before = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order().ToList();
        var stateBefore = File.ReadAllText(Path.Combine(dir, "state.json"));
        Fill(fs);
        var u = rt.Run("update", "--pids-limit", "77", id);
        _s.Log(u.Describe());
        if (u.ExitCode != 0) Assert.Contains("no space left on device", u.Stderr);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order().ToList());
        Assert.Equal(stateBefore, File.ReadAllText(Path.Combine(dir, "state.json")));
        if (before.Contains("config.json")) JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))); // whole (runc keeps no copy)
        Assert.Equal("created", rt.Status(id));
        Unfill(fs);
        Check.Ok(rt.Run("start", id));
        Check.Ok(rt.Run("delete", "-f", id));
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "full disk after create");
    }

    /// <summary>--pid-file on a full filesystem: create fails (rc 1, ENOSPC's words) and undoes itself; no half
    /// written pid file and no temporary file are left.</summary>
    [PrivilegedFact]
    public void FullDiskForThePidFile_CreateFailsCleanly()
    {
        var fs = SmallTmpfs("fullpid", "64k");
        Fill(fs);
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("full");
        var r = rt.Run("create", "--pid-file", Path.Combine(fs, "pid"), "--bundle", b.Dir, id);
        Check.Rc(1, r, "create with a full pid-file filesystem");
        Assert.Contains("no space left on device", r.Stderr);
        Assert.Equal(["fill"], Directory.EnumerateFileSystemEntries(fs).Select(Path.GetFileName).ToList());
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "create with a full pid-file filesystem");
    }

    /// <summary>
    /// No /run at all (a private mount namespace whose root is a tmpfs holding binds of /usr, /etc, /proc, /sys, /dev,
    /// /tmp and the lib dirs, and nothing else): create, state and delete with the default root work there, or fail
    /// with a clear error; nothing is left either way.
    /// </summary>
    [PrivilegedFact]
    public void MissingRun_DefaultRootIsMadeOrRefusedClearly()
    {
        var bin = Path.Combine(_s.NewDir("bin"), "runtime-copy");
        File.Copy(Env.RuntimeBin!, bin);
        File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
        var newRoot = _s.NewDir("newroot");
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("norun");
        var script = $$"""
            set -e
            mount -t tmpfs nrunc-norun '{{newRoot}}'
            for d in bin sbin lib lib32 lib64 libx32 usr etc proc sys dev tmp; do
              [ -e "/$d" ] || continue
              if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" '{{newRoot}}'/"$d"; else mkdir '{{newRoot}}'/"$d"; mount --rbind "/$d" '{{newRoot}}'/"$d"; fi
            done
            exec chroot '{{newRoot}}' /bin/sh -c '
              [ ! -e /run ] && echo NO-RUN
              "$0" create --bundle "$1" "$2"; echo "create=$?"
              "$0" state "$2" >/dev/null; echo "state=$?"
              "$0" delete -f "$2"; echo "delete=$?"
              ls -A /run/nrunc 2>/dev/null | wc -l | sed "s/^/left=/"
            ' '{{bin}}' '{{b.Dir}}' '{{id}}'
            """;
        var r = Subprocess.Run(_s.IoDir, ["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script], timeout: TimeSpan.FromSeconds(60));
        _s.Log(r.Describe());
        Assert.Contains("NO-RUN", r.Stdout);
        if (r.Stdout.Contains("create=0"))
        {
            Assert.Contains("state=0", r.Stdout);
            Assert.Contains("delete=0", r.Stdout);
            Assert.Contains("left=0", r.Stdout);
        }
        else
        {
            Assert.Contains("create=1", r.Stdout);
            Assert.Contains("level=error", r.Stderr);
        }
        Check.NoLeftovers(Leftovers.Eventually(() => Leftovers.For(newRoot, id)), "missing /run");
        Assert.Empty(TempDirs.MountsUnder(newRoot));
    }
}
