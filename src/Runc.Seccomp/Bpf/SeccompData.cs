using System.Buffers.Binary;

namespace Runc.Seccomp.Bpf;

/// <summary>What the kernel hands a seccomp filter: <c>struct seccomp_data</c> (64 bytes).</summary>
public readonly record struct SeccompData(int Nr, uint Arch, ulong InstructionPointer = 0,
    ulong Arg0 = 0, ulong Arg1 = 0, ulong Arg2 = 0, ulong Arg3 = 0, ulong Arg4 = 0, ulong Arg5 = 0)
{
    public const int Size = 64;

    public ulong Arg(int index) => index switch
    {
        0 => Arg0, 1 => Arg1, 2 => Arg2, 3 => Arg3, 4 => Arg4, 5 => Arg5,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The bytes as the kernel lays them out on a machine of the given byte order.</summary>
    public void WriteTo(Span<byte> destination, bool le)
    {
        WriteU32(destination, (uint)Nr, le);
        WriteU32(destination[4..], Arch, le);
        WriteU64(destination[8..], InstructionPointer, le);
        for (int i = 0; i < 6; i++) WriteU64(destination[(16 + 8 * i)..], Arg(i), le);
    }

    private static void WriteU32(Span<byte> d, uint v, bool le)
    {
        if (le) BinaryPrimitives.WriteUInt32LittleEndian(d, v); else BinaryPrimitives.WriteUInt32BigEndian(d, v);
    }

    private static void WriteU64(Span<byte> d, ulong v, bool le)
    {
        if (le) BinaryPrimitives.WriteUInt64LittleEndian(d, v); else BinaryPrimitives.WriteUInt64BigEndian(d, v);
    }
}
