using System.Buffers.Binary;
using static Runc.Seccomp.Bpf.BpfOpcodes;

namespace Runc.Seccomp.Bpf;

/// <summary>The verdict of a filter run: the SECCOMP_RET_* value and how many instructions it took.</summary>
public readonly record struct BpfVerdict(uint Action, int Executed);

/// <summary>
/// Runs a classic BPF seccomp filter on a <see cref="SeccompData"/>, as the kernel would (the seccomp
/// subset: loads, stores to scratch memory, ALU, jumps, returns). Written independently of the
/// compiler, so tests can check what a filter does rather than how it looks.
/// </summary>
public static class BpfInterpreter
{
    /// <param name="bigEndianMachine">Emulate a big-endian machine (s390x, ppc64, mips): seccomp_data is
    /// laid out and loaded big-endian there. Defaults to this machine's order.</param>
    public static BpfVerdict Run(ReadOnlySpan<byte> filter, in SeccompData data, bool? bigEndianMachine = null) =>
        Run(BpfInstruction.Decode(filter), data, bigEndianMachine);

    public static BpfVerdict Run(BpfInstruction[] program, in SeccompData data, bool? bigEndianMachine = null)
    {
        if (program.Length == 0 || program.Length > MaxInstructions) throw new InvalidOperationException($"filter length {program.Length} is invalid");
        bool littleEndian = !(bigEndianMachine ?? !BitConverter.IsLittleEndian);
        Span<byte> packet = stackalloc byte[SeccompData.Size];
        data.WriteTo(packet, littleEndian);
        Span<uint> scratch = stackalloc uint[16];
        scratch.Clear();
        uint a = 0, x = 0;
        int pc = 0, executed = 0;
        while (true)
        {
            if ((uint)pc >= (uint)program.Length) throw new InvalidOperationException($"fell off the end of the filter at {pc}");
            var insn = program[pc++];
            executed++;
            uint k = insn.K;
            switch (insn.Code & 0x07)
            {
                case Ld:
                    a = Load(insn, packet, scratch, littleEndian);
                    break;
                case Ldx:
                    x = Load(insn, packet, scratch, littleEndian);
                    break;
                case St:
                    scratch[Scratch(k)] = a;
                    break;
                case Stx:
                    scratch[Scratch(k)] = x;
                    break;
                case Alu:
                    a = Arithmetic(insn, a, (insn.Code & X) != 0 ? x : k);
                    break;
                case Jmp:
                    pc = Jump(insn, pc, a, x, program.Length);
                    break;
                case Ret:
                    // BPF_RET|BPF_A returns the accumulator, BPF_RET|BPF_K the constant.
                    return new BpfVerdict((insn.Code & 0x18) == 0x10 ? a : k, executed);
                case Misc:
                    if ((insn.Code & 0xf8) == 0x00) x = a; else a = x;  // TAX / TXA
                    break;
            }
        }
    }

    private static int Scratch(uint k) => k < 16 ? (int)k : throw new InvalidOperationException($"scratch slot {k} does not exist");

    private static uint Load(BpfInstruction insn, ReadOnlySpan<byte> packet, ReadOnlySpan<uint> scratch, bool littleEndian)
    {
        int mode = insn.Code & 0xe0, size = insn.Code & 0x18;
        switch (mode)
        {
            case Abs:
                // seccomp only allows aligned 32-bit loads inside seccomp_data.
                if (size != W || insn.K % 4 != 0 || insn.K > SeccompData.Size - 4) throw new InvalidOperationException($"bad load at offset {insn.K}");
                var word = packet.Slice((int)insn.K, 4);
                return littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(word) : BinaryPrimitives.ReadUInt32BigEndian(word);
            case Imm:
                return insn.K;
            case Mem:
                return scratch[Scratch(insn.K)];
            case 0x80: // BPF_LEN: the length of seccomp_data
                return SeccompData.Size;
            default:
                throw new InvalidOperationException($"load mode 0x{mode:x} is not allowed in seccomp");
        }
    }

    private static uint Arithmetic(BpfInstruction insn, uint a, uint operand) => (insn.Code & 0xf0) switch
    {
        Add => a + operand,
        Sub => a - operand,
        Mul => a * operand,
        Div => operand == 0 ? throw new InvalidOperationException("division by zero") : a / operand,
        Mod => operand == 0 ? throw new InvalidOperationException("division by zero") : a % operand,
        Or => a | operand,
        And => a & operand,
        Xor => a ^ operand,
        Lsh => operand >= 32 ? 0 : a << (int)operand,
        Rsh => operand >= 32 ? 0 : a >> (int)operand,
        Neg => (uint)-(int)a,
        _ => throw new InvalidOperationException($"alu op 0x{insn.Code:x} unknown"),
    };

    private static int Jump(BpfInstruction insn, int pc, uint a, uint x, int length)
    {
        int op = insn.Code & 0xf0;
        int next;
        if (op == Ja)
        {
            next = pc + (int)insn.K;
        }
        else
        {
            uint operand = (insn.Code & X) != 0 ? x : insn.K;
            bool taken = op switch
            {
                Jeq => a == operand,
                Jgt => a > operand,
                Jge => a >= operand,
                Jset => (a & operand) != 0,
                _ => throw new InvalidOperationException($"jump op 0x{insn.Code:x} unknown"),
            };
            next = pc + (taken ? insn.Jt : insn.Jf);
        }
        if (next >= length || next < pc) throw new InvalidOperationException($"jump from {pc - 1} lands outside the filter");
        return next;
    }
}
