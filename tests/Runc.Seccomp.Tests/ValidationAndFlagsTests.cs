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
        withFlags.Flags = SeccompFeatures.KnownFlags.ToList();
        SeccompCompiler.Compile(withFlags);
    }

    /// <summary>The kernel's own list (/proc/sys/kernel/seccomp/actions_avail, Linux 4.14+) is an independent witness
    /// for the SECCOMP_GET_ACTION_AVAIL probe.</summary>
    [Fact]
    public void ActionsOnThisKernel_AreTheKernelsActionsAvail()
    {
        const string avail = "/proc/sys/kernel/seccomp/actions_avail";
        Assert.True(SeccompFeatures.KernelHasFilters(), "this test machine has seccomp filters");
        var kernel = File.ReadAllText(avail).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        static string KernelName(string action) => action switch
        {
            "SCMP_ACT_ALLOW" => "allow", "SCMP_ACT_ERRNO" => "errno", "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => "kill_thread",
            "SCMP_ACT_KILL_PROCESS" => "kill_process", "SCMP_ACT_LOG" => "log", "SCMP_ACT_NOTIFY" => "user_notif",
            "SCMP_ACT_TRACE" => "trace", "SCMP_ACT_TRAP" => "trap", _ => throw new ArgumentException(action),
        };
        var expected = SeccompFeatures.Actions.Where(a => kernel.Contains(KernelName(a))).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, SeccompFeatures.ActionsOnThisKernel());
    }

    [Fact]
    public void FlagsOnThisKernel_AreKnownFlagsInRuncsOrder()
    {
        var flags = SeccompFeatures.FlagsOnThisKernel();
        Assert.Equal(SeccompFeatures.KnownFlags.Where(flags.Contains), flags);
        // TSYNC (3.17), LOG and SPEC_ALLOW (4.14/4.17) predate every kernel .NET 10 runs on.
        Assert.Contains("SECCOMP_FILTER_FLAG_TSYNC", flags);
        Assert.Contains("SECCOMP_FILTER_FLAG_LOG", flags);
        Assert.Contains("SECCOMP_FILTER_FLAG_SPEC_ALLOW", flags);
        // WAIT_KILLABLE_RECV (5.19) must be probed with NEW_LISTENER, or even a kernel that has it says EINVAL.
        if (Environment.OSVersion.Version >= new Version(5, 19)) Assert.Contains("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", flags);
        // The probe tells flags apart: a bit no kernel defines is refused (EINVAL, not EFAULT).
        Assert.False(SeccompFeatures.ProbeFlag(1u << 30));
    }
}
