using Runc.Runtime.Containers;
using Xunit;

namespace Runc.Runtime.Tests;

public class SupervisorTests
{
    [Fact]
    public void SigBlk_IsReadFromAProcStatusText()
    {
        const string status = "Name:\tnrunc\nState:\tS (sleeping)\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n" +
                              "SigBlk:\tfffffffc7ffbfeff\nSigIgn:\t0000000000001000\nSigCgt:\t0000000200000000\n";
        Assert.Equal(0xfffffffc7ffbfeffUL, Supervisor.SigBlk(status));
    }

    [Fact]
    public void SigBlk_WithoutTheLine_IsNothingBlocked() => Assert.Equal(0UL, Supervisor.SigBlk("Name:\tx\nSigIgn:\t0\n"));
}
