namespace Runc.Seccomp.Model;

/// <summary>
/// Which of one syscall's rules decides when several match, the way libseccomp (what runc builds its filters with)
/// merges them into one decision tree. Not profile order. Observed with runc 1.1.5 + libseccomp 2.5.4 in real
/// containers (tests/Runc.Privileged.Tests/SeccompTests.cs):
/// <list type="bullet">
/// <item>an unconditional rule beats every conditional rule of the syscall, wherever it stands; of two
/// unconditional rules the first counts;</item>
/// <item>conditional rules are tried by their lowest-numbered argument test: the higher argument index first
/// (a rule testing arg 2 before one testing arg 0), on the same argument the lower operator first in libseccomp's
/// order (NE, LT, LE, EQ, GE, GT, MASKED_EQ), for the same operator the larger value first, then the shorter rule;
/// a rule whose later tests fail falls through to the next rule.</item>
/// </list>
/// </summary>
internal static class RulePriority
{
    public static IReadOnlyList<RuleAlternative> Order(IReadOnlyList<RuleAlternative> alternatives)
    {
        foreach (var a in alternatives)
            if (a.IsUnconditional) return [a];
        // Insertion sort: stable, so rules that tie keep their profile order (a syscall has a handful of rules).
        var ordered = new List<RuleAlternative>(alternatives);
        for (int i = 1; i < ordered.Count; i++)
        {
            var a = ordered[i];
            int j = i - 1;
            for (; j >= 0 && Compare(ordered[j], a) > 0; j--) ordered[j + 1] = ordered[j];
            ordered[j + 1] = a;
        }
        return ordered;
    }

    /// <summary>Higher first argument index first, then lower operator, then larger value, then fewer tests.</summary>
    private static int Compare(RuleAlternative x, RuleAlternative y)
    {
        ArgumentCondition fx = First(x), fy = First(y);
        int c = fy.Index.CompareTo(fx.Index);
        if (c == 0) c = ((int)fx.Op).CompareTo((int)fy.Op);
        if (c == 0) c = fy.Value.CompareTo(fx.Value);
        if (c == 0) c = x.Conditions.Count.CompareTo(y.Conditions.Count);
        return c;
    }

    /// <summary>The test libseccomp puts at the top of this rule's chain (its chains are sorted by argument).</summary>
    private static ArgumentCondition First(RuleAlternative a)
    {
        var first = a.Conditions[0];
        foreach (var c in a.Conditions)
            if (c.Index < first.Index || (c.Index == first.Index && c.Op < first.Op)) first = c;
        return first;
    }
}
