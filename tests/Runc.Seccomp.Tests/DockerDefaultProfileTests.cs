using Runc.Seccomp.Bpf;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

/// <summary>Docker's default profile, as dockerd would pass it, compiled for each machine it names.</summary>
public class DockerDefaultProfileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("amd64", "SCMP_ARCH_X86_64", "x86_64")]
    [InlineData("arm64", "SCMP_ARCH_AARCH64", "aarch64")]
    [InlineData("s390x", "SCMP_ARCH_S390X", "s390x")]
    [InlineData("ppc64le", "SCMP_ARCH_PPC64LE", "ppc64le")]
    [InlineData("riscv64", "SCMP_ARCH_RISCV64", "riscv64")]
    [InlineData("mips64le", "SCMP_ARCH_MIPSEL64", "mips64el")]
    [InlineData("loong64", "SCMP_ARCH_LOONGARCH64", "loong64")]
    public void FilterAgreesWithTheProfileForEverySyscall(string goArch, string scmpArch, string nativeArch)
    {
        var profile = DockerProfile.Load(goArch, scmpArch);
        var program = SeccompCompiler.Compile(profile, nativeArch);
        Assert.InRange(program.InstructionCount, 1, BpfOpcodes.MaxInstructions);
        Assert.True(DifferentialCheck.CheckAll(profile, nativeArch, program) > 1000);
    }

    [Fact]
    public void WithAllCapabilitiesToo()
    {
        var profile = DockerProfile.Load(caps: [.. DockerProfile.DefaultCapabilities, "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_BPF", "CAP_SYS_TIME"]);
        var program = SeccompCompiler.Compile(profile);
        DifferentialCheck.CheckAll(profile, "x86_64", program);
        Assert.Equal(SeccompReturn.Allow, Run(program, "mount"));
        Assert.Equal(SeccompReturn.Allow, Run(program, "clone", 0x10000000));
    }

    [Fact]
    public void WellKnownVerdictsOnX86_64()
    {
        var program = SeccompCompiler.Compile(DockerProfile.Load());
        Assert.Equal(SeccompReturn.Allow, Run(program, "read"));
        Assert.Equal(0x50001u, Run(program, "mount"));
        Assert.Equal(0x50001u, Run(program, "unshare"));
        Assert.Equal(SeccompReturn.Allow, Run(program, "socket", 2));
        Assert.Equal(0x50001u, Run(program, "socket", 40));                 // AF_VSOCK
        Assert.Equal(SeccompReturn.Allow, Run(program, "personality", 0xffffffff));
        Assert.Equal(0x50001u, Run(program, "personality", 0x1_ffff_ffff));  // 64-bit value, not 0xffffffff
        Assert.Equal(SeccompReturn.Allow, Run(program, "clone", 0x11));       // SIGCHLD | no namespace flags
        Assert.Equal(0x50001u, Run(program, "clone", 0x10000000));           // CLONE_NEWUSER
        Assert.Equal(0x50026u, Run(program, "clone3"));                       // errnoRet 38: glibc falls back to clone
        Assert.Equal(SeccompReturn.KillProcess, RunNr(program, Nr("read", "x32") - 0x40000000 + 0x40000000, Aarch64));
        Assert.Equal(SeccompReturn.Allow, RunNr(program, Nr("read", "x32")));
        Assert.Equal(SeccompReturn.Allow, RunNr(program, Nr("read", "i386"), I386));
    }

    [Fact]
    public void InstructionCountReport()
    {
        // The bench numbers (not asserted beyond the hot-path test): program length and per-syscall cost.
        var report = SeccompInstructionCounts.Report(DockerProfile.Load());
        output.WriteLine(report);
        Assert.StartsWith("program length: ", report);
    }

    [Fact]
    public void HotPathIsShort()
    {
        // Not a timing: the number of BPF instructions the kernel runs per call is a property of the
        // program. A linear scan would take hundreds for syscalls at the end of the list.
        var program = SeccompCompiler.Compile(DockerProfile.Load());
        var costs = SeccompInstructionCounts.ForCommonSyscalls(program);
        Assert.Equal(SeccompInstructionCounts.CommonSyscalls.Length, costs.Count);
        foreach (var cost in costs)
        {
            Assert.Equal(SeccompReturn.Allow, cost.Action);
            Assert.InRange(cost.Executed, 4, 16);
        }
    }
}
