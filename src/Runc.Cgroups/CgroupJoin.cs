using Runc.Linux;
using Runc.Oci;
using static Runc.Linux.Interop.Libc;

namespace Runc.Cgroups;

/// <summary>
/// How a new process enters a container's cgroups by itself, so that nobody writes its pid into cgroup.procs.
/// Writing a pid into any cgroup.procs takes the kernel's global cgroup_threadgroup_rwsem for writing, and that
/// waits for an RCU grace period (~8-20 ms here, most of a container start) whenever no other migration ran in the
/// last few milliseconds. Two ways around it, both the process's own and both without the global lock:
/// <list type="bullet">
/// <item>cgroup2 (pure or the hybrid unified tree): clone3(CLONE_INTO_CGROUP) with <see cref="IntoCgroup2"/>.</item>
/// <item>v1 hierarchies: the child writes "0" into each hierarchy's <c>tasks</c> file, fds opened here (the kernel
///   checks the opener's credentials, so the child's namespaces do not matter). A single thread moving itself needs no
///   threadgroup lock; the spawn child is single-threaded.</item>
/// </list>
/// </summary>
public sealed class CgroupJoin : IDisposable
{
    private readonly List<(SafeFd Fd, string Dir)> _tasks = [];

    /// <summary>The cgroup2 directory for CLONE_INTO_CGROUP, or null.</summary>
    public SafeFd? IntoCgroup2 { get; private set; }

    /// <summary>One write-only <c>tasks</c> fd per v1 hierarchy directory, with that directory for error messages.</summary>
    public IReadOnlyList<(SafeFd Fd, string Dir)> V1Tasks => _tasks;

    /// <summary>Opens everything a child needs to join <paramref name="paths"/> (controller → directory, "" = the
    /// cgroup2 directory), as saved in the container state. Co-mounted controllers share one directory.</summary>
    public static CgroupJoin Open(IReadOnlyDictionary<string, string> paths)
    {
        var join = new CgroupJoin();
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (controller, dir) in paths)
            {
                if (!seen.Add(dir)) continue;
                if (controller.Length == 0)
                {
                    // O_RDONLY, not O_PATH: clone3 takes either, and the v2 device program's bpf attach needs a real fd.
                    join.IntoCgroup2 = OpenOrExplain(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, dir);
                    continue;
                }
                string tasks = Fs.CgroupFile.Join(dir, "tasks");
                join._tasks.Add((OpenOrExplain(tasks, O_WRONLY | O_CLOEXEC, tasks), dir));
            }
            return join;
        }
        catch
        {
            join.Dispose();
            throw;
        }
    }

    private static SafeFd OpenOrExplain(string path, int flags, string shown)
    {
        try { return SafeFd.Open(path, flags); }
        catch (SyscallException e) { throw new RuncException($"open \"{shown}\": {Errno.Message(e.Errno)}"); }
    }

    public void Dispose()
    {
        IntoCgroup2?.Dispose();
        IntoCgroup2 = null;
        foreach (var (fd, _) in _tasks) fd.Dispose();
        _tasks.Clear();
    }
}
