using Runc.Seccomp.Bpf;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

public class ArchitectureTests
{
    private const uint X32Bit = 0x40000000;

    private static SeccompProgram Compile(params string[] architectures)
    {
        var profile = Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "mount"));
        profile.Architectures = architectures.ToList();
        return SeccompCompiler.Compile(profile);
    }

    [Fact]
    public void ForeignArchitectureIsKilled()
    {
        var program = Compile("SCMP_ARCH_X86_64");
        Assert.Equal(SeccompReturn.KillProcess, RunNr(program, 0, Aarch64));
        Assert.Equal(SeccompReturn.KillProcess, RunNr(program, Nr("getpid", "i386"), I386));
    }

    [Fact]
    public void NativeArchitectureIsAlwaysIncluded()
    {
        var program = Compile();  // no architectures listed at all
        Assert.Equal(SeccompReturn.Allow, RunNr(program, Nr("getpid")));
        Assert.Equal(0x50001u, RunNr(program, Nr("mount")));
    }

    [Fact]
    public void SubArchitectureUsesItsOwnNumbers()
    {
        var program = Compile("SCMP_ARCH_X86_64", "SCMP_ARCH_X86");
        Assert.Equal(0x50001u, RunNr(program, Nr("mount", "i386"), I386));    // 21 on i386
        Assert.Equal(SeccompReturn.Allow, RunNr(program, Nr("mount"), I386)); // 165 on i386 is not mount
    }

    [Fact]
    public void X32NumbersAreBadArchUnlessX32IsListed()
    {
        var without = Compile("SCMP_ARCH_X86_64", "SCMP_ARCH_X86");
        Assert.Equal(SeccompReturn.KillProcess, RunNr(without, Nr("getpid", "x32")));
        Assert.Equal(SeccompReturn.KillProcess, RunNr(without, (int)(X32Bit | 165)));

        var with = Compile("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        Assert.Equal(SeccompReturn.Allow, RunNr(with, Nr("getpid", "x32")));
        Assert.Equal(0x50001u, RunNr(with, Nr("mount", "x32")));
        Assert.Equal(0x50001u, RunNr(with, Nr("mount")));
    }

    [Fact]
    public void ArgumentsAreReadInTheAbisByteOrder()
    {
        // s390x is big endian: the high word of an argument comes first in seccomp_data. The compiled
        // loads must pick offset 20 for the low word of arg0 there (16 on little-endian machines).
        var profile = Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "personality", Arg(0, "SCMP_CMP_EQ", 0x1_0000_0002)));
        var program = SeccompCompiler.Compile(profile, "s390x");
        var loads = BpfInstruction.Decode(program.Filter).Where(i => i.Code == BpfOpcodes.LdWAbs).Select(i => i.K).ToList();
        Assert.Equal([4u, 0u, 16u, 20u], loads);  // arch, nr, high word, low word
        int nr = Nr("personality", "s390x");
        const uint S390x = 0x80000016;
        Assert.Equal(0x50001u, BpfInterpreter.Run(program.Filter, new SeccompData(nr, S390x, 0, 0x1_0000_0002), bigEndianMachine: true).Action);
        Assert.Equal(SeccompReturn.Allow, BpfInterpreter.Run(program.Filter, new SeccompData(nr, S390x, 0, 0x2_0000_0001), bigEndianMachine: true).Action);
    }

    [Theory]
    [InlineData("x86_64"), InlineData("aarch64"), InlineData("arm"), InlineData("i386"), InlineData("mips"), InlineData("mipsel"),
     InlineData("mips64"), InlineData("mips64el"), InlineData("mips64n32"), InlineData("mipsel64n32"), InlineData("ppc"),
     InlineData("ppc64"), InlineData("ppc64le"), InlineData("s390"), InlineData("s390x"), InlineData("riscv64"), InlineData("loong64")]
    public void EveryNativeArchitectureCompiles(string arch)
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_ALLOW", "exit_group")), arch);
        var abi = Runc.Seccomp.Tables.SyscallTables.FromNativeName(arch)!;
        Assert.Equal(SeccompReturn.Allow, BpfInterpreter.Run(program.Filter, new SeccompData(abi.Lookup("read"), abi.AuditArch)).Action);
        Assert.Equal(0x50001u, BpfInterpreter.Run(program.Filter, new SeccompData(abi.Lookup("close"), abi.AuditArch)).Action);
    }
}
