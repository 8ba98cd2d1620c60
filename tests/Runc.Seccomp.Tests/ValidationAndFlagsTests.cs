using Runc.Oci;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

public class ValidationAndFlagsTests
{
    [Theory]
    [InlineData("SECCOMP_FILTER_FLAG_LOG", SeccompFilterFlags.Log)]
    [InlineData("SECCOMP_FILTER_FLAG_SPEC_ALLOW", SeccompFilterFlags.SpecAllow)]
    [InlineData("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0u)]  // only with a listener (the kernel says EINVAL otherwise)
    [InlineData("SECCOMP_FILTER_FLAG_TSYNC", 0u)]  // accepted, not passed: like runc
    public void FlagsBecomeBits(string flag, uint bit)
    {
        var profile = Profile("SCMP_ACT_ALLOW");
        profile.Flags = [flag];
        Assert.Equal(bit, SeccompCompiler.Compile(profile).Flags);
    }

    [Fact]
    public void WaitKillableRecvGoesWithTheListener()
    {
        var profile = Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_NOTIFY", "mkdir"));
        profile.Flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"];
        Assert.Equal(SeccompFilterFlags.NewListener | SeccompFilterFlags.WaitKillableRecv, SeccompCompiler.Compile(profile).Flags);
    }

    [Fact]
    public void NotifyAsksForAListener()
    {
        var profile = Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_NOTIFY", "mkdir"));
        profile.Flags = ["SECCOMP_FILTER_FLAG_LOG"];
        var program = SeccompCompiler.Compile(profile);
        Assert.True(program.NeedsListener);
        Assert.Equal(SeccompFilterFlags.NewListener | SeccompFilterFlags.Log, program.Flags);
        Assert.Equal(SeccompReturn.UserNotif, Run(program, "mkdir"));
        Assert.False(SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "mkdir"))).NeedsListener);
    }

    [Theory]
    [InlineData("SCMP_ACT_BOGUS", "SCMP_CMP_EQ", "SCMP_ARCH_X86", "SECCOMP_FILTER_FLAG_LOG", "string SCMP_ACT_BOGUS is not a valid action for seccomp")]
    [InlineData("SCMP_ACT_ALLOW", "SCMP_CMP_BOGUS", "SCMP_ARCH_X86", "SECCOMP_FILTER_FLAG_LOG", "string SCMP_CMP_BOGUS is not a valid operator for seccomp")]
    [InlineData("SCMP_ACT_ALLOW", "SCMP_CMP_EQ", "SCMP_ARCH_BOGUS", "SECCOMP_FILTER_FLAG_LOG", "string SCMP_ARCH_BOGUS is not a valid arch for seccomp")]
    [InlineData("SCMP_ACT_ALLOW", "SCMP_CMP_EQ", "SCMP_ARCH_X86", "SECCOMP_FILTER_FLAG_BOGUS", "seccomp flag SECCOMP_FILTER_FLAG_BOGUS is not known to runc")]
    public void BadNamesAreSpecErrors(string action, string op, string arch, string flag, string message)
    {
        var profile = Profile("SCMP_ACT_ERRNO", Rule(action, "read", Arg(0, op, 1)));
        profile.Architectures = [arch];
        profile.Flags = [flag];
        var error = Assert.Throws<SpecException>(() => SeccompCompiler.Compile(profile));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void NotifyRestrictionsFollowRunc()
    {
        Assert.Equal("SCMP_ACT_NOTIFY cannot be used for the write syscall",
            Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_NOTIFY", "write")))).Message);
        Assert.Equal("SCMP_ACT_NOTIFY cannot be used as default action",
            Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_NOTIFY"))).Message);
    }

    [Fact]
    public void OutOfRangeValuesAreRefused()
    {
        Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "read", Arg(6, "SCMP_CMP_EQ", 1)))));
        Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", new LinuxSyscall { Names = ["read"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 70000 })));
        Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", new LinuxSyscall { Names = [""], Action = "SCMP_ACT_ERRNO" })));
        Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW"), "vax"));
    }

    [Fact]
    public void FeaturesListWhatTheCompilerAccepts()
    {
        Assert.Equal(9, SeccompFeatures.Actions.Count);
        Assert.Equal(7, SeccompFeatures.Operators.Count);
        Assert.Equal(18, SeccompFeatures.Archs.Count);
        Assert.Equal(SeccompFeatures.Archs.Order(StringComparer.Ordinal), SeccompFeatures.Archs);
        Assert.Equal(SeccompFeatures.Actions.Order(StringComparer.Ordinal), SeccompFeatures.Actions);
        Assert.Equal(SeccompFeatures.Operators.Order(StringComparer.Ordinal), SeccompFeatures.Operators);
        foreach (var action in SeccompFeatures.Actions)
        {
            if (action == "SCMP_ACT_NOTIFY") continue;
            SeccompCompiler.Compile(Profile(action));
        }
        foreach (var op in SeccompFeatures.Operators) SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "read", Arg(0, op, 1))));
        foreach (var arch in SeccompFeatures.Archs) { var p = Profile("SCMP_ACT_ALLOW"); p.Architectures = [arch]; SeccompCompiler.Compile(p); }
        var withFlags = Profile("SCMP_ACT_ALLOW");
        withFlags.Flags = SeccompFeatures.SupportedFlags.ToList();
        SeccompCompiler.Compile(withFlags);
    }
}
