using Runc.Cli;

namespace Runc.Cli.Tests;

/// <summary>strconv/time parsing corner cases that Go accepts or refuses.</summary>
public class GoValuesTests
{
    [Theory]
    [InlineData("9223372036854775807", 9223372036854775807L)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("0x_1F", 31)]
    [InlineData("0O17", 15)]
    [InlineData("0", 0)]
    [InlineData("-0x10", -16)]
    public void Int_accepts(string text, long expected)
    {
        Assert.Null(GoValues.ParseInt(text, out long v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("", GoValues.ParseError)]
    [InlineData("0x", GoValues.ParseError)]
    [InlineData("08", GoValues.ParseError)]
    [InlineData("1_", GoValues.ParseError)]
    [InlineData("_1", GoValues.ParseError)]
    [InlineData("1__2", GoValues.ParseError)]
    [InlineData(" 1", GoValues.ParseError)]
    [InlineData("1.0", GoValues.ParseError)]
    [InlineData("9223372036854775808", GoValues.RangeError)]
    [InlineData("-9223372036854775809", GoValues.RangeError)]
    public void Int_refuses(string text, string error) => Assert.Equal(error, GoValues.ParseInt(text, out _));

    [Fact]
    public void Uint_has_no_sign_and_64_bits()
    {
        Assert.Equal(GoValues.ParseError, GoValues.ParseUint("-1", out _));
        Assert.Equal(GoValues.ParseError, GoValues.ParseUint("+1", out _));
        Assert.Null(GoValues.ParseUint("18446744073709551615", out ulong max));
        Assert.Equal(ulong.MaxValue, max);
        Assert.Equal(GoValues.RangeError, GoValues.ParseUint("18446744073709551616", out _));
    }

    [Theory]
    [InlineData("1ns", 1)]
    [InlineData("1us", 1_000)]
    [InlineData("1µs", 1_000)]
    [InlineData("1μs", 1_000)]
    [InlineData(".5s", 500_000_000)]
    [InlineData("1.s", 1_000_000_000)]
    [InlineData("2h45m", 9_900_000_000_000)]
    [InlineData("+0", 0)]
    [InlineData("1.000000001s", 1_000_000_001)]
    public void Duration_accepts(string text, long ns)
    {
        Assert.Null(GoValues.ParseDuration(text, out long v));
        Assert.Equal(ns, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("1d")]
    [InlineData("1 s")]
    [InlineData("-")]
    [InlineData("3000000h")]
    public void Duration_refuses(string text) => Assert.Equal(GoValues.ParseError, GoValues.ParseDuration(text, out _));

    [Theory]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("tRUE")]
    [InlineData("")]
    public void Bool_refuses_what_go_refuses(string text) => Assert.Equal(GoValues.ParseError, GoValues.ParseBool(text, out _));
}
