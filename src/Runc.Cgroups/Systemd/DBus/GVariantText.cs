using System.Globalization;
using System.Text;
using Runc.Oci;

namespace Runc.Cgroups.Systemd.DBus;

/// <summary>
/// A value in GVariant text format (https://docs.gtk.org/glib/gvariant-text-format.html) as godbus/dbus v5's
/// ParseVariant(s, Signature{}) reads it, for runc 1.1.5's `org.systemd.property.*` annotations: booleans, numbers
/// (plain ones are int32, or double with '.' or 'e'; type words "uint64 5" ... and "@t 5" prefixes; 0x hex and 0 octal),
/// '…' and "…" strings with their escapes, b'…' byte strings, [arrays], {dictionaries} and &lt;variants&gt;, with godbus's
/// quirks kept (what follows the first value is ignored; "0.9" is 0 because a leading 0 makes the digits octal;
/// "double" means the invalid type "f") and its error texts. Values come back as <see cref="DBusWriter"/> writes them.
/// </summary>
public static class GVariantText
{
    enum Tok : byte { Eof, Error, Number, String, Bool, ArrayStart, ArrayEnd, DictStart, DictEnd, VariantStart, VariantEnd, Comma, Colon, Type, ByteString }

    enum Kind : byte { Number, String, Bool, Array, Variant, Dict, ByteString }

    static readonly string[] NumberSigs = ["y", "n", "q", "i", "u", "x", "t", "d"];
    static readonly string[] StringSigs = ["s", "g", "o"];

    /// <summary>A parsed value before its type is settled (godbus's varNode).</summary>
    sealed class Node(Kind kind)
    {
        public readonly Kind Kind = kind;
        public string Sig = "";      // the type annotation, "" when none
        public string Text = "";     // a number's digits, a string's contents
        public object? Val;          // a typed number's or string's value
        public bool Bool;
        public byte[]? Bytes;
        public List<string>? Set;    // an array's possible signatures (null: no information)
        public List<string>? KSet, VSet;
        public List<Node>? Items;    // array children, or dict keys and values alternating
    }

    /// <summary>Parses <paramref name="text"/> into a variant; a <see cref="FormatException"/> carries godbus's error text.</summary>
    public static DBusVariant Parse(string text)
    {
        var tokens = Lex(text);
        int i = 0;
        var n = MakeNode(tokens, ref i);
        string sig = Infer(n);
        return new DBusVariant(sig, Value(n, sig));
    }

    // ---- lexer (godbus's varLex: all tokens first, an error token ends them) -------------------------------------

