using Runc.Seccomp.Bpf;
using Runc.Seccomp.Model;
using Runc.Seccomp.Tables;
using static Runc.Seccomp.Bpf.BpfOpcodes;

namespace Runc.Seccomp.Compiler;

/// <summary>
/// Emits the part of the filter for one ABI, entered with the syscall number in A.
/// The number space [0, 2^32) is cut into intervals that share an outcome (runs of allowed syscalls
/// merge into one interval), and a balanced tree of <c>jge</c> tests finds the interval in
/// log2(intervals) steps. An interval is either a plain return or, for a syscall with argument
/// conditions, the chain of that syscall's rules in libseccomp's precedence (<see cref="RulePriority"/>).
/// </summary>
internal sealed class SyscallDispatchEmitter(BackwardBpfBuilder builder, SyscallAbi abi, uint defaultAction)
{
    /// <summary>What one interval of syscall numbers leads to.</summary>
    private readonly record struct Leaf(uint? Return, IReadOnlyList<RuleAlternative>? Chain)
    {
        public static Leaf Returning(uint action) => new(action, null);
    }

    private readonly record struct Interval(uint Start, Leaf Leaf);

    /// <param name="rulesByNumber">Each syscall's alternatives, in profile order.</param>
    /// <param name="enosysAbove">Numbers above this get ENOSYS (runc's stub for syscalls newer than the profile); null for none.</param>
    public BpfTarget Emit(IReadOnlyDictionary<uint, List<RuleAlternative>> rulesByNumber, uint? enosysAbove)
    {
        var points = new SortedDictionary<uint, Leaf>();
        foreach (var (nr, alternatives) in rulesByNumber) points[nr] = LeafFor(alternatives);
        // s390 multiplexes large syscall numbers through syscall 0; the kernel leaves unknown ones at 0,
        // so runc answers ENOSYS there too.
        if (enosysAbove is not null && abi.IsS390) points[0] = Leaf.Returning(SeccompReturn.ErrnoOf(SeccompReturn.ENOSYS));
        var intervals = Intervals(points, enosysAbove);
        return EmitTree(intervals, 0, intervals.Count);
    }

    private static Leaf LeafFor(List<RuleAlternative> alternatives)
    {
        // libseccomp's precedence, not profile order (see RulePriority): an unconditional rule decides alone.
        var ordered = RulePriority.Order(alternatives);
        if (ordered[0].IsUnconditional) return Leaf.Returning(ordered[0].Action);
        return new Leaf(null, ordered);
    }

    private List<Interval> Intervals(SortedDictionary<uint, Leaf> points, uint? enosysAbove)
    {
        var result = new List<Interval>();
        void Add(ulong start, Leaf leaf)
        {
            // Neighbours with the same plain return are one interval.
            if (result.Count > 0 && result[^1].Leaf.Chain is null && leaf.Chain is null && result[^1].Leaf.Return == leaf.Return) return;
            result.Add(new Interval((uint)start, leaf));
        }
        void AddGap(ulong from, ulong to)  // [from, to)
        {
            if (from >= to) return;
            if (enosysAbove is uint max && (ulong)max + 1 < to)
            {
                if (from <= max) Add(from, Leaf.Returning(defaultAction));
                Add(Math.Max(from, (ulong)max + 1), Leaf.Returning(SeccompReturn.ErrnoOf(SeccompReturn.ENOSYS)));
            }
            else Add(from, Leaf.Returning(defaultAction));
        }

        ulong next = 0;
        foreach (var (nr, leaf) in points)
        {
            AddGap(next, nr);
            Add(nr, leaf);
            next = (ulong)nr + 1;
        }
        AddGap(next, 1UL << 32);
        return result;
    }

    private BpfTarget EmitTree(List<Interval> intervals, int from, int to)
    {
        if (to - from == 1) return EmitLeaf(intervals[from].Leaf);
        int mid = (from + to) >>> 1;
        // Backwards: the upper half first, so the lower half ends up right after the test.
        var upper = EmitTree(intervals, mid, to);
        var lower = EmitTree(intervals, from, mid);
        return builder.JumpIf(JmpJgeK, intervals[mid].Start, upper, lower);
    }

    private BpfTarget EmitLeaf(Leaf leaf)
    {
        if (leaf.Chain is null) return BpfTarget.Return(leaf.Return!.Value);
        // The rules in order: each alternative's conditions, all must hold; the first that matches decides.
        var next = BpfTarget.Return(defaultAction);
        for (int i = leaf.Chain.Count - 1; i >= 0; i--)
        {
            var alternative = leaf.Chain[i];
            var pass = BpfTarget.Return(alternative.Action);
            for (int c = alternative.Conditions.Count - 1; c >= 0; c--)
                pass = ConditionEmitter.Emit(builder, abi, alternative.Conditions[c], pass, next);
            next = pass;
        }
        return next;
    }
}
