using System.Runtime.InteropServices;

namespace Runc.Cgroups.Devices.Ebpf;

/// <summary>struct bpf_insn: opcode, dst/src register nibbles, 16-bit offset, 32-bit immediate.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct BpfInsn(byte Code, byte Regs, short Off, int Imm)
{
    // Opcode pieces (linux/bpf_common.h, linux/bpf.h) for the subset the device filter uses.
    public const byte ClassLdx = 0x01, ClassAlu = 0x04, ClassJmp = 0x05;
    public const byte SizeW = 0x00, ModeMem = 0x60;
    public const byte SrcK = 0x00, SrcX = 0x08;
    public const byte OpAnd = 0x50, OpRsh = 0x70, OpMov = 0xb0;
    public const byte OpJne = 0x50, OpExit = 0x90;

    public int Dst => Regs & 0x0f;
    public int Src => Regs >> 4;

    private static byte R(int dst, int src) => (byte)((src << 4) | dst);

    /// <summary>dst = *(u32 *)(src + off)</summary>
    public static BpfInsn LoadWord(int dst, int src, short off) => new((byte)(ClassLdx | SizeW | ModeMem), R(dst, src), off, 0);
    /// <summary>32-bit dst &amp;= imm</summary>
    public static BpfInsn And32(int dst, int imm) => new((byte)(ClassAlu | OpAnd | SrcK), R(dst, 0), 0, imm);
    /// <summary>32-bit dst &gt;&gt;= imm</summary>
    public static BpfInsn Rsh32(int dst, int imm) => new((byte)(ClassAlu | OpRsh | SrcK), R(dst, 0), 0, imm);
    /// <summary>32-bit dst = imm</summary>
    public static BpfInsn Mov32(int dst, int imm) => new((byte)(ClassAlu | OpMov | SrcK), R(dst, 0), 0, imm);
    /// <summary>32-bit dst = src</summary>
    public static BpfInsn Mov32Reg(int dst, int src) => new((byte)(ClassAlu | OpMov | SrcX), R(dst, src), 0, 0);
    /// <summary>if dst != imm goto pc+1+off</summary>
    public static BpfInsn JneImm(int dst, int imm, short off) => new((byte)(ClassJmp | OpJne | SrcK), R(dst, 0), off, imm);
    /// <summary>if dst != src goto pc+1+off</summary>
    public static BpfInsn JneReg(int dst, int src, short off) => new((byte)(ClassJmp | OpJne | SrcX), R(dst, src), off, 0);
    public static BpfInsn Exit() => new((byte)(ClassJmp | OpExit), 0, 0, 0);

    /// <summary>The program as the kernel reads it: 8 little-endian bytes per instruction.</summary>
    public static byte[] ToBytes(IReadOnlyList<BpfInsn> program)
    {
        var bytes = new byte[program.Count * 8];
        for (int i = 0; i < program.Count; i++)
        {
            var insn = program[i];
            bytes[i * 8] = insn.Code;
            bytes[i * 8 + 1] = insn.Regs;
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8 + 2, 2), insn.Off);
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8 + 4, 4), insn.Imm);
        }
        return bytes;
    }
}
