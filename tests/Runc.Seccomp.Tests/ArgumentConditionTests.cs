using Runc.Seccomp.Bpf;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

/// <summary>64-bit argument comparisons done on 32-bit halves, checked against plain ulong arithmetic.</summary>
public class ArgumentConditionTests
{
    private const uint Allow = SeccompReturn.Allow, Eperm = 0x50001;

    public static readonly string[] Operators =
        ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT"];

    // Values where a hi/lo split goes wrong: word edges, equal high words with different low words, and the reverse.
    private static readonly ulong[] Edges =
    [
        0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x1_0000_0000, 0x1_0000_0001, 0x1_ffff_ffff,
        0x2_0000_0000, 0x1234_5678_9abc_def0, 0x1234_5678_0000_0000, 0x1234_5677_ffff_ffff, 0x1234_5679_0000_0000,
        0x8000_0000_0000_0000, 0xffff_ffff_0000_0000, 0xffff_ffff_ffff_fffe, ulong.MaxValue,
    ];

    public static IEnumerable<object[]> OperatorAndValue() =>
        from op in Operators from v in Edges select new object[] { op, v };

    [Theory]
    [MemberData(nameof(OperatorAndValue))]
    public void ComparisonMatchesUnsigned64BitMeaning(string op, ulong value)
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_ALLOW", "lseek", Arg(1, op, value))));
        foreach (var argument in Edges.Concat<ulong>([value - 1, value, value + 1, value ^ 0xffffffff, value ^ 0xffffffff_00000000]))
        {
            bool expected = op switch
            {
                "SCMP_CMP_NE" => argument != value,
                "SCMP_CMP_LT" => argument < value,
                "SCMP_CMP_LE" => argument <= value,
                "SCMP_CMP_EQ" => argument == value,
                "SCMP_CMP_GE" => argument >= value,
                _ => argument > value,
            };
            Assert.True((expected ? Allow : Eperm) == Run(program, "lseek", 0, argument), $"{op} {value:x} on {argument:x}");
        }
    }

    [Theory]
    [InlineData(0x7e020000UL, 0UL)]                       // docker's clone rule: no namespace flags
    [InlineData(0xffff_0000_0000_00ffUL, 0x1234_0000_0000_0012UL)]
    [InlineData(0xffff_ffff_ffff_ffffUL, 0x1_0000_0000UL)]
    [InlineData(0x0000_00ff_0000_0000UL, 0x0000_0012_0000_0000UL)]
    [InlineData(0x0fUL, 0x1_0000_0000UL)]                  // can never match: the mask has no high bits
    public void MaskedEqualTestsBothHalves(ulong mask, ulong expected)
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_ALLOW", "clone", Arg(0, "SCMP_CMP_MASKED_EQ", mask, expected))));
        foreach (var argument in Edges.Concat<ulong>([expected, expected | ~mask, expected ^ 1, expected ^ 0x1_0000_0000, 0x10000000UL, 0x20000UL]))
            Assert.True(((argument & mask) == expected ? Allow : Eperm) == Run(program, "clone", argument), $"mask {mask:x} == {expected:x} on {argument:x}");
    }

    [Fact]
    public void ConditionsOfOneRuleAreAnded()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"),
            Rule("SCMP_ACT_ALLOW", "lseek", Arg(0, "SCMP_CMP_EQ", 3), Arg(2, "SCMP_CMP_LE", 2))));
        Assert.Equal(Allow, Run(program, "lseek", 3, 99, 2));
        Assert.Equal(Eperm, Run(program, "lseek", 3, 99, 3));
        Assert.Equal(Eperm, Run(program, "lseek", 4, 99, 0));
    }

    [Fact]
    public void RulesForOneSyscallFollowLibseccompPrecedence()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW",
            Rule("SCMP_ACT_ERRNO", "lseek", Arg(0, "SCMP_CMP_EQ", 1)),
            new Runc.Oci.LinuxSyscall { Names = ["lseek"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 22, Args = [Arg(0, "SCMP_CMP_LE", 5)] },
            Rule("SCMP_ACT_KILL_PROCESS", "lseek", Arg(1, "SCMP_CMP_GT", 0x1_0000_0000))));
        // libseccomp (runc 1.1.5): the arg-1 rule first, then on arg 0 LE before EQ, whatever the profile order.
        Assert.Equal(0x50016u, Run(program, "lseek", 1));                    // LE 5 beats the earlier EQ 1
        Assert.Equal(0x50016u, Run(program, "lseek", 5));
        Assert.Equal(SeccompReturn.KillProcess, Run(program, "lseek", 1, 0x1_0000_0001)); // the arg-1 rule beats both
        Assert.Equal(SeccompReturn.KillProcess, Run(program, "lseek", 6, 0x1_0000_0001));
        Assert.Equal(Allow, Run(program, "lseek", 6, 0x1_0000_0000));       // none: the default
    }

    [Fact]
    public void UnconditionalRuleBeatsConditionalOnesWhereverItStands()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW",
            new Runc.Oci.LinuxSyscall { Names = ["lseek"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 25, Args = [Arg(0, "SCMP_CMP_EQ", 1)] },
            new Runc.Oci.LinuxSyscall { Names = ["lseek"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 26 },
            new Runc.Oci.LinuxSyscall { Names = ["lseek"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 27 }));
        Assert.Equal(0x5001Au, Run(program, "lseek", 1));
        Assert.Equal(0x5001Au, Run(program, "lseek", 0));
    }

    [Fact]
    public void ErrnoRetOfMaxErrnoOrMoreIsRefusedLikeLibseccomp()
    {
        Assert.Throws<SpecException>(() => SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW",
            new Runc.Oci.LinuxSyscall { Names = ["lseek"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 4095 })));
        Assert.Throws<SpecException>(() => SeccompCompiler.Compile(new Runc.Oci.LinuxSeccomp
            { DefaultAction = "SCMP_ACT_ERRNO", DefaultErrnoRet = 40000, Syscalls = [] }));
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW",
            new Runc.Oci.LinuxSyscall { Names = ["lseek"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 4094 }));
        Assert.Equal(0x50FFEu, Run(program, "lseek", 0));
    }

    [Fact]
    public void RepeatedArgumentIndexMeansOrLikeRunc()
    {
        // runc adds each condition as its own rule when an index repeats (one rule could never match).
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"),
            Rule("SCMP_ACT_ALLOW", "personality", Arg(0, "SCMP_CMP_EQ", 0), Arg(0, "SCMP_CMP_EQ", 8))));
        Assert.Equal(Allow, Run(program, "personality", 0));
        Assert.Equal(Allow, Run(program, "personality", 8));
        Assert.Equal(Eperm, Run(program, "personality", 9));
    }

    [Fact]
    public void ThirtyTwoBitAbisCompareTheLowWordOnly()
    {
        var profile = Profile("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_ALLOW", "personality", Arg(0, "SCMP_CMP_EQ", 0xffffffff)));
        profile.Architectures = ["SCMP_ARCH_X86"];
        var program = SeccompCompiler.Compile(profile);
        int nr = Nr("personality", "i386");
        Assert.Equal(Allow, BpfInterpreter.Run(program.Filter, new SeccompData(nr, I386, 0, 0xffffffff)).Action);
        Assert.Equal(Eperm, BpfInterpreter.Run(program.Filter, new SeccompData(nr, I386, 0, 0xfffffffe)).Action);
        // The instructions for i386 never load the high word (offset 20).
        Assert.Equal(Allow, BpfInterpreter.Run(program.Filter, new SeccompData(nr, I386, 0, 0x5_ffff_ffff)).Action);
    }
}
