using Runc.Cgroups.Systemd.DBus;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// runc 1.1.5's initSystemdProps (libcontainer/specconv): with the systemd driver every `org.systemd.property.NAME`
/// annotation becomes a unit property NAME of StartTransientUnit, after runc's own properties. NAME must be at least 3
/// ASCII letters; the value is GVariant text (<see cref="GVariantText"/>); a NAME ending in a lowercase letter and
/// "Sec" (TimeoutStopSec) is sent as ...USec with the number of seconds times 1,000,000 (runc's convertSecToUSec).
/// </summary>
public static class SystemdAnnotations
{
    public const string Prefix = "org.systemd.property.";

    /// <summary>The unit properties of the annotations, in their order; a bad name or value fails with runc's text.</summary>
    public static List<SystemdProperty> Properties(IReadOnlyDictionary<string, string>? annotations)
    {
        var props = new List<SystemdProperty>();
        if (annotations == null) return props;
        foreach (var (key, value) in annotations)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            string name = key[Prefix.Length..];
            if (CheckName(name) is { } bad) throw new RuncException("annotation " + key + " name incorrect: " + bad);
            DBusVariant v;
            try { v = GVariantText.Parse(value); }
            catch (FormatException e) { throw new RuncException("annotation " + key + "=" + value + " value parse error: " + e.Message); }
            if (name.EndsWith("Sec", StringComparison.Ordinal))
            {
                // runc indexes the letter before "Sec" without a length check and crashes on a bare "Sec".
                if (name.Length == 3) throw new RuncException("annotation " + key + " name incorrect: nothing before Sec");
                if (char.IsAsciiLetterLower(name[^4]))
                {
                    name = name[..^3] + "USec";
                    v = SecToUSec(v) ?? throw new RuncException("annotation " + key + "=" + value + " value parse error: not a number");
                }
            }
            props.Add(new SystemdProperty(name, v));
        }
        return props;
    }

    /// <summary>runc's checkPropertyName: null when valid, else why not.</summary>
    public static string? CheckName(string name)
    {
        if (name.Length < 3) return "too short";
        foreach (char c in name)
            if (!char.IsAsciiLetter(c)) return "contains non-alphabetic character";
        return null;
    }

    /// <summary>runc's convertSecToUSec: any number as uint64 microseconds (Go's wrapping conversions: a negative
    /// integer wraps, a double is truncated); null when the value is not a number.</summary>
    public static DBusVariant? SecToUSec(DBusVariant v)
    {
        const ulong M = 1_000_000;
        ulong? sec = v.Value switch
        {
            byte b => b, short n => unchecked((ulong)n), ushort q => q, int i => unchecked((ulong)i), uint u => u,
            long x => unchecked((ulong)x), ulong t => t, _ => null,
        };
        if (sec is ulong s) return new DBusVariant("t", unchecked(s * M));
        return v.Value is double d ? new DBusVariant("t", GoFloatToUint64(d * M)) : null;
    }

    /// <summary>Go's uint64(float64) on amd64: below 2^63 a truncating int64 conversion (whose result for a negative
    /// value is reinterpreted), from 2^63 on the same with 2^63 taken off and its bit set again.</summary>
    static ulong GoFloatToUint64(double d)
    {
        const double Two63 = 9223372036854775808.0;
        static long Cvtt(double x) => x >= -Two63 && x < Two63 ? (long)x : long.MinValue;
        return d < Two63 ? unchecked((ulong)Cvtt(d)) : unchecked((ulong)Cvtt(d - Two63)) ^ 0x8000000000000000UL;
    }
}
