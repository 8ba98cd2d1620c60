namespace Runc.Seccomp.Bpf;

/// <summary>The classic BPF opcodes seccomp filters use (linux/filter.h, linux/bpf_common.h).</summary>
public static class BpfOpcodes
{
    // Instruction classes.
    public const ushort Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Ret = 0x06, Misc = 0x07;
    // Sizes and modes for loads.
    public const ushort W = 0x00, Abs = 0x20, Imm = 0x00, Mem = 0x60;
    // ALU and jump operations.
    public const ushort Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70, Neg = 0x80, Mod = 0x90, Xor = 0xa0;
    public const ushort Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40;
    // Operand source.
    public const ushort K = 0x00, X = 0x08;

    public const ushort LdWAbs = Ld | W | Abs;
    public const ushort AluAndK = Alu | And | K;
    public const ushort JmpJa = Jmp | Ja;
    public const ushort JmpJeqK = Jmp | Jeq | K;
    public const ushort JmpJgtK = Jmp | Jgt | K;
    public const ushort JmpJgeK = Jmp | Jge | K;
    public const ushort JmpJsetK = Jmp | Jset | K;
    public const ushort RetK = Ret | K;

    /// <summary>BPF_MAXINSNS: the kernel refuses longer classic programs.</summary>
    public const int MaxInstructions = 4096;
}
