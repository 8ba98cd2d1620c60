namespace Runc.Cgroups.Devices.Ebpf;

/// <summary>
/// Builds the BPF_PROG_TYPE_CGROUP_DEVICE program that enforces device rules on cgroup v2.
///
/// The kernel calls it with R1 = struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
/// where access_type = (access &lt;&lt; 16) | type; it returns 1 to allow, 0 to deny.
/// Rules are first reduced with v1 semantics (<see cref="DeviceRuleSet"/>), so every exception has the
/// same action and the program is: load the fields, test each exception, fall through to the default.
/// </summary>
public static class DeviceFilterProgram
{
    // bpf_cgroup_dev_ctx encodings (linux/bpf.h).
    public const int DevBlock = 1, DevChar = 2;
    public const int AccMknod = 1, AccRead = 2, AccWrite = 4;

    // Registers after the prologue: R2 type, R3 access, R4 major, R5 minor; R1 is reused as scratch.
    private const int R0 = 0, R1 = 1, RType = 2, RAccess = 3, RMajor = 4, RMinor = 5;

    public static List<BpfInsn> Build(IEnumerable<DeviceRule> rules) => Build(DeviceRuleSet.FromRules(rules));

    public static List<BpfInsn> Build(DeviceRuleSet set)
    {
        var p = new List<BpfInsn>
        {
            BpfInsn.LoadWord(RType, R1, 0),
            BpfInsn.And32(RType, 0xffff),
            BpfInsn.LoadWord(RAccess, R1, 0),
            BpfInsn.Rsh32(RAccess, 16),
            BpfInsn.LoadWord(RMajor, R1, 4),
            BpfInsn.LoadWord(RMinor, R1, 8),
        };
        // Like runc, the last rule is tested first; with one action for all exceptions the order is cosmetic.
        var exceptions = set.Exceptions;
        for (int i = exceptions.Count - 1; i >= 0; i--) p.AddRange(RuleBlock(exceptions[i]));
        p.Add(BpfInsn.Mov32(R0, set.DefaultAllow ? 1 : 0));
        p.Add(BpfInsn.Exit());
        return p;
    }

    /// <summary>Checks that jump to the next block on mismatch, then "return allow-or-deny".</summary>
    private static List<BpfInsn> RuleBlock(DeviceRule rule)
    {
        // Build the checks with placeholder offsets, then point every jump at the end of the block.
        var checks = new List<Func<short, BpfInsn[]>>();
        if (rule.Type != 'a')
        {
            int type = rule.Type == 'b' ? DevBlock : DevChar;
            checks.Add(off => [BpfInsn.JneImm(RType, type, off)]);
        }
        int access = AccessBits(rule.Access);
        if (access != (AccMknod | AccRead | AccWrite))
        {
            // The request must be a subset of the rule: (access & allowed) == access.
            checks.Add(off => [BpfInsn.Mov32Reg(R1, RAccess), BpfInsn.And32(R1, access), BpfInsn.JneReg(R1, RAccess, off)]);
        }
        if (rule.Major != DeviceRule.Wildcard) checks.Add(off => [BpfInsn.JneImm(RMajor, (int)rule.Major, off)]);
        if (rule.Minor != DeviceRule.Wildcard) checks.Add(off => [BpfInsn.JneImm(RMinor, (int)rule.Minor, off)]);

        var sizes = new int[checks.Count];
        int total = 2; // "mov r0, verdict; exit"
        for (int i = 0; i < checks.Count; i++) total += sizes[i] = checks[i](0).Length;
        var block = new List<BpfInsn>(total);
        for (int i = 0; i < checks.Count; i++)
        {
            int endOfThisCheck = block.Count + sizes[i];
            block.AddRange(checks[i]((short)(total - endOfThisCheck)));
        }
        block.Add(BpfInsn.Mov32(R0, rule.Allow ? 1 : 0));
        block.Add(BpfInsn.Exit());
        return block;
    }

    public static int AccessBits(string access)
    {
        int bits = 0;
        foreach (char c in access)
            bits |= c switch { 'r' => AccRead, 'w' => AccWrite, 'm' => AccMknod, _ => 0 };
        return bits;
    }
}
