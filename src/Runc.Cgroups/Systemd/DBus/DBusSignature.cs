namespace Runc.Cgroups.Systemd.DBus;

/// <summary>D-Bus type signatures: splitting into complete types and alignment.</summary>
public static class DBusSignature
{
    public static int Alignment(char type) => type switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 's' or 'o' or 'a' or 'h' => 4,
        'x' or 't' or 'd' or '(' or '{' => 8,
        _ => throw new RuncException("dbus: unknown type code '" + type + "'"),
    };

    /// <summary>The complete types of <paramref name="signature"/>; with <paramref name="single"/> exactly one.</summary>
    public static List<string> Split(string signature, bool single = false)
    {
        var types = new List<string>();
        for (int i = 0; i < signature.Length;)
        {
            int end = End(signature, i, 0);
            types.Add(signature[i..end]);
            i = end;
        }
        if (single && types.Count != 1) throw new RuncException("dbus: \"" + signature + "\" is not a single complete type");
        return types;
    }

    /// <summary>The index after the complete type starting at <paramref name="i"/>.</summary>
    private static int End(string s, int i, int depth)
    {
        if (depth > 32) throw new RuncException("dbus: signature \"" + s + "\" nests too deeply");
        if (i >= s.Length) throw new RuncException("dbus: signature \"" + s + "\" ends inside a type");
        switch (s[i])
        {
            case 'a': return End(s, i + 1, depth + 1);
            case '(':
            {
                int j = i + 1;
                if (j < s.Length && s[j] == ')') throw new RuncException("dbus: empty struct in signature \"" + s + "\"");
                while (j < s.Length && s[j] != ')') j = End(s, j, depth + 1);
                if (j >= s.Length) throw new RuncException("dbus: signature \"" + s + "\" has an unclosed struct");
                return j + 1;
            }
            case '{':
            {
                if (i == 0 || s[i - 1] != 'a') throw new RuncException("dbus: dict entry outside an array in \"" + s + "\"");
                int j = End(s, i + 1, depth + 1);
                if (j - (i + 1) != 1 || s[i + 1] is 'a' or '(' or '{' or 'v') throw new RuncException("dbus: dict key in \"" + s + "\" is not a basic type");
                j = End(s, j, depth + 1);
                if (j >= s.Length || s[j] != '}') throw new RuncException("dbus: signature \"" + s + "\" has a bad dict entry");
                return j + 1;
            }
            default:
                Alignment(s[i]);
                if (s[i] is ')' or '}') throw new RuncException("dbus: stray '" + s[i] + "' in signature \"" + s + "\"");
                return i + 1;
        }
    }
}
