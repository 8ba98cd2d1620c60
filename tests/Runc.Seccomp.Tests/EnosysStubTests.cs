using Runc.Oci;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

/// <summary>runc's patchbpf: syscalls newer than anything the profile names fail with ENOSYS, so programs fall back.</summary>
public class EnosysStubTests
{
    private const uint Enosys = 0x50026, Eperm = 0x50001;

    private static LinuxSeccomp DenyProfile() => Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_ALLOW", "openat2"));

    [Fact]
    public void NumbersAboveTheHighestNamedSyscallGetEnosys()
    {
        var program = SeccompCompiler.Compile(DenyProfile());
        int openat2 = Nr("openat2");  // 437
        Assert.Equal(SeccompReturn.Allow, RunNr(program, openat2));
        Assert.Equal(Eperm, RunNr(program, openat2 - 1));
        Assert.Equal(Enosys, RunNr(program, openat2 + 1));
        Assert.Equal(Enosys, RunNr(program, 0x3fffffff));
    }

    [Fact]
    public void RulesWithTheDefaultActionStillRaiseTheBound()
    {
        var profile = DenyProfile();
        profile.Syscalls!.Add(Rule("SCMP_ACT_ERRNO", "futex_waitv"));  // 449, same as the default
        var program = SeccompCompiler.Compile(profile);
        Assert.Equal(Eperm, RunNr(program, 448));
        Assert.Equal(Enosys, RunNr(program, 450));
    }

    [Theory]
    [InlineData("SCMP_ACT_ALLOW")]
    [InlineData("SCMP_ACT_LOG")]
    [InlineData("SCMP_ACT_TRACE")]
    public void NoStubWhenTheDefaultIsPermissive(string defaultAction)
    {
        var program = SeccompCompiler.Compile(Profile(defaultAction, Rule("SCMP_ACT_ERRNO", "read")));
        Assert.Equal(ReferenceEvaluator.Action(defaultAction, null), RunNr(program, 1000));
    }

    [Fact]
    public void NoStubWhenTheDefaultErrnoIsAlreadyEnosys()
    {
        var profile = DenyProfile();
        profile.DefaultErrnoRet = 38;
        Assert.Equal(Enosys, RunNr(SeccompCompiler.Compile(profile), 1000));
        profile.DefaultAction = "SCMP_ACT_KILL_PROCESS";
        Assert.Equal(SeccompReturn.KillProcess, RunNr(SeccompCompiler.Compile(profile), 1000));
    }

    [Fact]
    public void KillDefaultAlsoGetsTheStub()
    {
        var profile = DenyProfile();
        profile.DefaultAction = "SCMP_ACT_KILL_PROCESS";
        var program = SeccompCompiler.Compile(profile);
        Assert.Equal(SeccompReturn.KillProcess, RunNr(program, 1));
        Assert.Equal(Enosys, RunNr(program, 438));
    }

    [Fact]
    public void S390MultiplexSyscallZeroGetsEnosys()
    {
        var program = SeccompCompiler.Compile(DenyProfile(), "s390x");
        const uint S390x = 0x80000016;
        Assert.Equal(Enosys, RunNr(program, 0, S390x));
        Assert.Equal(Eperm, RunNr(program, 1, S390x));
        Assert.Equal(SeccompReturn.Allow, RunNr(program, Nr("read", "s390x"), S390x));
    }

    [Fact]
    public void X32HasItsOwnBound()
    {
        var profile = Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_ALLOW", "getpid"));
        profile.Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"];
        var program = SeccompCompiler.Compile(profile);
        int x32Getpid = Nr("getpid", "x32");
        Assert.Equal(SeccompReturn.Allow, RunNr(program, x32Getpid));
        Assert.Equal(Enosys, RunNr(program, x32Getpid + 1));
        Assert.Equal(Eperm, RunNr(program, x32Getpid - 1));
        Assert.Equal(Enosys, RunNr(program, Nr("getpid") + 1));
    }
}
