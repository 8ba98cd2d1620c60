namespace Runc.Cli;

/// <summary>
/// Parsers with the exact acceptance rules of Go's strconv and time packages, because Go's flag package
/// (under runc's CLI) uses them: clients may send <c>--preserve-fds=0x0</c>, <c>-t=T</c> or <c>--interval 1m30s</c>.
/// Each returns null on success or the Go flag error text ("parse error" / "value out of range").
/// </summary>
internal static class GoValues
{
    public const string ParseError = "parse error";
    public const string RangeError = "value out of range";

    /// <summary>strconv.ParseBool.</summary>
    public static string? ParseBool(string s, out bool value)
    {
        switch (s)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True": value = true; return null;
            case "0" or "f" or "F" or "FALSE" or "false" or "False": value = false; return null;
            default: value = false; return ParseError;
        }
    }

    /// <summary>strconv.ParseInt(s, 0, 64).</summary>
    public static string? ParseInt(string s, out long value)
    {
        value = 0;
        if (s.Length == 0) return ParseError;
        bool negative = s[0] == '-';
        string digits = s[0] is '-' or '+' ? s[1..] : s;
        string? error = ParseUnsignedBase0(digits, s, out ulong magnitude);
        if (error == ParseError) return error;
        const ulong cutoff = 1UL << 63;
        if (error == RangeError || (!negative && magnitude >= cutoff) || (negative && magnitude > cutoff)) return RangeError;
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return null;
    }

    /// <summary>strconv.ParseUint(s, 0, 64): no sign allowed.</summary>
    public static string? ParseUint(string s, out ulong value) => ParseUnsignedBase0(s, s, out value);

    /// <summary>The base-0 digit loop of strconv.ParseUint; <paramref name="whole"/> is the original text for the underscore check.</summary>
    private static string? ParseUnsignedBase0(string s, string whole, out ulong value)
    {
        value = 0;
        if (s.Length == 0) return ParseError;
        int numberBase = 10, i = 0;
        if (s[0] == '0')
        {
            char p = s.Length >= 3 ? char.ToLowerInvariant(s[1]) : '\0';
            (numberBase, i) = p switch { 'b' => (2, 2), 'o' => (8, 2), 'x' => (16, 2), _ => (8, 1) };
        }

        bool underscores = false;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '_') { underscores = true; continue; }
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= numberBase) { value = 0; return ParseError; }
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)numberBase) { value = ulong.MaxValue; return RangeError; }
            value = value * (ulong)numberBase + (ulong)d;
        }
        if (underscores && !UnderscoresOk(whole)) { value = 0; return ParseError; }
        return null;
    }

    /// <summary>Go allows '_' only between digits, or between a base prefix and a digit ("0x_1f", "1_000").</summary>
    private static bool UnderscoresOk(string s)
    {
        char saw = '^'; // ^ start, 0 digit or prefix, _ underscore, ! other
        int i = 0;
        if (s.Length >= 1 && s[0] is '-' or '+') s = s[1..];
        bool hex = false;
        if (s.Length >= 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'b' or 'o' or 'x')
        {
            i = 2;
            saw = '0';
            hex = char.ToLowerInvariant(s[1]) == 'x';
        }
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c))) { saw = '0'; continue; }
            if (c == '_')
            {
                if (saw != '0') return false;
                saw = '_';
                continue;
            }
            if (saw == '_') return false;
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>
    /// time.ParseDuration: an optional sign and a sequence of decimal numbers with units
    /// (ns, us, µs, μs, ms, s, m, h), e.g. "1h2m3.5s"; "0" alone needs no unit. Result in nanoseconds.
    /// </summary>
    public static string? ParseDuration(string s, out long nanoseconds)
    {
        nanoseconds = 0;
        bool negative = false;
        if (s.Length > 0 && s[0] is '-' or '+') { negative = s[0] == '-'; s = s[1..]; }
        if (s == "0") return null;
        if (s.Length == 0) return ParseError;

        ulong total = 0;
        while (s.Length > 0)
        {
            // Integer part.
            int i = 0;
            ulong whole = 0;
            bool overflow = false;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (whole > (1UL << 63) / 10) overflow = true;
                whole = whole * 10 + (ulong)(s[i] - '0');
                if (whole > 1UL << 63) overflow = true;
                i++;
            }
            bool hadWhole = i > 0;
            if (overflow) return ParseError;

            // Fraction part: keep enough digits to be exact to the nanosecond after scaling.
            ulong fraction = 0, scale = 1;
            bool hadFraction = false;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                int start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    if (scale < 1_000_000_000_000_000_000UL) { fraction = fraction * 10 + (ulong)(s[i] - '0'); scale *= 10; }
                    i++;
                }
                hadFraction = i > start;
            }
            if (!hadWhole && !hadFraction) return ParseError;

            // Unit.
            int u = i;
            while (u < s.Length && s[u] != '.' && !char.IsAsciiDigit(s[u])) u++;
            if (u == i) return ParseError; // missing unit
            ulong unit = s[i..u] switch
            {
                "ns" => 1UL,
                "us" or "\u00b5s" or "\u03bcs" => 1_000UL,
                "ms" => 1_000_000UL,
                "s" => 1_000_000_000UL,
                "m" => 60_000_000_000UL,
                "h" => 3_600_000_000_000UL,
                _ => 0,
            };
            if (unit == 0) return ParseError;
            if (whole > (1UL << 63) / unit) return ParseError;
            ulong v = whole * unit;
            if (fraction > 0) v += (ulong)((decimal)fraction * unit / scale);
            total += v;
            if (v > 1UL << 63 || total > 1UL << 63) return ParseError;
            s = s[u..];
        }
        if (!negative && total > long.MaxValue) return ParseError;
        nanoseconds = negative ? (long)(0 - total) : (long)total;
        return null;
    }
}