    static List<(Tok, string)> Lex(string s)
    {
        var tokens = new List<(Tok, string)>();
        int pos = 0;
        while (true)
        {
            if (pos >= s.Length) { tokens.Add((Tok.Eof, "")); return tokens; }
            int start = pos;
            char r = s[pos++];
            Tok single = r switch
            {
                '[' => Tok.ArrayStart, ']' => Tok.ArrayEnd, '{' => Tok.DictStart, '}' => Tok.DictEnd, '<' => Tok.VariantStart,
                '>' => Tok.VariantEnd, ':' => Tok.Colon, ',' => Tok.Comma, _ => Tok.Eof,
            };
            if (single != Tok.Eof) { tokens.Add((single, s[start..pos])); continue; }
            if (char.IsWhiteSpace(r)) continue;
            string? error;
            if (r is '\'' or '"')
            {
                if ((error = LexQuoted(s, start, ref pos)) != null) { tokens.Add((Tok.Error, error)); return tokens; }
                tokens.Add((Tok.String, s[start..pos]));
                continue;
            }
            if (r == 'b' && pos < s.Length && s[pos] is '\'' or '"')
            {
                if ((error = LexQuoted(s, start + 1, ref pos)) != null) { tokens.Add((Tok.Error, error.Replace("string", "bytestring", StringComparison.Ordinal))); return tokens; }
                tokens.Add((Tok.ByteString, s[start..pos]));
                continue;
            }
            if (char.IsAsciiDigit(r) || r is '+' or '-')
            {
                pos = start;
                if ((error = LexNumber(s, ref pos)) != null) { tokens.Add((Tok.Error, error)); return tokens; }
                tokens.Add((Tok.Number, s[start..pos]));
                continue;
            }
            if (char.IsNumber(r)) { tokens.Add((Tok.Error, "bad number syntax: " + GoStrings.Quote(r.ToString()))); return tokens; }
            if (r != '@')
            {
                pos = start;
                string? word = s.AsSpan(pos).StartsWith("true", StringComparison.Ordinal) ? "true"
                    : s.AsSpan(pos).StartsWith("false", StringComparison.Ordinal) ? "false" : null;
                if (word != null) { pos += word.Length; tokens.Add((Tok.Bool, word)); continue; }
            }
            // A type: everything up to the next space.
            pos = start;
            while (pos < s.Length && !char.IsWhiteSpace(s[pos])) pos++;
            string type = s[start..pos];
            if (r == '@')
            {
                string sig = type[1..];
                if (sig.Length > 0)
                {
                    string? why = null;
                    foreach (char c in sig)
                        if (!"ybnqiuxtdsgovha(){}".Contains(c)) why = "invalid type character";
                    if (why == null)
                    {
                        try { DBusSignature.Split(sig); }
                        catch (RuncException e) { why = e.Message; }
                    }
                    if (why != null) { tokens.Add((Tok.Error, "dbus: invalid signature: " + GoStrings.Quote(sig) + " (" + why + ")")); return tokens; }
                }
            }
            else if (TypeWord(type) == null) { tokens.Add((Tok.Error, "unrecognized type " + GoStrings.Quote(type))); return tokens; }
            tokens.Add((Tok.Type, type));
        }
    }

    /// <summary>godbus's varTypeMap ("double" is "f" there, which no number parses as).</summary>
    static string? TypeWord(string word) => word switch
    {
        "boolean" => "b", "byte" => "y", "int16" => "n", "uint16" => "q", "int32" => "i", "uint32" => "u", "int64" => "x",
        "uint64" => "t", "double" => "f", "string" => "s", "objectpath" => "o", "signature" => "g", _ => null,
    };

    /// <summary>A quoted string whose opening quote is at <paramref name="quote"/>; pos ends after its closing quote.</summary>
    static string? LexQuoted(string s, int quote, ref int pos)
    {
        char q = s[quote];
        pos = quote + 1;
        while (true)
        {
            if (pos >= s.Length) return "unterminated string";
            char c = s[pos++];
            if (c == '\\')
            {
                if (pos >= s.Length) return "unterminated string";
                pos++;
            }
            else if (c == q) return null;
        }
    }

