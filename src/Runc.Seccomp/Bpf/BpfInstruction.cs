using System.Buffers.Binary;

namespace Runc.Seccomp.Bpf;

/// <summary>
/// One classic BPF instruction, laid out like the kernel's <c>struct sock_filter</c>
/// (u16 code, u8 jt, u8 jf, u32 k: 8 bytes, host byte order).
/// </summary>
public readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    public const int Size = 8;

    public void WriteTo(Span<byte> destination)
    {
        // The filter is installed by the kernel of the machine that compiled it, so host order is right.
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, Code);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], K);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, Code);
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], K);
        }
        destination[2] = Jt;
        destination[3] = Jf;
    }

    public static BpfInstruction ReadFrom(ReadOnlySpan<byte> source) => BitConverter.IsLittleEndian
        ? new(BinaryPrimitives.ReadUInt16LittleEndian(source), source[2], source[3], BinaryPrimitives.ReadUInt32LittleEndian(source[4..]))
        : new(BinaryPrimitives.ReadUInt16BigEndian(source), source[2], source[3], BinaryPrimitives.ReadUInt32BigEndian(source[4..]));

    /// <summary>Splits a filter byte array back into instructions.</summary>
    public static BpfInstruction[] Decode(ReadOnlySpan<byte> filter)
    {
        if (filter.Length % Size != 0) throw new ArgumentException("a BPF filter is a whole number of 8-byte instructions", nameof(filter));
        var result = new BpfInstruction[filter.Length / Size];
        for (int i = 0; i < result.Length; i++) result[i] = ReadFrom(filter.Slice(i * Size, Size));
        return result;
    }

    public override string ToString() => BpfDisassembler.Format(this);
}
