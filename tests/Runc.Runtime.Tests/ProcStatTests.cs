using Runc.Runtime.Containers;
using Xunit;

namespace Runc.Runtime.Tests;

public class ProcStatTests
{
    [Fact]
    public void Parse_TakesTheFieldsAfterTheLastParenthesis()
    {
        const string line = "4242 (a) b) (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 2235761 2453504 200 18446744073709551615\n";
        Assert.Equal(new ProcStat('S', 2235761), ProcStat.Parse(line));
    }

    [Fact]
    public void Parse_RefusesATruncatedLine() => Assert.Null(ProcStat.Parse("4242 (sh) S 1 2 3"));

    [Fact]
    public void Read_OfThisProcess_IsRunningWithItsStartTime()
    {
        var self = ProcStat.Read(Environment.ProcessId);
        Assert.NotNull(self);
        Assert.Contains(self.Value.State, "RSD"); // alive: running or sleeping (the main thread's state)
        string text = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
        Assert.Equal(ProcStat.Parse(text)!.Value.StartTime, self.Value.StartTime);
        Assert.True(ProcStat.IsAlive(Environment.ProcessId, self.Value.StartTime));
        Assert.False(ProcStat.IsAlive(Environment.ProcessId, self.Value.StartTime + 1));
    }

    [Fact]
    public void Read_OfNoProcess_IsNull()
    {
        Assert.Null(ProcStat.Read(0));
        Assert.Null(ProcStat.Read(int.MaxValue));
    }
}
