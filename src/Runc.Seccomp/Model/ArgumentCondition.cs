namespace Runc.Seccomp.Model;

/// <summary>
/// "Argument <see cref="Index"/> compared with <see cref="Value"/>". For MASKED_EQ, Value is the
/// mask and <see cref="ValueTwo"/> the expected result of (argument &amp; mask), as in libseccomp.
/// </summary>
internal readonly record struct ArgumentCondition(int Index, SeccompOperator Op, ulong Value, ulong ValueTwo)
{
    /// <summary>The meaning of the condition, on a full 64-bit argument (used by tests and the emitter's checks).</summary>
    public bool Holds(ulong argument) => Op switch
    {
        SeccompOperator.NotEqual => argument != Value,
        SeccompOperator.LessThan => argument < Value,
        SeccompOperator.LessOrEqual => argument <= Value,
        SeccompOperator.Equal => argument == Value,
        SeccompOperator.GreaterOrEqual => argument >= Value,
        SeccompOperator.GreaterThan => argument > Value,
        SeccompOperator.MaskedEqual => (argument & Value) == ValueTwo,
        _ => false,
    };
}

/// <summary>One way a syscall can match: all <see cref="Conditions"/> hold (none = always), then <see cref="Action"/>.</summary>
internal sealed record RuleAlternative(IReadOnlyList<ArgumentCondition> Conditions, uint Action)
{
    public bool IsUnconditional => Conditions.Count == 0;
}
