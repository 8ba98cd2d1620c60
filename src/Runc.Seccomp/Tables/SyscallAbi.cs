namespace Runc.Seccomp.Tables;

/// <summary>One syscall name and its number in one ABI (x32 numbers include the 0x40000000 bit).</summary>
internal readonly record struct SyscallEntry(string Name, int Number)
{
    /// <summary>"name nr\n" lines, already in ordinal order (the generator sorts them for binary search).</summary>
    public static SyscallEntry[] Parse(ReadOnlySpan<byte> utf8) => Parse(System.Text.Encoding.ASCII.GetString(utf8));

    public static SyscallEntry[] Parse(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = new SyscallEntry[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            int space = lines[i].IndexOf(' ');
            entries[i] = new SyscallEntry(lines[i][..space], int.Parse(lines[i].AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture));
        }
        return entries;
    }
}

/// <summary>
/// A syscall ABI as seccomp sees it: the AUDIT_ARCH_* value in <c>seccomp_data.arch</c>, how wide
/// and in which byte order the arguments are, and the name-to-number table (generated, sorted by name).
/// </summary>
internal sealed record SyscallAbi(string OciName, uint AuditArch, int ArgumentBits, bool LittleEndian, SyscallEntry[] Entries)
{
    /// <summary>The syscall number for <paramref name="name"/>, or -1 when this ABI has no such syscall.</summary>
    public int Lookup(string name)
    {
        int lo = 0, hi = Entries.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int cmp = string.CompareOrdinal(Entries[mid].Name, name);
            if (cmp == 0) return Entries[mid].Number;
            if (cmp < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>x32 shares AUDIT_ARCH_X86_64 with x86_64 and is told apart by this bit in the syscall number.</summary>
    public const uint X32SyscallBit = 0x40000000;

    public bool IsX32 => OciName == "SCMP_ARCH_X32";
    public bool IsX86_64 => OciName == "SCMP_ARCH_X86_64";
    public bool IsS390 => OciName is "SCMP_ARCH_S390" or "SCMP_ARCH_S390X";
}
