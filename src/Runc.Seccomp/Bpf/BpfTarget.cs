namespace Runc.Seccomp.Bpf;

/// <summary>
/// Where a jump goes: either an instruction already emitted (a label), or "return this value",
/// which the builder turns into a jump to a nearby <c>ret</c> (emitting a copy when none is in reach).
/// </summary>
internal readonly record struct BpfTarget
{
    private BpfTarget(bool isReturn, uint value) { IsReturn = isReturn; Value = value; }

    public bool IsReturn { get; }

    /// <summary>The return value, or the label (the instruction's position counted from the end, 1-based).</summary>
    public uint Value { get; }

    public static BpfTarget Return(uint action) => new(true, action);
    public static BpfTarget Label(int fromEnd) => new(false, (uint)fromEnd);
}
