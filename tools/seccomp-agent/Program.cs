using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Runc.Seccomp.Tables;

namespace SeccompAgent;

/// <summary>
/// A small seccomp agent for tests and demos (runtime-spec config-linux.md, "Seccomp" → listenerPath). For each runtime
/// connection it takes the one message the runtime sends (ContainerProcessState JSON + the notify fd in SCM_RIGHTS),
/// records the JSON, and answers that listener's notifications on a thread of its own by the command-line rules.
/// </summary>
public static unsafe class Program
{
    static readonly object LogLock = new();

    public static int Main(string[] args)
    {
        Options o;
        try { o = Options.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.Write($"seccomp-agent: {e.Message}\n{Options.Usage}");
            return 2;
        }
        foreach (var name in o.Rules.Keys)
            if (!SyscallTables.All.Any(abi => abi.Lookup(name) >= 0))
            {
                Console.Error.Write($"seccomp-agent: unknown syscall \"{name}\"\n");
                return 2;
            }
        Directory.CreateDirectory(o.RecordDir);
        int listen;
        try { listen = Native.ListenUnix(o.Socket); }
        catch (IOException e)
        {
            Console.Error.Write($"seccomp-agent: {e.Message}\n");
            return 1;
        }
        // Listening now: say so on stdout and with DIR/ready (a file a test can wait for; the socket file exists from bind on).
        File.WriteAllText(Path.Combine(o.RecordDir, "ready"), "");
        Console.Out.Write("ready\n");
        Console.Out.Flush();

        for (int conn = 1; ; conn++)
        {
            int c = Native.Accept4(listen, null, null, Native.SOCK_CLOEXEC);
            if (c < 0)
            {
                if (Native.Errno == Native.EINTR) { conn--; continue; }
                Console.Error.Write($"seccomp-agent: accept: {Native.Message(Native.Errno)}\n");
                return 1;
            }
            try
            {
                var (json, fd) = ReceiveState(c);
                Record(o, conn, json);
                if (fd < 0) { Log(o, $"conn={conn} error=no-fd"); continue; }
                int n = conn;
                new Thread(() => Serve(o, n, fd)) { IsBackground = true, Name = "listener-" + n }.Start();
            }
            catch (IOException e) { Log(o, $"conn={conn} error={e.Message.Replace(' ', '_')}"); }
            finally { Native.Close(c); }
        }
    }

    /// <summary>
    /// The runtime's one message. runc sends it with a single sendmsg and may keep the connection open (its Go conn
    /// is only closed by the GC), so read until the bytes form one complete JSON document, not until EOF.
    /// </summary>
    static (byte[] Json, int Fd) ReceiveState(int sock)
    {
        var (data, fd) = Native.ReceiveWithFd(sock, 1 << 16);
        var all = new List<byte>(data);
        byte* buf = stackalloc byte[4096];
        while (!IsCompleteJson(all))
        {
            nint n = Native.Read(sock, buf, 4096);
            if (n < 0 && Native.Errno == Native.EINTR) continue;
            if (n <= 0) break;
            all.AddRange(new ReadOnlySpan<byte>(buf, (int)n).ToArray());
        }
        return (all.ToArray(), fd);
    }

    static bool IsCompleteJson(List<byte> bytes)
    {
        if (bytes.Count == 0) return false;
        try { using var _ = JsonDocument.Parse(bytes.ToArray()); return true; }
        catch (JsonException) { return false; }
    }

    static void Record(Options o, int conn, byte[] json)
    {
        string final = Path.Combine(o.RecordDir, $"state-{conn.ToString(CultureInfo.InvariantCulture)}.json");
        string tmp = final + ".tmp";
        File.WriteAllBytes(tmp, json);
        File.Move(tmp, final, overwrite: true); // readers see all of it or nothing
        Log(o, $"conn={conn} state={Path.GetFileName(final)}");
    }

