using System.Globalization;

namespace Runc.Oci;

/// <summary>
/// A JSON syntax checker that fails with the sentences of Go's encoding/json scanner
/// (<c>invalid character 'b' looking for beginning of object key string</c>, <c>unexpected EOF</c>, ...).
/// runc prints those sentences verbatim and users search for them, so nrunc checks syntax with this
/// first and only then hands the (now known well-formed) bytes to System.Text.Json.
/// </summary>
public static class GoJsonSyntax
{
    /// <summary>Go's nesting limit (encoding/json maxNestingDepth).</summary>
    private const int MaxDepth = 10000;

    /// <summary>Returns null when <paramref name="json"/> is exactly one JSON value (surrounded by optional whitespace), else Go's error text.</summary>
    public static string? Check(ReadOnlySpan<byte> json)
    {
        var scanner = new Scanner(json);
        scanner.SkipWhitespace();
        // json.Decoder reports a document with no value at all as plain "EOF".
        if (scanner.AtEnd) return "EOF";
        string? error = scanner.Value(0);
        if (error != null) return error;
        scanner.SkipWhitespace();
        return scanner.AtEnd ? null : Invalid(scanner.Current, "after top-level value");
    }

    private static string Invalid(byte c, string context) => $"invalid character {QuoteChar(c)} {context}";

    /// <summary>Go's quoteChar: the byte in single quotes, escaped like strconv.Quote.</summary>
    internal static string QuoteChar(byte c) => c switch
    {
        (byte)'\'' => @"'\''",
        (byte)'"' => "'\"'",
        (byte)'\\' => @"'\\'",
        (byte)'\n' => @"'\n'",
        (byte)'\r' => @"'\r'",
        (byte)'\t' => @"'\t'",
        (byte)'\a' => @"'\a'",
        (byte)'\b' => @"'\b'",
        (byte)'\f' => @"'\f'",
        (byte)'\v' => @"'\v'",
        < 0x20 or 0x7f => "'\\x" + c.ToString("x2", CultureInfo.InvariantCulture) + "'",
        // Go converts the byte to a rune, so 0x80-0xff print as Latin-1 letters (or \u escapes
        // for the non-printable C1 range).
        >= 0x80 and < 0xa0 => "'\\u" + c.ToString("x4", CultureInfo.InvariantCulture) + "'",
        _ => "'" + (char)c + "'",
    };

    private ref struct Scanner(ReadOnlySpan<byte> json)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private int _pos;

        public readonly bool AtEnd => _pos >= _json.Length;
        public readonly byte Current => _json[_pos];

        public void SkipWhitespace()
        {
            while (!AtEnd && Current is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') _pos++;
        }

        public string? Value(int depth)
        {
            SkipWhitespace();
            if (AtEnd) return "unexpected EOF";
            byte c = Current;
            switch (c)
            {
                case (byte)'{': return Object(depth + 1);
                case (byte)'[': return Array(depth + 1);
                case (byte)'"': return String();
                case (byte)'t': return Literal("true");
                case (byte)'f': return Literal("false");
                case (byte)'n': return Literal("null");
                case (byte)'-' or (>= (byte)'0' and <= (byte)'9'): return Number();
                default: return Invalid(c, "looking for beginning of value");
            }
        }

        private string? Object(int depth)
        {
            if (depth > MaxDepth) return "exceeded max depth";
            _pos++; // '{'
            SkipWhitespace();
            if (AtEnd) return "unexpected EOF";
            if (Current == '}') { _pos++; return null; }
            while (true)
            {
                if (AtEnd) return "unexpected EOF";
                if (Current != '"') return Invalid(Current, "looking for beginning of object key string");
                if (String() is { } keyError) return keyError;
                SkipWhitespace();
                if (AtEnd) return "unexpected EOF";
                if (Current != ':') return Invalid(Current, "after object key");
                _pos++;
                if (Value(depth) is { } valueError) return valueError;
                SkipWhitespace();
                if (AtEnd) return "unexpected EOF";
                if (Current == '}') { _pos++; return null; }
                if (Current != ',') return Invalid(Current, "after object key:value pair");
                _pos++;
                SkipWhitespace();
            }
        }

        private string? Array(int depth)
        {
            if (depth > MaxDepth) return "exceeded max depth";
            _pos++; // '['
            SkipWhitespace();
            if (AtEnd) return "unexpected EOF";
            if (Current == ']') { _pos++; return null; }
            while (true)
            {
                if (Value(depth) is { } error) return error;
                SkipWhitespace();
                if (AtEnd) return "unexpected EOF";
                if (Current == ']') { _pos++; return null; }
                if (Current != ',') return Invalid(Current, "after array element");
                _pos++;
            }
        }

        private string? String()
        {
            _pos++; // opening quote
            while (true)
            {
                if (AtEnd) return "unexpected EOF";
                byte c = _json[_pos++];
                if (c == '"') return null;
                if (c < 0x20) return Invalid(c, "in string literal");
                if (c != '\\') continue;
                if (AtEnd) return "unexpected EOF";
                c = _json[_pos++];
                if (c == 'u')
                {
                    for (int i = 0; i < 4; i++)
                    {
                        if (AtEnd) return "unexpected EOF";
                        c = _json[_pos++];
                        if (!char.IsAsciiHexDigit((char)c)) return Invalid(c, @"in \u hexadecimal character escape");
                    }
                }
                else if (c is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'))
                {
                    return Invalid(c, "in string escape code");
                }
            }
        }

        private string? Literal(string word)
        {
            foreach (char expected in word)
            {
                if (AtEnd) return "unexpected EOF";
                byte c = _json[_pos];
                if (c != expected) return Invalid(c, $"in literal {word} (expecting {QuoteChar((byte)expected)})");
                _pos++;
            }
            return null;
        }

        private string? Number()
        {
            if (Current == '-')
            {
                _pos++;
                if (AtEnd) return "unexpected EOF";
                if (!IsDigit(Current)) return Invalid(Current, "in numeric literal");
            }
            // A leading 0 stands alone: "01" ends the number after 0 and the caller rejects '1'.
            if (Current == '0') _pos++;
            else while (!AtEnd && IsDigit(Current)) _pos++;

            if (!AtEnd && Current == '.')
            {
                _pos++;
                if (AtEnd) return "unexpected EOF";
                if (!IsDigit(Current)) return Invalid(Current, "after decimal point in numeric literal");
                while (!AtEnd && IsDigit(Current)) _pos++;
            }
            if (!AtEnd && Current is (byte)'e' or (byte)'E')
            {
                _pos++;
                if (!AtEnd && Current is (byte)'+' or (byte)'-') _pos++;
                if (AtEnd) return "unexpected EOF";
                if (!IsDigit(Current)) return Invalid(Current, "in exponent of numeric literal");
                while (!AtEnd && IsDigit(Current)) _pos++;
            }
            return null;
        }

        private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
    }
}
