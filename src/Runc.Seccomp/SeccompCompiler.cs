using Runc.Oci;
using Runc.Seccomp.Bpf;
using Runc.Seccomp.Compiler;
using Runc.Seccomp.Model;
using Runc.Seccomp.Tables;
using static Runc.Seccomp.Bpf.BpfOpcodes;

namespace Runc.Seccomp;

/// <summary>
/// Compiles an OCI seccomp profile to a classic BPF filter with runc's semantics (libseccomp's
/// architecture handling, runc's ENOSYS stub), without libseccomp. Pure: bytes in, bytes out.
/// </summary>
/// <remarks>
/// Shape of the program:
/// <code>
///   ld arch; jeq AUDIT_ARCH_native → native; jeq AUDIT_ARCH_other → other; ...; ret KILL_PROCESS (bad arch)
///   native: ld nr; [x86_64: jset 0x40000000 → x32 part or bad arch]; tree of jge over syscall numbers → ret / rule chain
/// </code>
/// </remarks>
public static class SeccompCompiler
{
    public static SeccompProgram Compile(LinuxSeccomp profile, string nativeArch = "x86_64")
    {
        ArgumentNullException.ThrowIfNull(profile);
        var native = SyscallTables.FromNativeName(nativeArch)
            ?? throw new SpecException($"seccomp: unknown native architecture {nativeArch}");
        var normalized = ProfileNormalizer.Normalize(profile);

        var builder = new BackwardBpfBuilder();
        var groups = ArchitectureGroups(native, normalized.Architectures);
        bool enosysStub = WantsEnosysStub(normalized);

        // Backwards: the ABI parts (last group first, so the native one sits right after the arch tests)...
        var groupStarts = new BpfTarget[groups.Count];
        for (int g = groups.Count - 1; g >= 0; g--)
            groupStarts[g] = EmitGroup(builder, groups[g], normalized, enosysStub);
        // ...then the architecture dispatch in front of them.
        var next = BpfTarget.Return(SeccompReturn.BadArch);
        for (int g = groups.Count - 1; g >= 0; g--)
            next = builder.JumpIf(JmpJeqK, groups[g][0].AuditArch, groupStarts[g], next);
        builder.LoadWord(SeccompDataLayout.Arch);

        if (builder.Count > MaxInstructions)
            throw new SpecException($"seccomp filter has {builder.Count} instructions, more than the kernel's limit of {MaxInstructions}");
        return new SeccompProgram(builder.ToBytes(), normalized.Flags, normalized.NeedsListener);
    }

    // runc: no stub when the default errno is already ENOSYS or the default lets unknown syscalls run.
    private static bool WantsEnosysStub(NormalizedProfile p) =>
        p.DefaultErrnoRet != SeccompReturn.ENOSYS && !SeccompAction.IsPermissive(p.DefaultAction);

    /// <summary>The ABIs in the filter (native first, then the profile's), grouped by AUDIT_ARCH value.</summary>
    private static List<List<SyscallAbi>> ArchitectureGroups(SyscallAbi native, IReadOnlyList<string> listed)
    {
        var groups = new List<List<SyscallAbi>>();
        void Add(SyscallAbi abi)
        {
            var group = groups.Find(g => g[0].AuditArch == abi.AuditArch);
            if (group is null) groups.Add([abi]);
            else if (!group.Contains(abi)) group.Add(abi);
        }
        // libseccomp always includes the native architecture.
        Add(native);
        foreach (var name in listed) Add(SyscallTables.FromOciName(name)!);
        return groups;
    }

    private static BpfTarget EmitGroup(BackwardBpfBuilder builder, List<SyscallAbi> group, NormalizedProfile profile, bool enosysStub)
    {
        var x32 = group.Find(a => a.IsX32);
        var plain = group.Find(a => !a.IsX32);
        BpfTarget body;
        if (group[0].AuditArch == X86_64Syscalls.Abi.AuditArch)
        {
            // x86_64 and x32 share an AUDIT_ARCH; x32 numbers carry bit 30. An ABI the profile did not
            // ask for gets the bad-arch action, like libseccomp.
            var x32Part = x32 is null ? BpfTarget.Return(SeccompReturn.BadArch) : EmitAbi(builder, x32, profile, enosysStub);
            var x86_64Part = plain is null ? BpfTarget.Return(SeccompReturn.BadArch) : EmitAbi(builder, plain, profile, enosysStub);
            body = builder.JumpIf(JmpJsetK, SyscallAbi.X32SyscallBit, x32Part, x86_64Part);
        }
        else
        {
            body = EmitAbi(builder, plain!, profile, enosysStub);
        }
        // Every syscall of this architecture has the same fate: no need to look at the number.
        if (body.IsReturn) return body;
        builder.FallInto(body);
        return builder.LoadWord(SeccompDataLayout.Nr);
    }

    private static BpfTarget EmitAbi(BackwardBpfBuilder builder, SyscallAbi abi, NormalizedProfile profile, bool enosysStub)
    {
        var rulesByNumber = new Dictionary<uint, List<RuleAlternative>>();
        foreach (var rule in profile.Rules)
        {
            int nr = abi.Lookup(rule.Name);
            if (nr < 0) continue;  // unknown here: skipped, like runc
            if (!rulesByNumber.TryGetValue((uint)nr, out var list)) rulesByNumber[(uint)nr] = list = [];
            list.Add(rule.Alternative);
        }

        uint? enosysAbove = null;
        if (enosysStub)
        {
            // The highest syscall the profile names for this ABI, whatever its action; beyond it the
            // kernel is newer than the profile, and ENOSYS lets programs fall back (runc's patchbpf).
            uint highest = 0;
            foreach (var name in profile.AllNames)
            {
                int nr = abi.Lookup(name);
                if (nr > 0 && (uint)nr > highest) highest = (uint)nr;
            }
            if (highest != 0) enosysAbove = highest;
        }
        return new SyscallDispatchEmitter(builder, abi, profile.DefaultAction).Emit(rulesByNumber, enosysAbove);
    }
}
