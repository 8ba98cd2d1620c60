namespace Runc.Seccomp;

/// <summary>
/// A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER, <see cref="Flags"/>, {len, filter}).
/// </summary>
/// <param name="Filter">struct sock_filter[] in host byte order, 8 bytes per instruction.</param>
/// <param name="Flags">SECCOMP_FILTER_FLAG_* bits to pass to seccomp(2).</param>
/// <param name="NeedsListener">The profile uses SCMP_ACT_NOTIFY: the installer gets a listener fd back (NEW_LISTENER is in Flags).</param>
public sealed record SeccompProgram(byte[] Filter, uint Flags, bool NeedsListener)
{
    public int InstructionCount => Filter.Length / Bpf.BpfInstruction.Size;
}
