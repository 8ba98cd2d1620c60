namespace Runc.Seccomp.Tables;

/// <summary>One syscall name and its number in one ABI (x32 numbers include the 0x40000000 bit).</summary>
internal readonly record struct SyscallEntry(string Name, int Number)
{
    private static string[]? _names;

    /// <summary>Every ABI's names, once, in ordinal order (<see cref="SyscallNames"/>).</summary>
    private static string[] Names => _names ??= System.Text.Encoding.ASCII.GetString(SyscallNames.Utf8).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// One ABI's table from its generated form: space-separated numbers relative to <paramref name="numberBase"/>,
    /// one per <see cref="SyscallNames"/> entry, "-" where the ABI has no such syscall. Stays in ordinal name order.
    /// </summary>
    public static SyscallEntry[] Parse(int numberBase, ReadOnlySpan<byte> numbers)
    {
        string[] names = Names;
        var entries = new List<SyscallEntry>(names.Length);
        int index = 0;
        foreach (Range r in numbers.Split((byte)' '))
        {
            ReadOnlySpan<byte> token = numbers[r];
            if (token.IsEmpty) continue;
            if (index >= names.Length) throw new InvalidOperationException("syscall table: more numbers than names");
            if (token is not [(byte)'-'])
                entries.Add(new SyscallEntry(names[index], numberBase + ParseNumber(token)));
            index++;
        }
        if (index != names.Length) throw new InvalidOperationException("syscall table: fewer numbers than names");
        return entries.ToArray();
    }

    /// <summary>
    /// A table shared by several ABIs (<see cref="AsmGenericSyscalls"/>) plus one ABI's own entries, given as
    /// space-separated "name number" pairs in ordinal name order. Merged, not sorted (no sort code in the binary);
    /// the result stays in ordinal name order. A name both have, or pairs out of order, are errors.
    /// </summary>
    public static SyscallEntry[] With(SyscallEntry[] shared, ReadOnlySpan<byte> extras)
    {
        var own = new List<SyscallEntry>();
        string? name = null;
        foreach (Range r in extras.Split((byte)' '))
        {
            ReadOnlySpan<byte> token = extras[r];
            if (token.IsEmpty) continue;
            if (name == null) { name = System.Text.Encoding.ASCII.GetString(token); continue; }
            if (own.Count > 0 && string.CompareOrdinal(own[^1].Name, name) >= 0)
                throw new InvalidOperationException("syscall table: " + name + " out of order");
            own.Add(new SyscallEntry(name, ParseNumber(token)));
            name = null;
        }
        if (name != null) throw new InvalidOperationException("syscall table: " + name + " has no number");
        var merged = new SyscallEntry[shared.Length + own.Count];
        int i = 0, j = 0, k = 0;
        while (k < merged.Length)
        {
            int cmp = i == shared.Length ? 1 : j == own.Count ? -1 : string.CompareOrdinal(shared[i].Name, own[j].Name);
            if (cmp == 0) throw new InvalidOperationException("syscall table: " + own[j].Name + " is shared already");
            merged[k++] = cmp < 0 ? shared[i++] : own[j++];
        }
        return merged;
    }

    private static int ParseNumber(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9') throw new InvalidOperationException("syscall table: bad number");
            value = checked(value * 10 + (d - '0'));
        }
        return value;
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