    static void Log(Options o, string line)
    {
        lock (LogLock) File.AppendAllText(Path.Combine(o.RecordDir, "events.log"), line + "\n");
    }

    /// <summary>RECV/SEND until every process using the filter is gone (POLLHUP).</summary>
    static void Serve(Options o, int conn, int fd)
    {
        byte* notif = stackalloc byte[Native.NotifSize];
        byte* resp = stackalloc byte[Native.RespSize];
        while (true)
        {
            Native.PollFd p;
            p.Fd = fd;
            p.Events = Native.POLLIN;
            p.Revents = 0;
            if (Native.Poll(&p, 1, -1) < 0)
            {
                if (Native.Errno == Native.EINTR) continue;
                break;
            }
            if ((p.Revents & Native.POLLIN) == 0 && (p.Revents & (Native.POLLHUP | Native.POLLERR)) != 0) break;
            new Span<byte>(notif, Native.NotifSize).Clear(); // the kernel refuses a non-zeroed seccomp_notif
            if (Native.Ioctl(fd, Native.SECCOMP_IOCTL_NOTIF_RECV, notif) != 0)
            {
                int e = Native.Errno;
                if (e is Native.EINTR or Native.ENOENT) continue; // ENOENT: the caller died before we took it
                Log(o, $"conn={conn} error=recv:{e}");
                break;
            }
            // struct seccomp_notif { u64 id; u32 pid; u32 flags; struct seccomp_data { int nr; u32 arch; u64 ip; u64 args[6]; } }
            var n = new ReadOnlySpan<byte>(notif, Native.NotifSize);
            ulong id = BinaryPrimitives.ReadUInt64LittleEndian(n);
            uint pid = BinaryPrimitives.ReadUInt32LittleEndian(n[8..]);
            int nr = BinaryPrimitives.ReadInt32LittleEndian(n[16..]);
            uint arch = BinaryPrimitives.ReadUInt32LittleEndian(n[20..]);
            string name = NameOf(arch, nr);
            var answer = o.For(name);

            // struct seccomp_notif_resp { u64 id; s64 val; s32 error; u32 flags; }
            var r = new Span<byte>(resp, Native.RespSize);
            r.Clear();
            BinaryPrimitives.WriteUInt64LittleEndian(r, id);
            switch (answer)
            {
                case Answer.Errno e: BinaryPrimitives.WriteInt32LittleEndian(r[16..], -e.Number); break;
                case Answer.Return v: BinaryPrimitives.WriteInt64LittleEndian(r[8..], v.Result); break;
                case Answer.Continue: BinaryPrimitives.WriteUInt32LittleEndian(r[20..], Native.SECCOMP_USER_NOTIF_FLAG_CONTINUE); break;
            }
            string sent = Native.Ioctl(fd, Native.SECCOMP_IOCTL_NOTIF_SEND, resp) == 0 ? "" : $" send-error={Native.Errno}";
            Log(o, $"conn={conn} pid={pid} syscall={name} nr={nr} answer={answer}{sent}");
        }
        Native.Close(fd);
        Log(o, $"conn={conn} closed");
    }

    static readonly Dictionary<(uint, bool), Dictionary<int, string>> Names = [];

    /// <summary>The syscall's name in the ABI the notification reports (x32 shares x86_64's audit arch, bit 30 set).</summary>
    static string NameOf(uint auditArch, int nr)
    {
        bool x32 = (nr & SyscallAbi.X32SyscallBit) != 0;
        lock (Names)
        {
            if (!Names.TryGetValue((auditArch, x32), out var table))
            {
                table = [];
                foreach (var abi in SyscallTables.All)
                {
                    if (abi.AuditArch != auditArch || abi.IsX32 != x32) continue;
                    foreach (var entry in abi.Entries) table.TryAdd(entry.Number, entry.Name);
                }
                Names[(auditArch, x32)] = table;
            }
            return table.TryGetValue(nr, out var name) ? name : "nr" + nr.ToString(CultureInfo.InvariantCulture);
        }
    }
}
