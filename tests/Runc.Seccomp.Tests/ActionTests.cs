using Runc.Oci;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

public class ActionTests
{
    [Theory]
    [InlineData("SCMP_ACT_KILL", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_THREAD", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_PROCESS", null, 0x80000000u)]
    [InlineData("SCMP_ACT_TRAP", null, 0x00030000u)]
    [InlineData("SCMP_ACT_ERRNO", null, 0x00050001u)]     // EPERM by default
    [InlineData("SCMP_ACT_ERRNO", 13u, 0x0005000du)]
    [InlineData("SCMP_ACT_ERRNO", 0u, 0x00050000u)]
    [InlineData("SCMP_ACT_TRACE", null, 0x7ff00001u)]     // runc's actTrace also defaults to EPERM
    [InlineData("SCMP_ACT_TRACE", 7u, 0x7ff00007u)]
    [InlineData("SCMP_ACT_LOG", null, 0x7ffc0000u)]
    [InlineData("SCMP_ACT_NOTIFY", null, 0x7fc00000u)]
    public void RuleActionIsReturned(string action, uint? errnoRet, uint expected)
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW",
            new LinuxSyscall { Names = ["getpid"], Action = action, ErrnoRet = errnoRet }));
        Assert.Equal(expected, Run(program, "getpid"));
        Assert.Equal(SeccompReturn.Allow, Run(program, "getppid"));
    }

    [Theory]
    [InlineData("SCMP_ACT_KILL", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_PROCESS", null, 0x80000000u)]
    [InlineData("SCMP_ACT_TRAP", null, 0x00030000u)]
    [InlineData("SCMP_ACT_ERRNO", null, 0x00050001u)]
    [InlineData("SCMP_ACT_ERRNO", 95u, 0x0005005fu)]
    [InlineData("SCMP_ACT_LOG", null, 0x7ffc0000u)]
    [InlineData("SCMP_ACT_TRACE", null, 0x7ff00001u)]
    public void DefaultActionAppliesToUnlistedSyscalls(string action, uint? errnoRet, uint expected)
    {
        var profile = Profile(action, Rule("SCMP_ACT_ALLOW", "getpid"), Rule("SCMP_ACT_ALLOW", "exit_group"));
        profile.DefaultErrnoRet = errnoRet;
        var program = SeccompCompiler.Compile(profile);
        Assert.Equal(SeccompReturn.Allow, Run(program, "getpid"));
        Assert.Equal(expected, Run(program, "getppid"));
    }

    [Fact]
    public void RuleWithTheDefaultActionIsIgnoredLikeRunc()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ALLOW", "mount"), Rule("SCMP_ACT_ERRNO", "mount")));
        Assert.Equal(0x50001u, Run(program, "mount"));
    }

    [Fact]
    public void UnknownSyscallNamesAreSkipped()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", new LinuxSyscall { Names = ["no_such_syscall", "mount"], Action = "SCMP_ACT_ERRNO" }));
        Assert.Equal(0x50001u, Run(program, "mount"));
        Assert.Equal(SeccompReturn.Allow, Run(program, "umount2"));
    }
}
