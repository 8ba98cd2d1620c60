using Runc.Oci;
using Runc.Seccomp.Bpf;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp.Tests;

/// <summary>
/// Random profiles (fixed seeds) checked against the reference evaluator. Large ones push jumps past
/// the 255-instruction reach of conditional jumps, so trampolines and return copies get exercised.
/// </summary>
public class RandomProfileTests
{
    private static readonly string[] Actions = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"];
    private static readonly string[] Ops = ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"];
    private static readonly ulong[] Values = [0, 1, 40, 0xffffffff, 0x1_0000_0000, 0x1_0000_0001, 0x7e020000, ulong.MaxValue, 0x8000_0000_0000_0000];

    private static LinuxSeccomp RandomProfile(int seed, int rules, string[] architectures)
    {
        var random = new Random(seed);
        var names = SyscallTables.FromOciName("SCMP_ARCH_X86")!.Entries.Select(e => e.Name)
            .Concat(X86_64Syscalls.Abi.Entries.Select(e => e.Name)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var profile = new LinuxSeccomp
        {
            DefaultAction = Actions[random.Next(Actions.Length)],
            DefaultErrnoRet = random.Next(4) == 0 ? (uint)random.Next(1, 100) : null,
            Architectures = architectures.ToList(),
            Syscalls = [],
        };
        for (int i = 0; i < rules; i++)
        {
            var rule = new LinuxSyscall
            {
                Names = Enumerable.Range(0, random.Next(1, 4)).Select(_ => names[random.Next(names.Length)]).ToList(),
                Action = Actions[random.Next(Actions.Length)],
                ErrnoRet = random.Next(3) == 0 ? (uint)random.Next(0, 200) : null,
            };
            int conditions = random.Next(0, 4);
            if (conditions > 0)
                rule.Args = Enumerable.Range(0, conditions).Select(_ => new LinuxSeccompArg
                {
                    Index = (uint)random.Next(0, 3),  // small range: repeated indexes happen too
                    Op = Ops[random.Next(Ops.Length)],
                    Value = Values[random.Next(Values.Length)],
                    ValueTwo = Values[random.Next(Values.Length)],
                }).ToList();
            profile.Syscalls.Add(rule);
        }
        return profile;
    }

    [Theory]
    [InlineData(1, 20), InlineData(2, 60), InlineData(3, 100), InlineData(4, 110), InlineData(5, 120)]
    public void FilterAgreesWithReference(int seed, int rules)
    {
        var profile = RandomProfile(seed, rules, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
        var program = SeccompCompiler.Compile(profile);
        DifferentialCheck.CheckAll(profile, "x86_64", program);
    }

    [Fact]
    public void LongProgramsUseTrampolinesCorrectly()
    {
        var profile = RandomProfile(42, 120, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]);
        profile.DefaultAction = "SCMP_ACT_ERRNO";
        var program = SeccompCompiler.Compile(profile);
        Assert.True(program.InstructionCount > 600, $"only {program.InstructionCount} instructions");
        Assert.Contains(BpfInstruction.Decode(program.Filter), i => i.Code == BpfOpcodes.JmpJa);
        DifferentialCheck.CheckAll(profile, "x86_64", program);
    }

    [Fact]
    public void TooLongProgramsAreRefused()
    {
        var profile = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [] };
        foreach (var entry in X86_64Syscalls.Abi.Entries)
            for (int i = 0; i < 3; i++)
                profile.Syscalls.Add(new LinuxSyscall { Names = [entry.Name], Action = "SCMP_ACT_ERRNO", Args = [new() { Index = (uint)i, Op = "SCMP_CMP_GT", Value = 0x1_0000_0000 }] });
        var error = Assert.Throws<SpecException>(() => SeccompCompiler.Compile(profile));
        Assert.Contains("limit of 4096", error.Message);
    }
}
