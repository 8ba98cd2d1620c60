using System.Globalization;
using System.Text;
using Tmds.DBus.Protocol;

namespace FakeSystemd;

/// <summary>
/// A fake systemd manager for tests on hosts without systemd as PID 1: owns org.freedesktop.systemd1 on a private bus
/// and implements the Manager calls runc's and nrunc's systemd cgroup drivers make. StartTransientUnit makes the unit's
/// cgroup in the hierarchies systemd manages on cgroup v1 (name=systemd, cpu/cpuacct, blkio, memory, devices, pids)
/// and the unified tree, moves its PIDs there and emits JobRemoved; StopUnit kills what is left and removes those
/// directories. Every call is appended to the log: "call\tMember\targs" then one "prop\tName\tsignature\tvalue" line per
/// property. Usage: fake-systemd BUS_ADDRESS LOG_FILE [--fail-start] [--fail-set] (a start job that ends "failed", an
/// InvalidArgs error for SetUnitProperties) [--private SOCKET_PATH] (also serve direct connections there, as
/// systemd's /run/systemd/private: <see cref="PrivateSocket"/>). Prints "ready" once it owns the name; exits
/// when stdin closes, removing the slice directories it saw where they are empty.
/// </summary>
public static class Program
{
    const string Service = "org.freedesktop.systemd1";
    const string ManagerPath = "/org/freedesktop/systemd1";
    const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    /// <summary>The v1 controllers systemd realizes for a delegated unit (plus its own named hierarchy).</summary>
    static readonly string[] SystemdV1 = ["name=systemd", "cpu", "cpuacct", "blkio", "memory", "devices", "pids"];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: fake-systemd BUS_ADDRESS LOG_FILE [--fail-start] [--fail-set] [--private SOCKET_PATH]"); return 2; }
        var manager = new Manager(args[1], args.Contains("--fail-start"), args.Contains("--fail-set"));
        using var conn = new DBusConnection(args[0]);
        await conn.ConnectAsync();
        manager.Connection = conn;
        conn.AddMethodHandler(manager);
        await conn.RequestNameAsync(Service);
        int priv = Array.IndexOf(args, "--private");
        using var privateSocket = priv > 0 && priv + 1 < args.Length ? new PrivateSocket(args[priv + 1], args[0]) : null;
        privateSocket?.Start();
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        await Task.Run(() => Console.In.ReadToEnd());
        manager.Shutdown();
        return 0;
    }

    sealed class Manager(string logPath, bool failStart, bool failSet) : IPathMethodHandler
    {
        readonly Lock _lock = new();
        readonly Dictionary<string, List<string>> _units = new(StringComparer.Ordinal); // unit → its directories
        readonly HashSet<string> _slices = new(StringComparer.Ordinal);
        uint _jobId;
        public DBusConnection? Connection;

        public string Path => ManagerPath;
        public bool HandlesChildPaths => true;
        /// <summary>unit → the device properties last given (what a unit's Properties.Get answers).</summary>
        readonly Dictionary<string, (string Policy, List<(string, string)> Allow)> _devices = new(StringComparer.Ordinal);

        public ValueTask HandleMethodAsync(MethodContext context)
        {
            var req = context.Request;
            string iface = req.InterfaceAsString ?? "";
            string member = req.MemberAsString ?? "";
            lock (_lock)
            {
                try { Handle(context, iface, member); }
                catch (Exception e)
                {
                    Log("error\t" + e.Message);
                    context.ReplyError("org.freedesktop.DBus.Error.Failed", e.Message);
                }
            }
            return default;
        }

        void Handle(MethodContext context, string iface, string member)
        {
            var req = context.Request;
            var r = req.GetBodyReader();
            string sig = req.SignatureAsString;
            string path = req.PathAsString ?? "";
            if (path.StartsWith(ManagerPath + "/unit/", StringComparison.Ordinal) && iface == "org.freedesktop.DBus.Properties" && member == "Get" && sig == "ss")
            {
                string i = r.ReadString(), name = r.ReadString();
                Log("call\tGet\t" + path + "\t" + i + "\t" + name);
                string? unit = _units.Keys.FirstOrDefault(u => ManagerPath + "/unit/" + Escape(u) == path);
                var dev = unit != null && _devices.TryGetValue(unit, out var d) ? d : ("auto", []);
                using var w = context.CreateReplyWriter("v");
                if (name == "DevicePolicy") w.WriteVariantString(dev.Policy);
                else if (name == "DeviceAllow")
                {
                    w.WriteSignature("a(ss)");
                    var a = w.WriteArrayStart(DBusType.Struct);
                    foreach (var (x, y) in dev.Allow) { w.WriteStructureStart(); w.WriteString(x); w.WriteString(y); }
                    w.WriteArrayEnd(a);
                }
                else { context.ReplyError("org.freedesktop.DBus.Error.UnknownProperty", "Unknown property " + name); return; }
                context.Reply(w.CreateMessage());
                return;
            }
            if (path != ManagerPath) { Log("call\t" + path + "\t" + iface + "." + member); context.ReplyError("org.freedesktop.DBus.Error.UnknownObject", "Unknown object " + path); return; }
            if (iface == "org.freedesktop.DBus.Properties" && member == "Get" && sig == "ss")
            {
                string i = r.ReadString(), name = r.ReadString();
                Log("call\tGet\t" + i + "\t" + name);
                if (i != ManagerInterface || name != "Version") { context.ReplyError("org.freedesktop.DBus.Error.UnknownProperty", "Unknown property " + name); return; }
                using var w = context.CreateReplyWriter("v");
                w.WriteVariantString("252");
                context.Reply(w.CreateMessage());
                return;
            }
            if (iface != ManagerInterface) { Log("call\t" + iface + "." + member); context.ReplyUnknownMethodError(); return; }
            switch (member)
            {
                case "StartTransientUnit" when sig == "ssa(sv)a(sa(sv))":
                {
                    string unit = r.ReadString(), mode = r.ReadString();
                    var props = ReadProps(ref r);
                    var auxEnd = r.ReadArrayStart(DBusType.Struct);
                    int aux = 0;
                    while (r.HasNext(auxEnd)) { r.AlignStruct(); r.ReadString(); ReadProps(ref r); aux++; }
                    Log("call\tStartTransientUnit\t" + unit + "\t" + mode + "\taux=" + aux, props);
                    if (_units.ContainsKey(unit)) { context.ReplyError("org.freedesktop.systemd1.UnitExists", "Unit " + unit + " already exists."); return; }
                    string result = "done";
                    if (failStart) result = "failed";
                    else { _units[unit] = MakeUnit(unit, props); Remember(unit, props); }
                    ReplyJob(context, unit, result);
                    return;
                }
                case "StopUnit" when sig == "ss":
                {
                    string unit = r.ReadString(), mode = r.ReadString();
                    Log("call\tStopUnit\t" + unit + "\t" + mode);
                    _devices.Remove(unit);
                    if (!_units.Remove(unit, out var dirs)) { context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", "Unit " + unit + " not loaded."); return; }
                    RemoveUnit(dirs);
                    ReplyJob(context, unit, "done");
                    return;
                }
                case "ResetFailedUnit" when sig == "s":
                {
                    string unit = r.ReadString();
                    Log("call\tResetFailedUnit\t" + unit);
                    if (!_units.ContainsKey(unit)) { context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", "Unit " + unit + " not loaded."); return; }
                    using var w = context.CreateReplyWriter(null);
                    context.Reply(w.CreateMessage());
                    return;
                }
                case "SetUnitProperties" when sig == "sba(sv)":
                {
                    string unit = r.ReadString();
                    bool runtime = r.ReadBool();
                    var props = ReadProps(ref r);
                    Log("call\tSetUnitProperties\t" + unit + "\truntime=" + (runtime ? "true" : "false"), props);
                    if (!_units.ContainsKey(unit)) { context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", "Unit " + unit + " not loaded."); return; }
                    if (failSet) { context.ReplyError("org.freedesktop.DBus.Error.InvalidArgs", "fake systemd refuses SetUnitProperties"); return; }
                    Remember(unit, props);
                    using var w = context.CreateReplyWriter(null);
                    context.Reply(w.CreateMessage());
                    return;
                }
                case "GetUnit" when sig == "s":
                {
                    string unit = r.ReadString();
                    Log("call\tGetUnit\t" + unit);
                    if (!_units.ContainsKey(unit)) { context.ReplyError("org.freedesktop.systemd1.NoSuchUnit", "Unit " + unit + " not loaded."); return; }
                    using var w = context.CreateReplyWriter("o");
                    w.WriteObjectPath(ManagerPath + "/unit/" + Escape(unit));
                    context.Reply(w.CreateMessage());
                    return;
                }
                default:
                    Log("call\t" + member + "\tsignature=" + sig);
                    context.ReplyUnknownMethodError();
                    return;
            }
        }

        void Remember(string unit, List<(string Name, string Sig, string Value, object? Raw)> props)
        {
            var dev = _devices.TryGetValue(unit, out var d) ? d : ("auto", new List<(string, string)>());
            foreach (var p in props)
            {
                if (p.Name == "DevicePolicy" && p.Raw is string policy) dev.Item1 = policy;
                if (p.Name == "DeviceAllow" && p.Raw is List<(string, string)> allow) dev.Item2 = allow;
            }
            _devices[unit] = dev;
        }

        void ReplyJob(MethodContext context, string unit, string result)
        {
            uint id = ++_jobId;
            string job = ManagerPath + "/job/" + id.ToString(CultureInfo.InvariantCulture);
            using (var w = context.CreateReplyWriter("o"))
            {
                w.WriteObjectPath(job);
                context.Reply(w.CreateMessage());
            }
            using var s = Connection!.GetMessageWriter();
            s.WriteSignalHeader(path: ManagerPath, @interface: ManagerInterface, member: "JobRemoved", signature: "uoss");
            s.WriteUInt32(id);
            s.WriteObjectPath(job);
            s.WriteString(unit);
            s.WriteString(result);
            Connection.TrySendMessage(s.CreateMessage());
        }

        static string Escape(string unit)
        {
            var sb = new StringBuilder();
            foreach (char c in unit) sb.Append(char.IsAsciiLetterOrDigit(c) ? c.ToString() : "_" + ((int)c).ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        List<string> MakeUnit(string unit, List<(string Name, string Sig, string Value, object? Raw)> props)
        {
            string slice = unit.EndsWith(".slice", StringComparison.Ordinal) ? "" :
                props.FirstOrDefault(p => p.Name == "Slice").Raw as string ?? "system.slice";
            if (slice.Length > 0) _slices.Add(slice);
            string rel = (slice.Length > 0 ? ExpandSlice(slice) : "") + (unit.EndsWith(".slice", StringComparison.Ordinal) ? ExpandSlice(unit) : "/" + unit);
            var pids = props.Where(p => p.Name == "PIDs").SelectMany(p => (uint[])p.Raw!).ToList();
            var dirs = new List<string>();
            foreach (string mount in Hierarchies())
            {
                string dir = mount + rel;
                Directory.CreateDirectory(dir);
                dirs.Add(dir);
                foreach (uint pid in pids) File.WriteAllText(System.IO.Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            }
            return dirs;
        }

        static void RemoveUnit(List<string> dirs)
        {
            for (int round = 0; round < 200; round++)
            {
                bool busy = false;
                foreach (string dir in dirs)
                {
                    if (!Directory.Exists(dir)) continue;
                    foreach (string line in File.ReadAllLines(System.IO.Path.Combine(dir, "cgroup.procs")))
                        if (int.TryParse(line, out int pid)) { Kill(pid, 9); busy = true; }
                }
                if (!busy) break;
                Thread.Sleep(10);
            }
            foreach (string dir in dirs) if (Directory.Exists(dir)) Directory.Delete(dir);
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
        static extern int Kill(int pid, int sig);

        public void Shutdown()
        {
            lock (_lock)
            {
                foreach (var dirs in _units.Values) RemoveUnit(dirs);
                _units.Clear();
                var mounts = AllMounts();
                foreach (string slice in _slices)
                {
                    var parts = ExpandSlice(slice).Split('/', StringSplitOptions.RemoveEmptyEntries);
                    foreach (string mount in mounts)
                        for (int n = parts.Length; n > 0; n--)
                        {
                            string dir = mount + "/" + string.Join('/', parts.Take(n));
                            try { if (Directory.Exists(dir)) Directory.Delete(dir); } catch (IOException) { break; }
                        }
                }
            }
        }

        /// <summary>The directories of the v1 hierarchies systemd manages and the unified tree.</summary>
        static List<string> Hierarchies() => Mounts().Where(m => m.Unified || m.Options.Any(o => SystemdV1.Contains(o))).Select(m => m.Dir).Distinct().ToList();

        static List<string> AllMounts() => Mounts().Select(m => m.Dir).Distinct().ToList();

        static List<(string Dir, bool Unified, string[] Options)> Mounts()
        {
            var list = new List<(string, bool, string[])>();
            foreach (string line in File.ReadLines("/proc/self/mountinfo"))
            {
                int sep = line.IndexOf(" - ", StringComparison.Ordinal);
                if (sep < 0) continue;
                var after = line[(sep + 3)..].Split(' ');
                var before = line[..sep].Split(' ');
                if (before[3] != "/") continue; // bind mounts of sub-cgroups
                if (after[0] == "cgroup2") list.Add((before[4], true, []));
                else if (after[0] == "cgroup") list.Add((before[4], false, after[2].Split(',')));
            }
            return list;
        }

        static string ExpandSlice(string slice)
        {
            if (slice == "-.slice") return "";
            string name = slice[..^".slice".Length];
            var sb = new StringBuilder();
            string prefix = "";
            foreach (string c in name.Split('-'))
            {
                sb.Append('/').Append(prefix).Append(c).Append(".slice");
                prefix += c + "-";
            }
            return sb.ToString();
        }

        void Log(string line, List<(string Name, string Sig, string Value, object? Raw)>? props = null)
        {
            var sb = new StringBuilder(line).Append('\n');
            foreach (var p in props ?? []) sb.Append("prop\t").Append(p.Name).Append('\t').Append(p.Sig).Append('\t').Append(p.Value).Append('\n');
            File.AppendAllText(logPath, sb.ToString());
        }

        static List<(string Name, string Sig, string Value, object? Raw)> ReadProps(ref Reader r)
        {
            var list = new List<(string, string, string, object?)>();
            var end = r.ReadArrayStart(DBusType.Struct);
            while (r.HasNext(end))
            {
                r.AlignStruct();
                string name = r.ReadString();
                string sig = r.ReadSignatureAsString();
                int i = 0;
                object? raw = null;
                string value = Format(ref r, sig, ref i, ref raw);
                list.Add((name, sig, value, raw));
            }
            return list;
        }

        /// <summary>The value of one complete type at sig[i..] as text: numbers in decimal, strings quoted, byte arrays
        /// in hex, arrays [a, b], structs (a, b). <paramref name="raw"/> keeps strings and au arrays for the fake's use.</summary>
        static string Format(ref Reader r, string sig, ref int i, ref object? raw)
        {
            char c = sig[i++];
            switch (c)
            {
                case 'y': return r.ReadByte().ToString(CultureInfo.InvariantCulture);
                case 'b': return r.ReadBool() ? "true" : "false";
                case 'n': return r.ReadInt16().ToString(CultureInfo.InvariantCulture);
                case 'q': return r.ReadUInt16().ToString(CultureInfo.InvariantCulture);
                case 'i': return r.ReadInt32().ToString(CultureInfo.InvariantCulture);
                case 'u': return r.ReadUInt32().ToString(CultureInfo.InvariantCulture);
                case 'x': return r.ReadInt64().ToString(CultureInfo.InvariantCulture);
                case 't': return r.ReadUInt64().ToString(CultureInfo.InvariantCulture);
                case 'd': return r.ReadDouble().ToString("R", CultureInfo.InvariantCulture);
                case 's': case 'o': case 'g':
                {
                    string s = c == 'g' ? r.ReadSignatureAsString() : r.ReadString();
                    raw = s;
                    return Quote(s);
                }
                case 'v':
                {
                    string inner = r.ReadSignatureAsString();
                    int j = 0;
                    object? ignored = null;
                    return "<" + inner + " " + Format(ref r, inner, ref j, ref ignored) + ">";
                }
                case '(' or '{':
                {
                    r.AlignStruct();
                    char close = c == '(' ? ')' : '}';
                    var parts = new List<string>();
                    while (sig[i] != close) { object? x = null; parts.Add(Format(ref r, sig, ref i, ref x)); }
                    i++;
                    return c == '(' ? "(" + string.Join(", ", parts) + ")" : "{" + string.Join(": ", parts) + "}";
                }
                case 'a':
                {
                    int elemStart = i;
                    SkipType(sig, ref i);
                    string elem = sig[elemStart..i];
                    if (elem == "y") { byte[] b = r.ReadArrayOfByte(); raw = b; return "0x" + Convert.ToHexStringLower(b); }
                    if (elem == "u") { uint[] u = r.ReadArrayOfUInt32(); raw = u; return "[" + string.Join(", ", u) + "]"; }
                    if (elem == "(ss)")
                    {
                        var pairs = new List<(string, string)>();
                        var pend = r.ReadArrayStart(DBusType.Struct);
                        while (r.HasNext(pend)) { r.AlignStruct(); pairs.Add((r.ReadString(), r.ReadString())); }
                        raw = pairs;
                        return "[" + string.Join(", ", pairs.Select(x => "(" + Quote(x.Item1) + ", " + Quote(x.Item2) + ")")) + "]";
                    }
                    var end = r.ReadArrayStart(TypeOf(elem[0]));
                    var items = new List<string>();
                    while (r.HasNext(end)) { int j = 0; object? x = null; items.Add(Format(ref r, elem, ref j, ref x)); }
                    return "[" + string.Join(", ", items) + "]";
                }
                default: throw new InvalidDataException("unsupported signature " + sig);
            }
        }

        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        static void SkipType(string sig, ref int i)
        {
            char c = sig[i++];
            if (c == 'a') { SkipType(sig, ref i); return; }
            if (c is '(' or '{')
            {
                char close = c == '(' ? ')' : '}';
                while (sig[i] != close) SkipType(sig, ref i);
                i++;
            }
        }

        static DBusType TypeOf(char c) => c switch
        {
            'y' => DBusType.Byte, 'b' => DBusType.Bool, 'n' => DBusType.Int16, 'q' => DBusType.UInt16, 'i' => DBusType.Int32,
            'u' => DBusType.UInt32, 'x' => DBusType.Int64, 't' => DBusType.UInt64, 'd' => DBusType.Double, 's' => DBusType.String,
            'o' => DBusType.ObjectPath, 'g' => DBusType.Signature, 'v' => DBusType.Variant, '(' => DBusType.Struct,
            '{' => DBusType.DictEntry, 'a' => DBusType.Array, _ => throw new InvalidDataException("unsupported type " + c),
        };
    }
}
