using System.Globalization;
using System.Text;
using Runc.Cgroups.Systemd;
using Runc.Cgroups.Systemd.DBus;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// `org.systemd.property.*` annotations as runc 1.1.5 reads them (initSystemdProps over godbus's ParseVariant). Every
/// row of the value table was observed with Debian's runc 1.1.5 against tools/fake-systemd: the property it sent
/// (signature and value as the fake logs them) or its "value parse error: ..." text.
/// </summary>
public class SystemdAnnotationTests
{
    [Theory]
    [InlineData("true", "b", "true", null)]
    [InlineData("false", "b", "false", null)]
    [InlineData("trueish", "b", "true", null)]
    [InlineData(" true", "b", "true", null)]
    [InlineData("123", "i", "123", null)]
    [InlineData("-5", "i", "-5", null)]
    [InlineData("+7", "i", "7", null)]
    [InlineData("0", "i", "0", null)]
    [InlineData("010", "i", "8", null)]
    [InlineData("0x1F", "i", "31", null)]
    [InlineData("0x0f", null, null, "strconv.ParseInt: parsing \"f\": invalid syntax")]
    [InlineData("08", "i", "0", null)]
    [InlineData("0.9", "d", "0", null)]
    [InlineData("1.5", "d", "1.5", null)]
    [InlineData("-2.5e3", "d", "-2500", null)]
    [InlineData("1e", null, null, "strconv.ParseFloat: parsing \"1e\": invalid syntax")]
    [InlineData("1e400", null, null, "strconv.ParseFloat: parsing \"1e400\": value out of range")]
    [InlineData("2147483648", null, null, "strconv.ParseInt: parsing \"2147483648\": value out of range")]
    [InlineData("uint64 123", "t", "123", null)]
    [InlineData("uint64 -1", null, null, "strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [InlineData("uint64 0x10", "t", "16", null)]
    [InlineData("uint32 4294967296", null, null, "strconv.ParseUint: parsing \"4294967296\": value out of range")]
    [InlineData("int16 -32768", "n", "-32768", null)]
    [InlineData("int16 32768", null, null, "strconv.ParseInt: parsing \"32768\": value out of range")]
    [InlineData("byte 255", "y", "255", null)]
    [InlineData("byte 256", null, null, "strconv.ParseUint: parsing \"256\": value out of range")]
    [InlineData("int64 -9223372036854775808", "x", "-9223372036854775808", null)]
    [InlineData("uint64 18446744073709551615", "t", "18446744073709551615", null)]
    [InlineData("uint64 18446744073709551616", null, null, "strconv.ParseUint: parsing \"18446744073709551616\": value out of range")]
    [InlineData("double 1.5", null, null, "dbus: can't parse \"1.5\" as type \"f\"")]
    [InlineData("boolean true", "b", "true", null)]
    [InlineData("boolean 1", null, null, "dbus: can't parse \"1\" as type \"b\"")]
    [InlineData("string 'x'", "s", "\"x\"", null)]
    [InlineData("objectpath '/a/b'", "o", "\"/a/b\"", null)]
    [InlineData("signature 'as'", "g", "\"as\"", null)]
    [InlineData("@t 5", "t", "5", null)]
    [InlineData("@s 5", null, null, "dbus: can't parse \"5\" as type \"s\"")]
    [InlineData("@as []", "as", "[]", null)]
    [InlineData("@au [1, 2]", "au", "[1, 2]", null)]
    [InlineData("'abc'", "s", "\"abc\"", null)]
    [InlineData("\"a\\\"b\"", "s", "\"a\\\"b\"", null)]
    [InlineData("'tab\\there'", "s", "\"tab\there\"", null)]
    [InlineData("'\\u00e9'", "s", "\"é\"", null)]
    [InlineData("'\\u12'", null, null, "short unicode escape")]
    [InlineData("['a', 'b']", "as", "[\"a\", \"b\"]", null)]
    [InlineData("[\"x\"]", "as", "[\"x\"]", null)]
    [InlineData("[1, 2, 3]", "ai", "[1, 2, 3]", null)]
    [InlineData("[1, 2.5]", "ad", "[1, 2.5]", null)]
    [InlineData("[uint64 1, 2]", "at", "[1, 2]", null)]
    [InlineData("[true, false]", "ab", "[true, false]", null)]
    [InlineData("[1, 'a']", null, null, "can't parse \"a\" with given type information")]
    [InlineData("[]", null, null, "can't infer type for \"[]\"")]
    [InlineData("[[1], [2]]", "aai", "[[1], [2]]", null)]
    [InlineData("['a',", null, null, "unexpected EOF")]
    [InlineData("b'ab'", "ay", "0x616200", null)]
    [InlineData("b'\\x41\\0101'", "ay", "0x414100", null)]
    [InlineData("<5>", "v", "<i 5>", null)]
    [InlineData("<'s'>", "v", "<s \"s\">", null)]
    [InlineData("{'a': 1}", "a{si}", "[{\"a\": 1}]", null)]
    [InlineData("{1: true}", "a{ib}", "[{1: true}]", null)]
    [InlineData("{}", null, null, "can't infer type for \"{}\"")]
    [InlineData("@a{sv} {}", "a{sv}", "[]", null)]
    [InlineData("{'a': 1, 'b': 'x'}", null, null, "can't parse \"x\" with given type information")]
    [InlineData("[<1>, <'a'>]", "av", "[<i 1>, <s \"a\">]", null)]
    [InlineData("xyz", null, null, "unrecognized type \"xyz\"")]
    [InlineData("1abc", null, null, "bad number syntax: \"1a\"")]
    [InlineData("123 abc", "i", "123", null)]
    [InlineData("'abc", null, null, "unterminated string")]
    [InlineData("]", null, null, "unexpected \"]\"")]
    [InlineData(",", null, null, "unexpected \",\"")]
    [InlineData("@zz 1", null, null, "dbus: invalid signature: \"zz\" (invalid type character)")]
    [InlineData("@as [1]", null, null, "can't parse \"1\" with given type information")]
    [InlineData("uint64 uint64 1", null, null, "unexpected type annotation")]
    [InlineData("int32 'a'", null, null, "invalid type \"i\" for string")]
    [InlineData("string 5", null, null, "dbus: can't parse \"5\" as type \"s\"")]
    public void Values_parse_as_runc_1_1_5_parses_them(string text, string? signature, string? value, string? error)
    {
        if (error != null)
        {
            Assert.Equal(error, Assert.Throws<FormatException>(() => GVariantText.Parse(text)).Message);
            return;
        }
        var v = GVariantText.Parse(text);
        Assert.Equal((signature, value), (v.Signature, Format(v.Signature, v.Value)));
        // What the parser gives must be writable as its signature (the a(sv) of StartTransientUnit).
        new DBusWriter().Write("v", v);
    }

    [Theory]
    [InlineData("TimeoutStopSec", "10", "TimeoutStopUSec", "t", "10000000")]
    [InlineData("TimeoutStopSec", "uint64 10", "TimeoutStopUSec", "t", "10000000")]
    [InlineData("TimeoutStopSec", "1.5", "TimeoutStopUSec", "t", "1500000")]
    [InlineData("TimeoutStopSec", "-1", "TimeoutStopUSec", "t", "18446744073708551616")] // Go's uint64(int32(-1)) * 1e6, wrapped
    [InlineData("RuntimeMaxSec", "byte 3", "RuntimeMaxUSec", "t", "3000000")]
    [InlineData("TimeoutStopUSec", "10", "TimeoutStopUSec", "i", "10")] // already microseconds
    [InlineData("FooNSec", "10", "FooNSec", "i", "10")]                 // no lowercase letter before Sec
    [InlineData("CollectMode", "'inactive-or-failed'", "CollectMode", "s", "\"inactive-or-failed\"")]
    [InlineData("SendSIGHUP", "true", "SendSIGHUP", "b", "true")]
    public void Annotations_become_unit_properties_with_runcs_sec_conversion(string name, string text, string sent, string signature, string value)
    {
        var props = SystemdAnnotations.Properties(new Dictionary<string, string>
        {
            ["org.systemd.property." + name] = text,
            ["org.example.other"] = "ignored",
        });
        var p = Assert.Single(props);
        var v = Assert.IsType<DBusVariant>(p.Value);
        Assert.Equal((sent, signature, value), (p.Name, v.Signature, Format(v.Signature, v.Value)));
    }

    [Theory]
    [InlineData("org.systemd.property.Ab", "1", "annotation org.systemd.property.Ab name incorrect: too short")]
    [InlineData("org.systemd.property.", "1", "annotation org.systemd.property. name incorrect: too short")]
    [InlineData("org.systemd.property.A-b", "1", "annotation org.systemd.property.A-b name incorrect: contains non-alphabetic character")]
    [InlineData("org.systemd.property.Timeout1", "1", "annotation org.systemd.property.Timeout1 name incorrect: contains non-alphabetic character")]
    [InlineData("org.systemd.property.Défaut", "1", "annotation org.systemd.property.Défaut name incorrect: contains non-alphabetic character")]
    [InlineData("org.systemd.property.TimeoutStopSec", "abc", "annotation org.systemd.property.TimeoutStopSec=abc value parse error: unrecognized type \"abc\"")]
    [InlineData("org.systemd.property.TimeoutStopSec", "'x'", "annotation org.systemd.property.TimeoutStopSec='x' value parse error: not a number")]
    [InlineData("org.systemd.property.Foo", "3000000000", "annotation org.systemd.property.Foo=3000000000 value parse error: strconv.ParseInt: parsing \"3000000000\": value out of range")]
    // runc 1.1.5 crashes (index out of range) on a bare "Sec"; nrunc refuses it.
    [InlineData("org.systemd.property.Sec", "1", "annotation org.systemd.property.Sec name incorrect: nothing before Sec")]
    public void Bad_annotations_are_refused_in_runcs_words(string key, string text, string error)
    {
        var e = Assert.Throws<RuncException>(() => SystemdAnnotations.Properties(new Dictionary<string, string> { [key] = text }));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void Annotation_properties_follow_runcs_own_in_start_transient_unit()
    {
        var props = SystemdAnnotations.Properties(new Dictionary<string, string> { ["org.systemd.property.CollectMode"] = "'inactive-or-failed'" });
        var array = SystemdDbusClient.PropertyArray([new("Delegate", true), .. props]);
        var w = new DBusWriter();
        w.Write("a(sv)", array);
        var back = (List<object>)new DBusReader(w.ToArray()).Read("a(sv)");
        Assert.Equal(2, back.Count);
        var last = (object[])back[1];
        Assert.Equal("CollectMode", last[0]);
        Assert.Equal(new DBusVariant("s", "inactive-or-failed"), last[1]);
    }

    /// <summary>A value as tools/fake-systemd logs it.</summary>
    static string Format(string sig, object value)
    {
        switch (sig[0])
        {
            case 'b': return (bool)value ? "true" : "false";
            case 'd': return ((double)value).ToString("R", CultureInfo.InvariantCulture);
            case 's' or 'o' or 'g': return "\"" + ((string)value).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            case 'v': var v = (DBusVariant)value; return "<" + v.Signature + " " + Format(v.Signature, v.Value) + ">";
            case 'a':
                if (sig == "ay") return "0x" + Convert.ToHexStringLower((byte[])value);
                var sb = new StringBuilder("[");
                string elem = sig[1..];
                foreach (object item in (System.Collections.IEnumerable)value)
                {
                    if (sb.Length > 1) sb.Append(", ");
                    if (elem[0] == '{')
                    {
                        var kv = (object[])item;
                        sb.Append('{').Append(Format(elem[1..2], kv[0])).Append(": ").Append(Format(elem[2..^1], kv[1])).Append('}');
                    }
                    else sb.Append(Format(elem, item));
                }
                return sb.Append(']').ToString();
            default: return Convert.ToString(value, CultureInfo.InvariantCulture)!;
        }
    }
}
