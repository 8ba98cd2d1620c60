using Runc.Cgroups.Fs;
using Runc.Linux;
using static Runc.Linux.Interop.Libc;

namespace Runc.Cgroups;

/// <summary>
/// Tells <c>events</c> when the container hit OOM. v1: an eventfd registered on memory.oom_control through
/// cgroup.event_control (poll <see cref="WaitFd"/>); v2: the oom_kill counter of memory.events, compared
/// between calls (no fd; the caller checks once per interval).
/// </summary>
public sealed class OomMonitor : IDisposable
{
    private readonly SafeFd? _eventFd;
    private readonly string? _v2Dir;
    private ulong _lastOomKills;

    private OomMonitor(SafeFd? eventFd, string? v2Dir)
    {
        _eventFd = eventFd;
        _v2Dir = v2Dir;
        if (v2Dir != null) _lastOomKills = ReadV2OomKills(v2Dir);
    }

    /// <summary>The eventfd to poll for readability (v1), or null (v2).</summary>
    public SafeFd? WaitFd => _eventFd;

    /// <summary>v1: eventfd + "efd oomfd" written to cgroup.event_control (the kernel keeps its own reference to
    /// oom_control's file, so we close our fd right away).</summary>
    public static OomMonitor OpenV1(string memoryDir)
    {
        int efd = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0) throw SyscallException.Last("eventfd");
        var eventFd = new SafeFd(efd);
        try
        {
            using SafeFd oomControl = SafeFd.Open(CgroupFile.Join(memoryDir, "memory.oom_control"), O_RDONLY);
            CgroupFile.Write(memoryDir, "cgroup.event_control", efd + " " + oomControl.Fd);
            return new OomMonitor(eventFd, null);
        }
        catch
        {
            eventFd.Dispose();
            throw;
        }
    }

    public static OomMonitor OpenV2(string dir) => new(null, dir);

    /// <summary>True when an OOM happened since the last call (v1 drains the eventfd; v2 compares counters).</summary>
    public bool Consume()
    {
        if (_eventFd != null)
        {
            ulong value = 0;
            nint n;
            unsafe { n = Read(_eventFd.Fd, (byte*)&value, 8); }
            return n == 8 && value > 0;
        }
        ulong now = ReadV2OomKills(_v2Dir!);
        bool happened = now > _lastOomKills;
        _lastOomKills = now;
        return happened;
    }

    /// <summary>memory.events "oom_kill" (runc counts oom_kill; "oom" also counts allocation failures).</summary>
    public static ulong ReadV2OomKills(string dir) =>
        CgroupFile.ReadKeyValues(dir, "memory.events").TryGetValue("oom_kill", out ulong v) ? v : 0;

    public void Dispose() => _eventFd?.Dispose();
}
