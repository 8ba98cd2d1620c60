using System.Globalization;
using System.Text;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// D-Bus signatures of unit property values, and a line-based text form of a property list (the request nrunc hands
/// to its D-Bus helper process). One property per line: name, signature, then the value's fields, tab-separated;
/// strings escape '\\', tab and newline.
/// </summary>
public static class SystemdPropertyCodec
{
    public static string Signature(object value) => value switch
    {
        ulong => "t",
        bool => "b",
        string => "s",
        byte[] => "ay",
        uint[] => "au",
        IReadOnlyList<(string, string)> => "a(ss)",
        _ => throw new RuncException("unsupported systemd property value of type " + value.GetType().Name),
    };

    public static string Encode(SystemdProperty p)
    {
        var sb = new StringBuilder(Escape(p.Name)).Append('\t').Append(Signature(p.Value));
        switch (p.Value)
        {
            case ulong t: sb.Append('\t').Append(t.ToString(CultureInfo.InvariantCulture)); break;
            case bool b: sb.Append('\t').Append(b ? "true" : "false"); break;
            case string s: sb.Append('\t').Append(Escape(s)); break;
            case byte[] ay: sb.Append('\t').Append(Convert.ToHexStringLower(ay)); break;
            case uint[] au: foreach (uint u in au) sb.Append('\t').Append(u.ToString(CultureInfo.InvariantCulture)); break;
            case IReadOnlyList<(string, string)> pairs:
                foreach (var (a, b) in pairs) sb.Append('\t').Append(Escape(a)).Append('\t').Append(Escape(b));
                break;
        }
        return sb.ToString();
    }

    public static SystemdProperty Decode(string line)
    {
        string[] f = line.Split('\t');
        if (f.Length < 2) throw new RuncException("malformed systemd property line \"" + line + "\"");
        string name = Unescape(f[0]);
        var rest = f.AsSpan(2);
        object value = f[1] switch
        {
            "t" when rest.Length == 1 => ulong.Parse(rest[0], CultureInfo.InvariantCulture),
            "b" when rest.Length == 1 => rest[0] == "true",
            "s" when rest.Length == 1 => Unescape(rest[0]),
            "ay" when rest.Length == 1 => Convert.FromHexString(rest[0]),
            "au" => rest.ToArray().Select(x => uint.Parse(x, CultureInfo.InvariantCulture)).ToArray(),
            "a(ss)" when rest.Length % 2 == 0 => (IReadOnlyList<(string, string)>)Pairs(rest.ToArray()),
            _ => throw new RuncException("malformed systemd property line \"" + line + "\""),
        };
        return new SystemdProperty(name, value);
    }

    private static List<(string, string)> Pairs(string[] f)
    {
        var list = new List<(string, string)>();
        for (int i = 0; i < f.Length; i += 2) list.Add((Unescape(f[i]), Unescape(f[i + 1])));
        return list;
    }

    public static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n");

    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            char c = s[++i];
            sb.Append(c switch { 't' => '\t', 'n' => '\n', _ => c });
        }
        return sb.ToString();
    }
}
