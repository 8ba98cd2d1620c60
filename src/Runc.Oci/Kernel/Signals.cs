using System.Globalization;

namespace Runc.Oci.Kernel;

/// <summary>
/// Signal names and numbers for <c>kill</c>. Accepts what runc's kill accepts (<c>9</c>, <c>KILL</c>,
/// <c>SIGKILL</c>, <c>sigkill</c>) plus the real-time forms <c>RTMIN</c>, <c>SIGRTMIN+3</c>, <c>RTMAX-2</c>.
/// Numbers are the generic Linux ones (x86, arm, arm64, riscv, ppc, s390); SIGRTMIN is glibc's 34,
/// since glibc keeps 32 and 33 for itself.
/// </summary>
public static class Signals
{
    public const int RtMin = 34;
    public const int RtMax = 64;

    private static readonly (string Name, int Number)[] Table =
    [
        ("SIGHUP", 1), ("SIGINT", 2), ("SIGQUIT", 3), ("SIGILL", 4), ("SIGTRAP", 5), ("SIGABRT", 6), ("SIGIOT", 6),
        ("SIGBUS", 7), ("SIGFPE", 8), ("SIGKILL", 9), ("SIGUSR1", 10), ("SIGSEGV", 11), ("SIGUSR2", 12), ("SIGPIPE", 13),
        ("SIGALRM", 14), ("SIGTERM", 15), ("SIGSTKFLT", 16), ("SIGCHLD", 17), ("SIGCLD", 17), ("SIGCONT", 18),
        ("SIGSTOP", 19), ("SIGTSTP", 20), ("SIGTTIN", 21), ("SIGTTOU", 22), ("SIGURG", 23), ("SIGXCPU", 24),
        ("SIGXFSZ", 25), ("SIGVTALRM", 26), ("SIGPROF", 27), ("SIGWINCH", 28), ("SIGIO", 29), ("SIGPOLL", 29),
        ("SIGPWR", 30), ("SIGSYS", 31),
    ];

    private static readonly Dictionary<string, int> ByName = BuildByName();

    private static Dictionary<string, int> BuildByName()
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, number) in Table) byName.Add(name, number);
        return byName;
    }

    /// <summary>Parses a kill argument; throws <see cref="RuncException"/> <c>unknown signal "FOO"</c> otherwise.</summary>
    public static int Parse(string raw) =>
        TryParse(raw, out int signal) ? signal : throw new RuncException($"unknown signal {Quote(raw)}");

    public static bool TryParse(string raw, out int signal)
    {
        signal = 0;
        if (string.IsNullOrEmpty(raw)) return false;
        // Numbers as runc: any decimal; we bound it to what kill(2) can deliver (0 probes).
        if (char.IsAsciiDigit(raw[0]))
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out signal) && signal <= RtMax;

        string name = raw.ToUpperInvariant();
        if (!name.StartsWith("SIG", StringComparison.Ordinal)) name = "SIG" + name;
        if (ByName.TryGetValue(name, out signal)) return true;
        return TryParseRealtime(name, out signal);
    }

    /// <summary>The canonical name (<c>SIGKILL</c>, <c>SIGRTMIN+3</c>), or null for numbers no name covers.</summary>
    public static string? NameOf(int signal)
    {
        foreach (var (name, number) in Table) if (number == signal) return name;
        if (signal == RtMin) return "SIGRTMIN";
        if (signal == RtMax) return "SIGRTMAX";
        if (signal > RtMin && signal < RtMax) return "SIGRTMIN+" + (signal - RtMin).ToString(CultureInfo.InvariantCulture);
        return null;
    }

    private static bool TryParseRealtime(string name, out int signal)
    {
        signal = 0;
        int baseNumber, sign;
        string rest;
        if (name.StartsWith("SIGRTMIN", StringComparison.Ordinal)) { baseNumber = RtMin; sign = 1; rest = name[8..]; }
        else if (name.StartsWith("SIGRTMAX", StringComparison.Ordinal)) { baseNumber = RtMax; sign = -1; rest = name[8..]; }
        else return false;

        if (rest.Length == 0) { signal = baseNumber; return true; }
        // RTMIN counts up (+n), RTMAX counts down (-n), as in kill(1) and glibc.
        char expected = sign > 0 ? '+' : '-';
        if (rest[0] != expected) return false;
        if (!int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int offset)) return false;
        int value = baseNumber + sign * offset;
        if (value < RtMin || value > RtMax) return false;
        signal = value;
        return true;
    }

    private static string Quote(string s) => "\"" + s + "\"";
}
