using System.Globalization;
using System.Text;
using Runc.Linux;

namespace Runc.Cgroups.Systemd.DBus;

/// <summary>An ERROR reply: the error's name and its first string argument.</summary>
public sealed class DBusErrorException(string name, string message) : RuncException(name + ": " + message)
{
    public string ErrorName { get; } = name;
    public string ErrorMessage { get; } = message;
}

/// <summary>
/// A synchronous, single-threaded D-Bus connection over an AF_UNIX stream socket: SASL EXTERNAL, Hello, method calls
/// that block (with poll and a deadline) until their reply, and signals handed to <see cref="SignalReceived"/> as
/// they arrive while waiting. No threads, timers or async: it is safe in the CLI before its clones (DESIGN §3).
/// </summary>
public sealed unsafe class DBusConnection : IDisposable
{
    public const string BusName = "org.freedesktop.DBus";
    public const string BusPath = "/org/freedesktop/DBus";

    private readonly SafeFd _fd;
    private byte[] _rx = new byte[4096];
    private int _rxLen;
    private uint _serial;

    /// <summary>Called for each signal that arrives while a call or <see cref="WaitFor"/> reads the socket.</summary>
    public Action<DBusMessage>? SignalReceived { get; set; }
    public string UniqueName { get; private set; } = "";

    private DBusConnection(SafeFd fd) => _fd = fd;

    public void Dispose() => _fd.Dispose();

