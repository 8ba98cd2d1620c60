using Runc.Oci;
using Runc.Seccomp.Bpf;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp.Tests;

/// <summary>
/// What a profile means, computed straight from the OCI profile without any BPF: the oracle the
/// compiled filter is checked against. Semantics are runc's (on libseccomp): native arch always in
/// the filter, unknown names skipped, rules whose action equals the default dropped, libseccomp's precedence
/// among one syscall's rules (an unconditional rule wins; else by the rule's lowest argument test: higher index,
/// then lower operator, then larger value, then fewer tests first — observed under runc 1.1.5), conditions ANDed
/// unless an argument index repeats (then each is a rule of its own),
/// unsigned 64-bit comparisons (32-bit ABIs: low words only), the ENOSYS stub for numbers past the
/// highest named syscall when the default is not permissive.
/// </summary>
internal static class ReferenceEvaluator
{
    public static uint Evaluate(LinuxSeccomp profile, string nativeArch, SeccompData data)
    {
        var native = SyscallTables.FromNativeName(nativeArch)!;
        var abis = new List<SyscallAbi> { native };
        abis.AddRange((profile.Architectures ?? []).Select(a => SyscallTables.FromOciName(a)!));

        SyscallAbi? abi;
        if (data.Arch == X86_64Syscalls.Abi.AuditArch)
        {
            bool x32 = ((uint)data.Nr & SyscallAbi.X32SyscallBit) != 0;
            abi = abis.FirstOrDefault(a => a.AuditArch == data.Arch && a.IsX32 == x32);
        }
        else abi = abis.FirstOrDefault(a => a.AuditArch == data.Arch);
        if (abi is null) return SeccompReturn.KillProcess;

        uint defaultAction = Action(profile.DefaultAction, profile.DefaultErrnoRet);
        uint nr = (uint)data.Nr;
        bool permissive = (defaultAction & 0xffff0000) is SeccompReturn.Allow or SeccompReturn.Log or SeccompReturn.Trace;
        if (profile.DefaultErrnoRet != 38 && !permissive)
        {
            uint highest = HighestNamed(profile, abi);
            if (highest != 0)
            {
                if (abi.IsS390 && nr == 0) return SeccompReturn.Errno | 38;
                if (nr > highest) return SeccompReturn.Errno | 38;
            }
        }

        // Every (action, conditions) alternative for this number, in profile order.
        var alternatives = new List<(uint Action, List<LinuxSeccompArg> Args)>();
        foreach (var rule in profile.Syscalls ?? [])
        {
            uint action = Action(rule.Action, rule.ErrnoRet);
            if (action == defaultAction) continue;
            foreach (var name in rule.Names ?? [])
            {
                if (abi.Lookup(name) < 0 || abi.Lookup(name) != (int)nr) continue;
                var args = rule.Args ?? [];
                if (args.GroupBy(a => a.Index).Any(g => g.Count() > 1))
                    alternatives.AddRange(args.Select(a => (action, new List<LinuxSeccompArg> { a })));
                else alternatives.Add((action, args));
            }
        }
        foreach (var (action, args) in alternatives)
            if (args.Count == 0) return action;
        static LinuxSeccompArg Top(List<LinuxSeccompArg> args) =>
            args.OrderBy(a => a.Index).ThenBy(a => OpRank(a.Op)).First();
        var ordered = alternatives
            .OrderByDescending(x => Top(x.Args).Index)
            .ThenBy(x => OpRank(Top(x.Args).Op))
            .ThenByDescending(x => Top(x.Args).Value)
            .ThenBy(x => x.Args.Count);
        foreach (var (action, args) in ordered)
            if (args.All(a => Holds(a, abi, data))) return action;
        return defaultAction;
    }

    // libseccomp's enum scmp_compare order.
    private static int OpRank(string op) => Array.IndexOf(
        ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"], op);

    // Memoised: the differential tests ask this for the same profile many thousand times.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LinuxSeccomp, Dictionary<string, uint>> HighestCache = new();

    private static uint HighestNamed(LinuxSeccomp profile, SyscallAbi abi)
    {
        var perAbi = HighestCache.GetOrCreateValue(profile);
        lock (perAbi)
        {
            if (perAbi.TryGetValue(abi.OciName, out uint cached)) return cached;
            uint highest = 0;
            foreach (var rule in profile.Syscalls ?? [])
                foreach (var name in rule.Names ?? [])
                    if (abi.Lookup(name) is int n && n > 0) highest = Math.Max(highest, (uint)n);
            return perAbi[abi.OciName] = highest;
        }
    }

    private static bool Holds(LinuxSeccompArg arg, SyscallAbi abi, SeccompData data)
    {
        ulong value = data.Arg((int)arg.Index), v = arg.Value, v2 = arg.ValueTwo;
        if (abi.ArgumentBits == 32) { value = (uint)value; v = (uint)v; v2 = (uint)v2; }
        return arg.Op switch
        {
            "SCMP_CMP_NE" => value != v,
            "SCMP_CMP_LT" => value < v,
            "SCMP_CMP_LE" => value <= v,
            "SCMP_CMP_EQ" => value == v,
            "SCMP_CMP_GE" => value >= v,
            "SCMP_CMP_GT" => value > v,
            "SCMP_CMP_MASKED_EQ" => (value & v) == v2,
            _ => throw new InvalidOperationException(arg.Op),
        };
    }

    public static uint Action(string action, uint? errnoRet) => action switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => 0x00000000,
        "SCMP_ACT_KILL_PROCESS" => 0x80000000,
        "SCMP_ACT_TRAP" => 0x00030000,
        "SCMP_ACT_ERRNO" => 0x00050000 | (errnoRet ?? 1),
        "SCMP_ACT_TRACE" => 0x7ff00000 | (errnoRet ?? 1),
        "SCMP_ACT_ALLOW" => 0x7fff0000,
        "SCMP_ACT_LOG" => 0x7ffc0000,
        "SCMP_ACT_NOTIFY" => 0x7fc00000,
        _ => throw new InvalidOperationException(action),
    };
}
