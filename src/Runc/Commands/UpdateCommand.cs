using System.Globalization;
using Runc.Cli;
using Runc.Linux;
using Runc.Oci;
using Runc.Runtime.Containers;
using Runc.Runtime.Logging;

namespace Runc.Commands;

/// <summary>
/// <c>update [flags] ID</c> (runc@v1.1.5:update.go): either <c>--resources FILE|-</c> (then every other flag is
/// ignored) or the individual flags; numbers parsed like Go's strconv, sizes like docker/go-units RAMInBytes.
/// </summary>
internal static class UpdateCommand
{
    public static int Run(Invocation inv)
    {
        var store = Dispatcher.Store(inv);
        store.Load(inv.ContainerId); // runc's getContainer comes first: a missing id wins over a bad value

        LinuxResources request;
        string file = inv.GetString("resources");
        if (file.Length > 0) request = ReadResources(file);
        else request = FromFlags(inv);

        var restricted = ResourceUpdate.Restrict(request, out bool kernelMemory);
        if (kernelMemory) Logger.Warn("Kernel memory settings are ignored and will be removed");

        var rdt = new RdtUpdate(inv.GetString("l3-cache-schema"), inv.GetString("mem-bw-schema"));
        IntelRdt.CheckEnabled(rdt);
        ResourceUpdate.Update(store, inv.ContainerId, restricted, rdt);
        return 0;
    }

    private static LinuxResources ReadResources(string file)
    {
        byte[] bytes;
        if (file == "-") bytes = FdIo.ReadToEnd(0, "stdin");
        else
        {
            try { bytes = File.ReadAllBytes(file); }
            catch (FileNotFoundException) { throw new RuncException($"open {file}: no such file or directory"); }
            catch (DirectoryNotFoundException) { throw new RuncException($"open {file}: no such file or directory"); }
            catch (UnauthorizedAccessException) { throw new RuncException($"open {file}: permission denied"); }
            catch (IOException e) { throw new RuncException($"read {file}: {e.Message}"); }
        }
        // runc prints the decoder's error alone ("json: cannot unmarshal ..."), without naming the document.
        const string what = "resources";
        try { return SpecLoader.LoadResources(bytes, what); }
        catch (SpecException e) when (e.Message.StartsWith(what + ": ", StringComparison.Ordinal))
        {
            throw new RuncException(e.Message[(what.Length + 2)..], e);
        }
    }

    private static LinuxResources FromFlags(Invocation inv)
    {
        var cpu = new LinuxCpu();
        var mem = new LinuxMemory();
        var r = new LinuxResources { Cpu = cpu, Memory = mem };

        ulong weight = inv.GetUint("blkio-weight");
        if (weight != 0) r.BlockIo = new LinuxBlockIo { Weight = unchecked((ushort)weight) }; // Go: uint16(val)
        if (inv.GetString("cpuset-cpus") is { Length: > 0 } cpus) cpu.Cpus = cpus;
        if (inv.GetString("cpuset-mems") is { Length: > 0 } mems) cpu.Mems = mems;

        cpu.Period = Unsigned(inv, "cpu-period");
        cpu.RealtimePeriod = Unsigned(inv, "cpu-rt-period");
        cpu.Shares = Unsigned(inv, "cpu-share");
        cpu.Quota = Signed(inv, "cpu-quota");
        cpu.RealtimeRuntime = Signed(inv, "cpu-rt-runtime");

        mem.Limit = Size(inv, "memory");
        mem.Swap = Size(inv, "memory-swap");
        mem.Kernel = Size(inv, "kernel-memory");
        mem.KernelTcp = Size(inv, "kernel-memory-tcp");
        mem.Reservation = Size(inv, "memory-reservation");

        long pids = inv.GetInt("pids-limit");
        if (pids != 0) r.Pids = new LinuxPids { Limit = pids };
        return r;
    }

