using Runc.Linux;

namespace Runc.Cgroups.Fs;

/// <summary>Walks and removes a cgroup directory and its sub-cgroups.</summary>
public static class CgroupTree
{
    /// <summary>Pids from cgroup.procs of dir and every sub-cgroup (dirs that vanish meanwhile are skipped).</summary>
    public static List<int> GetPidsRecursive(string dir)
    {
        var pids = new List<int>();
        if (!Directory.Exists(dir)) return pids;
        var stack = new Stack<string>();
        stack.Push(dir);
        while (stack.Count > 0)
        {
            string d = stack.Pop();
            string? procs = CgroupFile.TryRead(d, "cgroup.procs");
            if (procs != null)
                foreach (string line in procs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    if (int.TryParse(line, out int pid)) pids.Add(pid);
            try { foreach (string sub in Directory.GetDirectories(d)) stack.Push(sub); }
            catch (DirectoryNotFoundException) { }
        }
        pids.Sort();
        return pids;
    }

    /// <summary>
    /// rmdir dir after its sub-cgroups, deepest first. EBUSY (tasks still exiting) is retried with a growing
    /// pause, as runc does; a missing directory is success.
    /// </summary>
    public static void Remove(string dir, int attempts = 6)
    {
        if (!Directory.Exists(dir)) return;
        string[] subs;
        try { subs = Directory.GetDirectories(dir); } catch (DirectoryNotFoundException) { return; }
        foreach (string sub in subs) Remove(sub, attempts);
        int delayMs = 10;
        for (int i = 0; ; i++)
        {
            if (Interop.Libc.Rmdir(dir) == 0) return;
            int errno = Errno.Last;
            if (errno == Errno.ENOENT) return;
            if (errno != Errno.EBUSY || i + 1 >= attempts) throw new SyscallException("rmdir \"" + dir + "\"", errno);
            Thread.Sleep(delayMs);
            delayMs *= 2;
        }
    }
}
