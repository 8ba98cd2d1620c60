namespace Runc.Seccomp.Bpf;

/// <summary>
/// Builds a classic BPF program from its end towards its start. Classic BPF only jumps forward and
/// conditional jumps reach at most 255 instructions, so emitting backwards means every jump target
/// already exists and its distance is known the moment the jump is written. Targets out of reach get
/// a trampoline (<c>ja</c>, 32-bit offset); returns out of reach get a fresh copy of the <c>ret</c>
/// instead, which costs no extra executed instruction.
/// </summary>
internal sealed class BackwardBpfBuilder
{
    private const int MaxConditionalOffset = 255;

    // Instructions in reverse program order: the last one added is the program's first.
    private readonly List<BpfInstruction> _reversed = [];
    private readonly Dictionary<uint, int> _nearestReturn = [];

    public int Count => _reversed.Count;

    /// <summary>The label of the instruction added last (the current program start).</summary>
    public BpfTarget Start => BpfTarget.Label(_reversed.Count);

    public BpfTarget Emit(BpfInstruction insn)
    {
        _reversed.Add(insn);
        return Start;
    }

    public BpfTarget LoadWord(uint offset) => Emit(new BpfInstruction(BpfOpcodes.LdWAbs, 0, 0, offset));

    public BpfTarget AndConstant(uint mask) => Emit(new BpfInstruction(BpfOpcodes.AluAndK, 0, 0, mask));

    /// <summary>Makes <paramref name="target"/> a real instruction (a label), e.g. to start a block with it.</summary>
    public BpfTarget Materialize(BpfTarget target) => target.IsReturn ? EmitReturn(target.Value) : target;

    /// <summary>
    /// Makes execution that falls into the program's current start reach <paramref name="target"/>:
    /// needed before an instruction that is not a jump (e.g. a load), whose successor is simply the next one.
    /// </summary>
    public BpfTarget FallInto(BpfTarget target)
    {
        if (target.IsReturn) return EmitReturn(target.Value);
        return target == Start ? target : Goto(target);
    }

    public BpfTarget EmitReturn(uint action)
    {
        var label = Emit(new BpfInstruction(BpfOpcodes.RetK, 0, 0, action));
        _nearestReturn[action] = _reversed.Count;
        return label;
    }

    /// <summary>Adds "if (A op k) goto whenTrue else goto whenFalse" and returns its label.</summary>
    public BpfTarget JumpIf(ushort code, uint k, BpfTarget whenTrue, BpfTarget whenFalse)
    {
        // A jump to the same place either way is no test at all.
        if (whenTrue == whenFalse) return FallInto(whenTrue);
        // Resolving the first target may add one instruction, which pushes the second one farther away.
        int t = Reach(whenTrue, slack: 1);
        int f = Reach(whenFalse, slack: 0);
        int self = _reversed.Count + 1;
        return Emit(new BpfInstruction(code, (byte)(self - t - 1), (byte)(self - f - 1), k));
    }

    /// <summary>An unconditional jump (or just the ret) to <paramref name="target"/>.</summary>
    public BpfTarget Goto(BpfTarget target)
    {
        if (target.IsReturn) return EmitReturn(target.Value);
        int self = _reversed.Count + 1;
        return Emit(new BpfInstruction(BpfOpcodes.JmpJa, 0, 0, (uint)(self - (int)target.Value - 1)));
    }

    // The label a conditional jump about to be added can use for this target, within 255 instructions.
    private int Reach(BpfTarget target, int slack)
    {
        int self = _reversed.Count + 1 + slack;
        if (target.IsReturn)
        {
            if (_nearestReturn.TryGetValue(target.Value, out int copy) && self - copy - 1 <= MaxConditionalOffset) return copy;
            EmitReturn(target.Value);
            return _reversed.Count;
        }
        int label = (int)target.Value;
        if (self - label - 1 <= MaxConditionalOffset) return label;
        Goto(target);  // trampoline
        return _reversed.Count;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[_reversed.Count * BpfInstruction.Size];
        for (int i = 0; i < _reversed.Count; i++)
            _reversed[_reversed.Count - 1 - i].WriteTo(bytes.AsSpan(i * BpfInstruction.Size, BpfInstruction.Size));
        return bytes;
    }
}
