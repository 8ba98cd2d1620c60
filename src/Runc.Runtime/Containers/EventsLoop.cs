using System.Text.Encodings.Web;
using System.Text.Json;
using Runc.Cgroups;
using Runc.Cgroups.Stats;
using Runc.Linux;
using Runc.Runtime.Logging;
using Runc.Runtime.State;

namespace Runc.Runtime.Containers;

/// <summary>
/// <c>events</c> (runc@v1.1.5:events.go): one stats event, or a stream of stats every interval plus OOM events.
/// No threads: one loop polls the OOM eventfd (v1) and a pidfd of init, with the time to the next stats event as
/// the timeout. The stream ends when the init is gone or the cgroup was removed (runc 1.1 on v1 keeps printing
/// stats of a stopped container until its cgroup is deleted; ending at the stop is deliberate).
/// </summary>
public static class EventsLoop
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How often v2 (no OOM fd) re-reads memory.events between stats events.</summary>
    private const int V2OomCheckMs = 250;

    /// <summary>Runs the command; each event is handed to <paramref name="write"/> as one newline-terminated JSON line.</summary>
    public static unsafe void Run(ContainerStore store, string id, TimeSpan interval, bool once, Action<string> write)
    {
        var state = store.Load(id);
        if (interval <= TimeSpan.Zero) throw new RuncException("duration interval must be greater than 0");
        if (StatusProbe.Of(store, state) == Status.Stopped) throw new RuncException($"container with id {id} is not running");
        if (state.CgroupPaths is not { Count: > 0 } paths) throw new RuncException($"container with id {id} has no cgroup");
        var cg = CgroupManager.Load(paths, state.Rootless);

        if (once)
        {
            write(StatsEvent(id, cg.GetStats()));
            return;
        }

        using OomMonitor? oom = cg.OpenOomMonitor();
        int rawPidfd = Interop.Libc.PidfdOpen(state.InitPid);
        using SafeFd? pidfd = rawPidfd >= 0 ? new SafeFd(rawPidfd) : null;
        // The pidfd was opened after the status check: make sure it is still the same process (no pid reuse).
        if (pidfd == null || !ProcStat.IsAlive(state.InitPid, state.InitStartTime)) return;

        PollFd* fds = stackalloc PollFd[2];
        int n = 0;
        fds[n++] = new PollFd { Fd = pidfd.Fd, Events = K.POLLIN };
        int oomIndex = -1;
        if (oom?.WaitFd is { } efd)
        {
            oomIndex = n;
            fds[n++] = new PollFd { Fd = efd.Fd, Events = K.POLLIN };
        }

        long intervalMs = Math.Max(1, (long)Math.Ceiling(interval.TotalMilliseconds));
        long next = Environment.TickCount64 + intervalMs;
        while (true)
        {
            long now = Environment.TickCount64;
            long wait = Math.Max(0, next - now);
            if (oom != null && oomIndex < 0) wait = Math.Min(wait, V2OomCheckMs);
            for (int i = 0; i < n; i++) fds[i].Revents = 0;
            int r = Interop.Libc.Poll(fds, (ulong)n, (int)Math.Min(wait, int.MaxValue));
            if (r < 0)
            {
                int e = Errno.Last;
                if (e == Errno.EINTR) continue;
                throw new SyscallException("poll", e);
            }

            // OOM first: the OOM that killed init must be reported before the stream ends.
            if (oom != null && (oomIndex < 0 || fds[oomIndex].Revents != 0) && ConsumeOom(oom, cg)) write(OomEvent(id));

            bool initGone = fds[0].Revents != 0 || !ProcStat.IsAlive(state.InitPid, state.InitStartTime);
            if (initGone || !cg.Exists())
            {
                if (oom != null && ConsumeOom(oom, cg)) write(OomEvent(id));
                return;
            }

            if (Environment.TickCount64 >= next)
            {
                try { write(StatsEvent(id, cg.GetStats())); }
                catch (Exception e) when (e is RuncException or IOException)
                {
                    if (!cg.Exists()) return;
                    Logger.Error(e.Message); // runc logs a failed stats read and goes on
                }
                next += intervalMs;
                // A stalled loop (stopped process, suspended VM) does not make up missed ticks (Go's ticker drops them).
                if (next <= Environment.TickCount64) next = Environment.TickCount64 + intervalMs;
            }
        }
    }

    /// <summary>A removed v1 cgroup also signals the eventfd; a gone memory.events reads as "no OOM".</summary>
    private static bool ConsumeOom(OomMonitor oom, ICgroupManager cg)
    {
        try { return oom.Consume() && cg.Exists(); }
        catch (Exception e) when (e is RuncException or IOException) { return false; }
    }

    /// <summary><c>{"type":"stats","id":ID,"data":{...}}</c> and a newline (Go's json.Encoder).</summary>
    public static string StatsEvent(string id, CgroupStats stats)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", "stats");
            w.WriteString("id", id);
            w.WritePropertyName("data");
            StatsJson.Write(w, stats);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary><c>{"type":"oom","id":ID}</c> and a newline (data is omitempty in runc's Event).</summary>
    public static string OomEvent(string id)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", "oom");
            w.WriteString("id", id);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