    static string? LexNumber(string s, ref int pos)
    {
        int start = pos;
        if (pos < s.Length && s[pos] is '+' or '-') pos++;
        string digits = "0123456789";
        if (pos < s.Length && s[pos] == '0')
        {
            pos++;
            if (pos < s.Length && s[pos] == 'x') { pos++; digits = "0123456789abcdefABCDEF"; }
            else digits = "01234567";
        }
        while (pos < s.Length && digits.Contains(s[pos])) pos++;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            while (pos < s.Length && digits.Contains(s[pos])) pos++;
        }
        if (pos < s.Length && s[pos] is 'e' or 'E')
        {
            pos++;
            if (pos < s.Length && s[pos] is '+' or '-') pos++;
            while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
        }
        if (pos < s.Length && char.IsLetter(s[pos])) return "bad number syntax: " + GoStrings.Quote(s[start..(pos + 1)]);
        return null;
    }

    // ---- parser (godbus's varMakeNode and friends) ----------------------------------------------------------------

    static (Tok Type, string Text) Next(List<(Tok, string)> tokens, ref int i) => i < tokens.Count ? tokens[i++] : (Tok.Eof, "");

    static Node MakeNode(List<(Tok, string)> tokens, ref int i)
    {
        string sig = "";
        while (true)
        {
            var (type, text) = Next(tokens, ref i);
            switch (type)
            {
                case Tok.Eof: throw new FormatException("unexpected EOF");
                case Tok.Error: throw new FormatException(text);
                case Tok.Number:
                {
                    var n = new Node(Kind.Number);
                    if (sig.Length == 0) n.Text = text;
                    else { n.Sig = sig; n.Val = NumberAs(text, sig); }
                    return n;
                }
                case Tok.String:
                {
                    if (sig.Length > 0 && sig is not ("s" or "g" or "o")) throw new FormatException("invalid type " + GoStrings.Quote(sig) + " for string");
                    var n = new Node(Kind.String) { Text = Unquote(text), Sig = sig };
                    if (sig.Length > 0) n.Val = n.Text;
                    return n;
                }
                case Tok.Bool:
                    if (sig.Length > 0 && sig != "b") throw TypeError(text, sig);
                    return new Node(Kind.Bool) { Bool = text == "true" };
                case Tok.ArrayStart: return MakeArray(tokens, ref i, sig);
                case Tok.VariantStart:
                {
                    var inner = MakeNode(tokens, ref i);
                    var (end, endText) = Next(tokens, ref i);
                    if (end != Tok.VariantEnd) throw new FormatException("unexpected " + GoStrings.Quote(endText));
                    var n = new Node(Kind.Variant) { Items = [inner] };
                    if (sig.Length > 0 && sig != "v") throw TypeError(String(n), sig);
                    return n;
                }
                case Tok.DictStart: return MakeDict(tokens, ref i, sig);
                case Tok.Type:
                    if (sig.Length > 0) throw new FormatException("unexpected type annotation");
                    sig = text[0] == '@' ? text[1..] : TypeWord(text)!;
                    break;
                case Tok.ByteString:
                    if (sig.Length > 0 && sig != "ay") throw TypeError(text, sig);
                    return new Node(Kind.ByteString) { Bytes = ByteString(text) };
                default: throw new FormatException("unexpected " + GoStrings.Quote(text));
            }
        }
    }

    /// <summary>Reads the token after an element: the closing token (true), a comma (false), anything else fails.</summary>
    static bool EndOrComma(List<(Tok, string)> tokens, ref int i, Tok close)
    {
        var (type, text) = Next(tokens, ref i);
        if (type == Tok.Eof) throw new FormatException("unexpected EOF");
        if (type == Tok.Error) throw new FormatException(text);
        if (type == close) return true;
        if (type == Tok.Comma) return false;
        throw new FormatException("unexpected " + GoStrings.Quote(text));
    }

    /// <summary>Fails on the end or an error token, else leaves it to be read.</summary>
    static void ExpectMore(List<(Tok, string)> tokens, int i)
    {
        var (type, text) = i < tokens.Count ? tokens[i] : (Tok.Eof, "");
        if (type == Tok.Eof) throw new FormatException("unexpected EOF");
        if (type == Tok.Error) throw new FormatException(text);
    }

    static Node MakeArray(List<(Tok, string)> tokens, ref int i, string sig)
    {
        var n = new Node(Kind.Array) { Items = [] };
        if (sig.Length > 0) n.Set = [sig];
        if (i < tokens.Count && tokens[i].Item1 == Tok.ArrayEnd) { i++; return n; }
        do
        {
            ExpectMore(tokens, i);
            var child = MakeNode(tokens, ref i);
            var cset = Sigs(child);
            if (cset.Count > 0)
            {
                var arrays = new List<string>(cset.Count);
                foreach (string c in cset) arrays.Add("a" + c);
                if (n.Set is not { Count: > 0 }) n.Set = arrays;
                else
                {
                    n.Set = Intersect(arrays, n.Set);
                    if (n.Set.Count == 0) throw new FormatException("can't parse " + GoStrings.Quote(String(child)) + " with given type information");
                }
            }
            n.Items.Add(child);
        }
        while (!EndOrComma(tokens, ref i, Tok.ArrayEnd));
        return n;
    }

    static Node MakeDict(List<(Tok, string)> tokens, ref int i, string sig)
    {
        var n = new Node(Kind.Dict) { Items = [] };
        if (sig.Length > 0)
        {
            if (sig.Length < 5) throw new FormatException("invalid signature " + GoStrings.Quote(sig) + " for dict type");
            n.KSet = [sig[2..3]];
            n.VSet = [sig[3..^1]];
        }
        if (i < tokens.Count && tokens[i].Item1 == Tok.DictEnd) { i++; return n; }
        do
        {
            ExpectMore(tokens, i);
            var key = MakeNode(tokens, ref i);
            n.KSet = Narrow(n.KSet, Sigs(key), key);
            var (type, text) = Next(tokens, ref i);
            if (type == Tok.Eof) throw new FormatException("unexpected EOF");
            if (type == Tok.Error) throw new FormatException(text);
            if (type != Tok.Colon) throw new FormatException("unexpected " + GoStrings.Quote(text));
            ExpectMore(tokens, i);
            var value = MakeNode(tokens, ref i);
            n.VSet = Narrow(n.VSet, Sigs(value), value);
            n.Items.Add(key);
            n.Items.Add(value);
        }
        while (!EndOrComma(tokens, ref i, Tok.DictEnd));
        return n;
    }

    static List<string>? Narrow(List<string>? set, List<string> child, Node node)
    {
        if (child.Count == 0) return set;
        if (set is not { Count: > 0 }) return child;
        var both = Intersect(child, set);
        return both.Count > 0 ? both : throw new FormatException("can't parse " + GoStrings.Quote(String(node)) + " with given type information");
    }

    static List<string> Intersect(List<string> a, List<string> b)
    {
        var r = new List<string>();
        foreach (string x in a) if (b.Contains(x) && !r.Contains(x)) r.Add(x);
        return r;
    }

    // ---- types and values (Sigs / Infer / Value) ------------------------------------------------------------------

    static List<string> Sigs(Node n)
    {
        switch (n.Kind)
        {
            case Kind.Number:
                if (n.Sig.Length > 0) return [n.Sig];
                return IsFloat(n.Text) ? ["d"] : new List<string>(NumberSigs);
            case Kind.String: return n.Sig.Length > 0 ? [n.Sig] : new List<string>(StringSigs);
            case Kind.Bool: return ["b"];
            case Kind.Variant: return ["v"];
            case Kind.ByteString: return ["ay"];
            case Kind.Array: return n.Set ?? [];
            default:
                var r = new List<string>();
                foreach (string k in n.KSet ?? []) foreach (string v in n.VSet ?? []) r.Add("a{" + k + v + "}");
                return r;
        }
    }

    static bool IsFloat(string number) => number.Contains('.') || number.Contains('e');

    /// <summary>godbus's varInfer: the only possible signature, else the node's own guess.</summary>
    static string Infer(Node n)
    {
        var set = Sigs(n);
        if (set.Count == 1) return set[0];
        switch (n.Kind)
        {
            case Kind.Number: return IsFloat(n.Text) ? "d" : "i";
            case Kind.String: return "s";
            case Kind.Array:
                foreach (var child in n.Items!)
                {
                    try { return "a" + Infer(child); }
                    catch (FormatException) { }
                }
                break;
            case Kind.Dict:
                for (int k = 0; k < n.Items!.Count; k += 2)
                {
                    try { return "a{" + Infer(n.Items[k]) + Infer(n.Items[k + 1]) + "}"; }
                    catch (FormatException) { }
                }
                break;
        }
        throw new FormatException("can't infer type for " + GoStrings.Quote(String(n)));
    }

    static string String(Node n)
    {
        switch (n.Kind)
        {
            case Kind.Number: return n.Text;
            case Kind.String: return n.Text;
            case Kind.Bool: return n.Bool ? "true" : "false";
            case Kind.Variant: return "<" + String(n.Items![0]) + ">";
            case Kind.ByteString: return Encoding.UTF8.GetString(n.Bytes!);
        }
        var sb = new StringBuilder(n.Kind == Kind.Array ? "[" : "{");
        var items = n.Items!;
        int step = n.Kind == Kind.Array ? 1 : 2;
        for (int k = 0; k < items.Count; k += step)
        {
            if (k > 0) sb.Append(", ");
            sb.Append(String(items[k]));
            if (step == 2) sb.Append(": ").Append(String(items[k + 1]));
        }
        return sb.Append(n.Kind == Kind.Array ? ']' : '}').ToString();
    }

    static object Value(Node n, string sig)
    {
        switch (n.Kind)
        {
            case Kind.Number:
                if (n.Sig.Length > 0 && n.Sig != sig) throw TypeError(n.Text, sig);
                return n.Val ?? NumberAs(n.Text, sig);
            case Kind.String:
                if (n.Sig.Length > 0 && n.Sig != sig) throw TypeError(n.Text, sig);
                if (n.Val != null) return n.Val;
                return sig is "s" or "g" or "o" ? n.Text : throw TypeError(n.Text, sig);
            case Kind.Bool:
                return sig == "b" ? n.Bool : throw TypeError(String(n), sig);
            case Kind.ByteString:
                return sig == "ay" ? n.Bytes! : throw TypeError(String(n), sig);
            case Kind.Variant:
            {
                if (sig != "v") throw TypeError(String(n), sig);
                string inner = Infer(n.Items![0]);
                return new DBusVariant(inner, Value(n.Items[0], inner));
            }
        }
        var set = Sigs(n);
        if (set.Count == 0) return Array.Empty<object>(); // no type information: an empty array or dict
        if (!set.Contains(sig)) throw TypeError(String(n), sig);
        var items = n.Items!;
        if (n.Kind == Kind.Array)
        {
            var values = new object[items.Count];
            for (int k = 0; k < items.Count; k++) values[k] = Value(items[k], sig[1..]);
            return values;
        }
        var entries = new object[items.Count / 2];
        string ksig = sig[2..3], vsig = sig[3..^1];
        for (int k = 0; k < entries.Length; k++) entries[k] = new object[] { Value(items[2 * k], ksig), Value(items[2 * k + 1], vsig) };
        return entries;
    }

    static FormatException TypeError(string value, string sig) =>
        new("dbus: can't parse " + GoStrings.Quote(value) + " as type " + GoStrings.Quote(sig));

    // ---- numbers (godbus's varNumAs over Go's strconv) -------------------------------------------------------------

    static object NumberAs(string s, string sig)
    {
        int bits;
        bool unsigned;
        switch (sig)
        {
            case "y": bits = 8; unsigned = true; break;
            case "n": bits = 16; unsigned = false; break;
            case "q": bits = 16; unsigned = true; break;
            case "i": bits = 32; unsigned = false; break;
            case "u": bits = 32; unsigned = true; break;
            case "x": bits = 64; unsigned = false; break;
            case "t": bits = 64; unsigned = true; break;
            case "d": return ParseFloat(s);
            default: throw TypeError(s, sig);
        }
        int b = 10;
        if (s.StartsWith("0x", StringComparison.Ordinal)) { b = 16; s = s[2..]; }
        if (s.StartsWith('0') && s.Length != 1) { b = 8; s = s[1..]; }
        if (unsigned)
        {
            ulong u = ParseUint(s, b, bits, "ParseUint");
            return sig switch { "y" => (byte)u, "q" => (ushort)u, "u" => (uint)u, _ => (object)u };
        }
        bool negative = s.Length > 0 && s[0] == '-';
        string digits = s.Length > 0 && s[0] is '+' or '-' ? s[1..] : s;
        ulong magnitude = ParseUint(digits, b, 64, "ParseInt", s);
        ulong limit = 1UL << (bits - 1);
        if (negative ? magnitude > limit : magnitude >= limit) throw NumError("ParseInt", s, "value out of range");
        long v = negative ? (long)(0 - magnitude) : (long)magnitude;
        return sig switch { "n" => (short)v, "i" => (int)v, _ => (object)v };
    }

    /// <summary>Go's strconv.ParseUint without the base prefixes (godbus strips them): digits of
    /// <paramref name="b"/> only, range-checked against <paramref name="bits"/>.</summary>
    static ulong ParseUint(string s, int b, int bits, string func, string? shown = null)
    {
        shown ??= s;
        if (s.Length == 0) throw NumError(func, shown, "invalid syntax");
        ulong max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1, v = 0;
        foreach (char c in s)
        {
            int d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : c is >= 'A' and <= 'Z' ? c - 'A' + 10 : 99;
            if (d >= b) throw NumError(func, shown, "invalid syntax");
            // Go stops at the first digit that overflows, before looking at the rest.
            if (v > (max - (ulong)d) / (ulong)b) throw NumError(func, shown, "value out of range");
            v = v * (ulong)b + (ulong)d;
        }
        return v;
    }

    /// <summary>Go's strconv.ParseFloat for the tokens the lexer makes: decimal forms; a hex mantissa needs a 'p'
    /// exponent, which no token has.</summary>
    static double ParseFloat(string s)
    {
        string digits = s.Length > 0 && s[0] is '+' or '-' ? s[1..] : s;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ||
            !double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out double d) || (digits.Length > 0 && digits[0] == '.'))
            throw NumError("ParseFloat", s, "invalid syntax");
        if (double.IsInfinity(d)) throw NumError("ParseFloat", s, "value out of range");
        return d;
    }

    static FormatException NumError(string func, string s, string why) => new("strconv." + func + ": parsing " + GoStrings.Quote(s) + ": " + why);

    // ---- strings -----------------------------------------------------------------------------------------------

    /// <summary>godbus's varParseString: the contents between the quotes with \a \b \f \n \r \t \uXXXX \UXXXXXXXX,
    /// a backslash-newline dropped and any other escaped character kept.</summary>
    static string Unquote(string token)
    {
        var sb = new StringBuilder(token.Length);
        for (int k = 1; k < token.Length - 1; k++)
        {
            char c = token[k];
            if (c != '\\') { sb.Append(c); continue; }
            c = token[++k];
            switch (c)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case '\n': break;
                case 'u' or 'U':
                {
                    int len = c == 'u' ? 4 : 8;
                    if (token.Length - 1 - (k + 1) < len) throw new FormatException("short unicode escape");
                    string hex = token.Substring(k + 1, len);
                    uint r = (uint)ParseUint(hex, 16, 32, "ParseUint");
                    sb.Append(r <= 0x10FFFF && (r < 0xD800 || r > 0xDFFF) ? char.ConvertFromUtf32((int)r) : "\uFFFD");
                    k += len;
                    break;
                }
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>godbus's varParseByteString: the bytes between b' and ' with \a \b \f \n \r \t \xHH \0OOO, and a
    /// terminating NUL.</summary>
    static byte[] ByteString(string token)
    {
        byte[] s = Encoding.UTF8.GetBytes(token);
        var b = new List<byte>(s.Length);
        for (int k = 2; k < s.Length - 1; k++)
        {
            byte c = s[k];
            if (c != '\\') { b.Add(c); continue; }
            c = s[++k];
            int rest = s.Length - 1 - (k + 1);
            switch ((char)c)
            {
                case 'a': b.Add(7); break;
                case 'b': b.Add(8); break;
                case 'f': b.Add(0xc); break;
                case 'n': b.Add((byte)'\n'); break;
                case 'r': b.Add((byte)'\r'); break;
                case 't': b.Add((byte)'\t'); break;
                case 'x' or '0':
                {
                    int len = c == 'x' ? 2 : 3;
                    if (rest < len) throw new FormatException("short escape");
                    b.Add((byte)ParseUint(Encoding.ASCII.GetString(s, k + 1, len), c == 'x' ? 16 : 8, 8, "ParseUint"));
                    k += len;
                    break;
                }
                default: b.Add(c); break;
            }
        }
        b.Add(0);
        return b.ToArray();
    }
}
