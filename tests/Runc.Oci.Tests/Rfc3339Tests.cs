using Runc.Oci;
using Xunit;

namespace Runc.Oci.Tests;

public class Rfc3339Tests
{
    private static readonly DateTime Base = new(2026, 11, 27, 6, 18, 6, DateTimeKind.Utc);

    [Theory]
    [InlineData("2026-11-27T06:18:06Z", 0L)]
    [InlineData("2026-11-27t06:18:06z", 0L)]
    [InlineData("2026-11-27T06:18:06.5Z", 5_000_000L)]
    [InlineData("2026-11-27T06:18:06.2251409Z", 2_251_409L)]
    [InlineData("2026-11-27T06:18:06.225140963Z", 2_251_409L)]
    [InlineData("2026-11-27T07:18:06+01:00", 0L)]
    [InlineData("2026-11-27T00:48:06.1-05:30", 1_000_000L)]
    public void ParsesGoShapesToUtc(string text, long ticks)
    {
        Assert.True(Rfc3339.TryParseUtc(text, out DateTime utc));
        Assert.Equal(Base.AddTicks(ticks), utc);
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-27T06:18:06")]
    [InlineData("2026-11-27 06:18:06Z")]
    [InlineData("2026-11-27T06:18:06.Z")]
    [InlineData("2026-02-30T06:18:06Z")]
    [InlineData("2026-13-01T06:18:06Z")]
    [InlineData("2026-11-27T24:00:00Z")]
    [InlineData("2026-11-27T06:18:06+0100")]
    [InlineData("2026-11-27T06:18:06Zjunk")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2O26-11-27T06:18:06Z")]
    public void RejectsEverythingElse(string text) => Assert.False(Rfc3339.TryParseUtc(text, out _));

    [Fact]
    public void FormatsOffsetsLikeGo()
    {
        Assert.Equal("2026-11-27T06:18:06Z", Rfc3339.Format(new DateTimeOffset(Base)));
        Assert.Equal("0042-01-02T03:04:05+09:45", Rfc3339.Format(new DateTimeOffset(42, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(585))));
        Assert.Equal("2026-11-27T06:18:06.1Z", Rfc3339.FormatNanoUtc(Base.AddTicks(1_000_000)));
    }

    [Fact]
    public void RoundTripsEveryTickPosition()
    {
        for (long t = 1; t < TimeSpan.TicksPerSecond; t *= 10)
        {
            Assert.True(Rfc3339.TryParseUtc(Rfc3339.FormatNanoUtc(Base.AddTicks(t * 3)), out DateTime back));
            Assert.Equal(Base.AddTicks(t * 3), back);
        }
    }
}
