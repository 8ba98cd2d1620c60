namespace Runc.Seccomp.Compiler;

/// <summary>
/// Offsets into the kernel's <c>struct seccomp_data</c>: { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }.
/// The 64-bit fields are in the machine's byte order, so which half of an argument sits first depends on it.
/// </summary>
internal static class SeccompDataLayout
{
    public const uint Nr = 0;
    public const uint Arch = 4;
    public const uint InstructionPointer = 8;
    public const uint Args = 16;

    public static uint LowWord(int index, bool littleEndian) => Args + (uint)(8 * index) + (littleEndian ? 0u : 4u);
    public static uint HighWord(int index, bool littleEndian) => Args + (uint)(8 * index) + (littleEndian ? 4u : 0u);
}
