namespace Runc.Oci;

/// <summary>
/// RFC 3339 times written and read by hand: the only two shapes nrunc needs (Go's RFC3339 and RFC3339Nano),
/// without DateTime's culture-driven formatter and parser (they cost ~50 KB of the binary, issue 10).
/// </summary>
public static class Rfc3339
{
    /// <summary>"2006-01-02T15:04:05" of <paramref name="value"/>'s own clock fields (no offset, no fraction).</summary>
    public static string Seconds(DateTime value)
    {
        Span<char> s = stackalloc char[19];
        Digits(s[..4], value.Year);
        s[4] = '-';
        Digits(s.Slice(5, 2), value.Month);
        s[7] = '-';
        Digits(s.Slice(8, 2), value.Day);
        s[10] = 'T';
        Digits(s.Slice(11, 2), value.Hour);
        s[13] = ':';
        Digits(s.Slice(14, 2), value.Minute);
        s[16] = ':';
        Digits(s.Slice(17, 2), value.Second);
        return new string(s);
    }

    /// <summary>Go's time.RFC3339 ("2006-01-02T15:04:05Z07:00"): whole seconds, "Z" for a zero offset.</summary>
    public static string Format(DateTimeOffset time)
    {
        string stamp = Seconds(time.DateTime);
        TimeSpan offset = time.Offset;
        if (offset == TimeSpan.Zero) return stamp + "Z";
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return stamp + sign + TwoDigits(offset.Hours) + ":" + TwoDigits(offset.Minutes);
    }

    /// <summary>Go's time.RFC3339Nano in UTC: nanoseconds with trailing zeros trimmed, no fraction when it is zero.</summary>
    public static string FormatNanoUtc(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        long nanos = utc.Ticks % TimeSpan.TicksPerSecond * 100;
        if (nanos == 0) return Seconds(utc) + "Z";
        Span<char> f = stackalloc char[9];
        Digits(f, nanos);
        return Seconds(utc) + "." + f.TrimEnd('0').ToString() + "Z";
    }

    /// <summary>
    /// Reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" (t and z accepted, as Go does) into a UTC DateTime.
    /// Digits of the fraction beyond 100 ns are dropped. False for anything else or an impossible date.
    /// </summary>
    public static bool TryParseUtc(ReadOnlySpan<char> s, out DateTime utc)
    {
        utc = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] | 0x20) != 't' || s[13] != ':' || s[16] != ':') return false;
        if (!Number(s[..4], out int year) || !Number(s.Slice(5, 2), out int month) || !Number(s.Slice(8, 2), out int day) ||
            !Number(s.Slice(11, 2), out int hour) || !Number(s.Slice(14, 2), out int minute) || !Number(s.Slice(17, 2), out int second))
            return false;
        int i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            int start = ++i;
            long scale = TimeSpan.TicksPerSecond / 10;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                fractionTicks += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == start) return false;
        }
        if (i >= s.Length) return false;
        TimeSpan offset;
        if ((s[i] | 0x20) == 'z' && i + 1 == s.Length) offset = TimeSpan.Zero;
        else if ((s[i] == '+' || s[i] == '-') && i + 6 == s.Length && s[i + 3] == ':' &&
                 Number(s.Slice(i + 1, 2), out int oh) && Number(s.Slice(i + 4, 2), out int om) && oh < 24 && om < 60)
            offset = new TimeSpan(s[i] == '-' ? -oh : oh, s[i] == '-' ? -om : om, 0);
        else return false;
        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
            return false;
        long ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fractionTicks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return false;
        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static string TwoDigits(int value)
    {
        Span<char> s = stackalloc char[2];
        Digits(s, value);
        return new string(s);
    }

    /// <summary>Writes <paramref name="value"/> zero-padded to exactly the span's width.</summary>
    private static void Digits(Span<char> into, long value)
    {
        for (int i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    private static bool Number(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