    /// <summary>Connects to the first reachable entry of a D-Bus server address (unix:path= and unix:abstract=,
    /// ';'-separated alternatives), authenticates and says Hello unless <paramref name="hello"/> is false (a direct
    /// connection to a peer such as systemd's private socket, where there is no bus to say it to).</summary>
    public static DBusConnection Connect(string address, TimeSpan timeout, bool hello = true)
    {
        string? failure = null;
        byte* sa = stackalloc byte[110];
        foreach (string entry in address.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':');
            string transport = colon < 0 ? entry : entry[..colon];
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string kv in (colon < 0 ? "" : entry[(colon + 1)..]).Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = kv.IndexOf('=');
                if (eq > 0) keys[kv[..eq]] = Unescape(kv[(eq + 1)..]);
            }
            byte[] sockaddr;
            string shown;
            if (transport == "unix" && keys.TryGetValue("path", out string? path))
            {
                sockaddr = Encoding.UTF8.GetBytes(path);
                shown = path;
            }
            else if (transport == "unix" && keys.TryGetValue("abstract", out string? name))
            {
                sockaddr = [0, .. Encoding.UTF8.GetBytes(name)];
                shown = "@" + name;
            }
            else
            {
                failure ??= "unsupported dbus address \"" + entry + "\"";
                continue;
            }
            if (sockaddr.Length >= 108) { failure ??= "dial unix " + shown + ": path too long"; continue; }
            int fd = Interop.Libc.Socket(K.AF_UNIX, K.SOCK_STREAM | K.SOCK_CLOEXEC, 0);
            if (fd < 0) throw SyscallException.Last("socket");
            var sock = new SafeFd(fd);
            new Span<byte>(sa, 110).Clear();
            *(ushort*)sa = (ushort)K.AF_UNIX;
            sockaddr.CopyTo(new Span<byte>(sa + 2, sockaddr.Length));
            // A path is NUL-terminated; an abstract name is exactly its bytes.
            uint len = (uint)(2 + sockaddr.Length + (sockaddr[0] == 0 ? 0 : 1));
            int rc;
            do rc = Interop.Libc.Connect(fd, sa, len); while (rc != 0 && Errno.Last == Errno.EINTR);
            if (rc != 0)
            {
                failure ??= "dial unix " + shown + ": connect: " + Errno.Message(Errno.Last);
                sock.Dispose();
                continue;
            }
            var conn = new DBusConnection(sock);
            try
            {
                conn.Authenticate(Environment.TickCount64 + (long)timeout.TotalMilliseconds);
                if (!hello) return conn;
                var welcome = conn.Call(DBusMessage.MethodCall(BusName, BusPath, BusName, "Hello", ""), timeout);
                conn.UniqueName = welcome.Arguments() is [string unique] ? unique : "";
                return conn;
            }
            catch (RuncException e)
            {
                conn.Dispose();
                throw new SystemdUnreachableException(e.Message);
            }
        }
        throw new SystemdUnreachableException(failure ?? "empty dbus address");
    }

    /// <summary>Undoes the address escaping of the D-Bus specification (%XX).</summary>
    private static string Unescape(string v)
    {
        if (!v.Contains('%')) return v;
        var bytes = new List<byte>();
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] == '%' && i + 2 < v.Length &&
                byte.TryParse(v.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(v[i].ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>SASL EXTERNAL with our effective uid, then BEGIN (no unix fd passing).</summary>
    private void Authenticate(long deadline)
    {
        string uid = Interop.Libc.Geteuid().ToString(CultureInfo.InvariantCulture);
        Send(Encoding.ASCII.GetBytes("\0AUTH EXTERNAL " + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid)) + "\r\n"));
        string reply = ReadLine(deadline);
        if (!reply.StartsWith("OK ", StringComparison.Ordinal))
            throw new RuncException("dbus: authentication failed: " + reply);
        Send("BEGIN\r\n"u8);
    }

    private string ReadLine(long deadline)
    {
        while (true)
        {
            int nl = _rx.AsSpan(0, _rxLen).IndexOf("\r\n"u8);
            if (nl >= 0)
            {
                string line = Encoding.ASCII.GetString(_rx, 0, nl);
                Consume(nl + 2);
                return line;
            }
            if (_rxLen > 16 * 1024) throw new RuncException("dbus: authentication line is too long");
            Fill(deadline, "authentication");
        }
    }

    private void Consume(int n)
    {
        Buffer.BlockCopy(_rx, n, _rx, 0, _rxLen - n);
        _rxLen -= n;
    }

    private void Send(ReadOnlySpan<byte> bytes) => FdIo.WriteAll(_fd, bytes, "dbus socket");

    /// <summary>Reads more bytes into the buffer; throws on timeout or end of stream.</summary>
    private void Fill(long deadline, string waitingFor)
    {
        if (_rxLen == _rx.Length) Array.Resize(ref _rx, _rx.Length * 2);
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) throw new DBusTimeoutException("dbus: timed out waiting for " + waitingFor);
            var p = new PollFd { Fd = _fd.Fd, Events = K.POLLIN };
            int r = Interop.Libc.Poll(&p, 1, (int)Math.Min(left, int.MaxValue));
            if (r < 0)
            {
                if (Errno.Last == Errno.EINTR) continue;
                throw SyscallException.Last("poll dbus socket");
            }
            if (r == 0) continue;
            nint n;
            fixed (byte* b = &_rx[_rxLen]) n = Interop.Libc.Read(_fd.Fd, b, (nuint)(_rx.Length - _rxLen));
            if (n < 0)
            {
                int e = Errno.Last;
                if (e is Errno.EINTR or Errno.EAGAIN) continue;
                throw new SyscallException("read dbus socket", e);
            }
            if (n == 0) throw new RuncException("dbus: the bus closed the connection");
            _rxLen += (int)n;
            return;
        }
    }

    /// <summary>The next message from the bus; throws <see cref="DBusTimeoutException"/> at the deadline.</summary>
    private DBusMessage Receive(long deadline, string waitingFor)
    {
        while (_rxLen < 16) Fill(deadline, waitingFor);
        int total = DBusMessage.TotalLength(_rx.AsSpan(0, 16));
        if (total > _rx.Length) Array.Resize(ref _rx, total);
        while (_rxLen < total) Fill(deadline, waitingFor);
        var m = DBusMessage.Decode(_rx.AsMemory(0, total));
        Consume(total);
        return m;
    }

    /// <summary>Sends <paramref name="call"/> and returns its METHOD_RETURN; an ERROR reply is a
    /// <see cref="DBusErrorException"/>. Signals that arrive meanwhile go to <see cref="SignalReceived"/>.</summary>
    public DBusMessage Call(DBusMessage call, TimeSpan timeout)
    {
        call.Serial = ++_serial;
        Send(call.Encode());
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        string what = "the reply to " + call.Member;
        while (true)
        {
            var m = Receive(deadline, what);
            if (m.Type is DBusMessageType.MethodReturn or DBusMessageType.Error && m.ReplySerial == call.Serial)
            {
                if (m.Type == DBusMessageType.MethodReturn) return m;
                string text = m.Signature.StartsWith('s') && m.Arguments() is [string s, ..] ? s : "";
                throw new DBusErrorException(m.ErrorName ?? "", text);
            }
            if (m.Type == DBusMessageType.Signal) SignalReceived?.Invoke(m);
        }
    }

    /// <summary>Reads messages (signals go to <see cref="SignalReceived"/>) until <paramref name="done"/> holds;
    /// false when <paramref name="timeout"/> passes first.</summary>
    public bool WaitFor(Func<bool> done, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!done())
        {
            DBusMessage m;
            try { m = Receive(deadline, "a signal"); }
            catch (DBusTimeoutException) { return false; }
            if (m.Type == DBusMessageType.Signal) SignalReceived?.Invoke(m);
        }
        return true;
    }
}

/// <summary>No answer from the bus in time.</summary>
public sealed class DBusTimeoutException(string message) : RuncException(message);
