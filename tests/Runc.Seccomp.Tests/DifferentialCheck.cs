using Runc.Oci;
using Runc.Seccomp.Bpf;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp.Tests;

/// <summary>Runs a compiled filter and the reference evaluator over many syscalls and asserts they agree.</summary>
internal static class DifferentialCheck
{
    /// <summary>Interesting argument vectors: zeros, the values the profile compares with, and their neighbours.</summary>
    public static List<ulong[]> ArgumentVectors(LinuxSeccomp profile)
    {
        var values = new SortedSet<ulong> { 0, 1, 0xffffffff, 0x1_0000_0000, ulong.MaxValue };
        foreach (var rule in profile.Syscalls ?? [])
            foreach (var arg in rule.Args ?? [])
                foreach (var v in new[] { arg.Value, arg.ValueTwo, arg.Value | arg.ValueTwo })
                {
                    values.Add(v); values.Add(v - 1); values.Add(v + 1); values.Add(v ^ 0x1_0000_0000);
                }
        var vectors = new List<ulong[]>();
        foreach (var v in values)
        {
            vectors.Add([v, 0, 0, 0, 0, 0]);
            vectors.Add([v, v, v, v, v, v]);
            vectors.Add([0, v, 0, v, 0, v]);
        }
        return vectors;
    }

    /// <summary>Every number of every ABI in the filter up to a little past its table, plus x32/foreign probes.</summary>
    public static int CheckAll(LinuxSeccomp profile, string nativeArch, SeccompProgram program)
    {
        var abis = new List<SyscallAbi> { SyscallTables.FromNativeName(nativeArch)! };
        abis.AddRange((profile.Architectures ?? []).Select(a => SyscallTables.FromOciName(a)!));
        var vectors = ArgumentVectors(profile);
        var native = abis[0];
        var instructions = BpfInstruction.Decode(program.Filter);
        // Syscalls with argument conditions get every vector; the others a couple.
        var conditional = new HashSet<(uint, int)>();
        foreach (var abi in abis)
            foreach (var rule in profile.Syscalls ?? [])
                foreach (var name in rule.Names ?? [])
                    if (abi.Lookup(name) >= 0 && rule.Args is { Count: > 0 }) conditional.Add((abi.AuditArch, abi.Lookup(name)));
        List<ulong[]> plain = [new ulong[6], [ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue]];

        int checks = 0;
        foreach (var abi in abis.Append(SyscallTables.FromOciName("SCMP_ARCH_AARCH64")!).Append(SyscallTables.FromOciName("SCMP_ARCH_X32")!))
        {
            int first = abi.Entries.Min(e => e.Number), last = abi.Entries.Max(e => e.Number);
            var numbers = Enumerable.Range(0, 600).Select(i => first + i - 2).Where(n => n >= 0)
                .Concat(abi.Entries.Select(e => e.Number)).Concat([last + 1, last + 1000, int.MaxValue]).Distinct();
            foreach (int nr in numbers)
            {
                // Argument vectors only matter for syscalls the profile names.
                var argSets = conditional.Contains((abi.AuditArch, nr)) ? vectors : plain;
                foreach (var a in argSets)
                {
                    var data = new SeccompData(nr, abi.AuditArch, 0, a[0], a[1], a[2], a[3], a[4], a[5]);
                    uint expected = ReferenceEvaluator.Evaluate(profile, nativeArch, data);
                    uint actual = BpfInterpreter.Run(instructions, data, bigEndianMachine: !native.LittleEndian).Action;
                    if (expected != actual)
                        Assert.Fail($"{abi.OciName} nr {nr} args [{string.Join(",", a.Select(x => x.ToString("x")))}]: filter says 0x{actual:x8}, profile means 0x{expected:x8}");
                    checks++;
                }
            }
        }
        return checks;
    }
}
