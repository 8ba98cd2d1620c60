using Runc.Seccomp.Bpf;
using Runc.Seccomp.Model;
using Runc.Seccomp.Tables;
using static Runc.Seccomp.Bpf.BpfOpcodes;

namespace Runc.Seccomp.Compiler;

/// <summary>
/// Emits the test of one argument condition. BPF registers are 32 bits wide, so a 64-bit comparison
/// is done on the high word first and decided by the low word only when the high words are equal,
/// all unsigned (as libseccomp does). ABIs with 32-bit arguments compare the low word only
/// (a value wider than 32 bits is truncated there, as libseccomp does).
/// </summary>
internal static class ConditionEmitter
{
    /// <summary>Emits the test (backwards) and returns its first instruction.</summary>
    public static BpfTarget Emit(BackwardBpfBuilder b, SyscallAbi abi, ArgumentCondition c, BpfTarget pass, BpfTarget fail)
    {
        return c.Op switch
        {
            SeccompOperator.Equal => Equal(b, abi, c.Index, c.Value, pass, fail),
            SeccompOperator.NotEqual => Equal(b, abi, c.Index, c.Value, fail, pass),
            SeccompOperator.GreaterThan => Above(b, abi, c.Index, c.Value, JmpJgtK, pass, fail),
            SeccompOperator.GreaterOrEqual => Above(b, abi, c.Index, c.Value, JmpJgeK, pass, fail),
            // a < v  is  !(a >= v);  a <= v  is  !(a > v).
            SeccompOperator.LessThan => Above(b, abi, c.Index, c.Value, JmpJgeK, fail, pass),
            SeccompOperator.LessOrEqual => Above(b, abi, c.Index, c.Value, JmpJgtK, fail, pass),
            SeccompOperator.MaskedEqual => MaskedEqual(b, abi, c.Index, c.Value, c.ValueTwo, pass, fail),
            _ => throw new InvalidOperationException("unknown operator"),
        };
    }

    private static bool Wide(SyscallAbi abi) => abi.ArgumentBits == 64;
    private static uint Hi(ulong v) => (uint)(v >> 32);
    private static uint Lo(ulong v) => (uint)v;

    private static BpfTarget Equal(BackwardBpfBuilder b, SyscallAbi abi, int index, ulong value, BpfTarget pass, BpfTarget fail)
    {
        b.JumpIf(JmpJeqK, Lo(value), pass, fail);
        var low = b.LoadWord(SeccompDataLayout.LowWord(index, abi.LittleEndian));
        if (!Wide(abi)) return low;
        b.JumpIf(JmpJeqK, Hi(value), low, fail);
        return b.LoadWord(SeccompDataLayout.HighWord(index, abi.LittleEndian));
    }

    // "a > v" (jgt) or "a >= v" (jge): high word greater decides yes, high word smaller decides no,
    // equal high words leave it to the same test on the low word.
    private static BpfTarget Above(BackwardBpfBuilder b, SyscallAbi abi, int index, ulong value, ushort lowTest, BpfTarget pass, BpfTarget fail)
    {
        b.JumpIf(lowTest, Lo(value), pass, fail);
        var low = b.LoadWord(SeccompDataLayout.LowWord(index, abi.LittleEndian));
        if (!Wide(abi)) return low;
        var highEqual = b.JumpIf(JmpJeqK, Hi(value), low, fail);
        b.JumpIf(JmpJgtK, Hi(value), pass, highEqual);
        return b.LoadWord(SeccompDataLayout.HighWord(index, abi.LittleEndian));
    }

    private static BpfTarget MaskedEqual(BackwardBpfBuilder b, SyscallAbi abi, int index, ulong mask, ulong expected, BpfTarget pass, BpfTarget fail)
    {
        // When the mask has no high bits the high word cannot matter: (hi & 0) == 0 always.
        if (Wide(abi) && Hi(mask) == 0 && Hi(expected) != 0) return b.Materialize(fail);
        b.JumpIf(JmpJeqK, Lo(expected), pass, fail);
        if (Lo(mask) != uint.MaxValue) b.AndConstant(Lo(mask));
        var low = b.LoadWord(SeccompDataLayout.LowWord(index, abi.LittleEndian));
        if (!Wide(abi) || Hi(mask) == 0) return low;
        b.JumpIf(JmpJeqK, Hi(expected), low, fail);
        if (Hi(mask) != uint.MaxValue) b.AndConstant(Hi(mask));
        return b.LoadWord(SeccompDataLayout.HighWord(index, abi.LittleEndian));
    }
}