    private static ulong? Unsigned(Invocation inv, string flag)
    {
        string val = inv.GetString(flag);
        if (val.Length == 0) return null;
        return GoParseUint(val, out ulong v) is { } err ? throw Invalid(flag, "strconv.ParseUint: parsing " + GoQuote(val) + ": " + err) : v;
    }

    private static long? Signed(Invocation inv, string flag)
    {
        string val = inv.GetString(flag);
        if (val.Length == 0) return null;
        return GoParseInt(val, out long v) is { } err ? throw Invalid(flag, "strconv.ParseInt: parsing " + GoQuote(val) + ": " + err) : v;
    }

    private static long? Size(Invocation inv, string flag)
    {
        string val = inv.GetString(flag);
        if (val.Length == 0) return null;
        if (val == "-1") return -1;
        return RamInBytes(val, out long v) is { } err ? throw Invalid(flag, err) : v;
    }

    private static RuncException Invalid(string flag, string why) => new($"invalid value for {flag}: {why}");

    /// <summary>Go strconv.ParseUint(s, 10, 64): digits only; returns the error text or null.</summary>
    internal static string? GoParseUint(string s, out ulong value)
    {
        value = 0;
        if (s.Length == 0) return "invalid syntax";
        foreach (char ch in s)
        {
            if (ch is < '0' or > '9') return "invalid syntax";
            ulong d = (ulong)(ch - '0');
            // Go returns the range error at the first overflowing digit, before looking at the rest.
            if (value > (ulong.MaxValue - d) / 10) { value = ulong.MaxValue; return "value out of range"; }
            value = value * 10 + d;
        }
        return null;
    }

    /// <summary>Go strconv.ParseInt(s, 10, 64): optional sign, then digits.</summary>
    internal static string? GoParseInt(string s, out long value)
    {
        value = 0;
        if (s.Length == 0) return "invalid syntax";
        bool neg = s[0] == '-';
        string digits = s[0] is '-' or '+' ? s[1..] : s;
        string? err = GoParseUint(digits, out ulong u);
        if (err == "invalid syntax") return err;
        ulong limit = neg ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (err != null || u > limit) { value = neg ? long.MinValue : long.MaxValue; return "value out of range"; }
        value = neg ? unchecked((long)(0 - u)) : (long)u;
        return null;
    }

    /// <summary>docker/go-units v0.4.0 RAMInBytes: a decimal number, optional space, optional k/m/g/t/p (powers of
    /// 1024), optional "i", optional "b" (its regexp <c>^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$</c>, matched by
    /// hand: the optional parts are disjoint, so one left-to-right pass decides); the float truncated to int64.</summary>
    internal static string? RamInBytes(string s, out long value)
    {
        value = -1;
        int i = 0;
        static bool Digit(char c) => c is >= '0' and <= '9';
        while (i < s.Length && Digit(s[i])) i++;
        bool ok = i > 0;
        while (ok && i + 1 < s.Length && s[i] == '.' && Digit(s[i + 1]))
        {
            i++;
            while (i < s.Length && Digit(s[i])) i++;
        }
        string number = s[..i];
        if (i < s.Length && s[i] == ' ') i++;
        char unit = '\0';
        if (i < s.Length && "kKmMgGtTpP".Contains(s[i])) unit = char.ToLowerInvariant(s[i++]);
        if (i < s.Length && s[i] is 'i' or 'I') i++;
        if (i < s.Length && s[i] is 'b' or 'B') i++;
        if (!ok || i != s.Length) return "invalid size: '" + s + "'";
        if (number.AsSpan().Count('.') > 1) return "strconv.ParseFloat: parsing " + GoQuote(number) + ": invalid syntax";
        double size = double.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (double.IsInfinity(size)) return "strconv.ParseFloat: parsing " + GoQuote(number) + ": value out of range";
        double mul = unit switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            'p' => 1L << 50,
            _ => 1,
        };
        value = (long)(size * mul);
        return null;
    }

    private static string GoQuote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
