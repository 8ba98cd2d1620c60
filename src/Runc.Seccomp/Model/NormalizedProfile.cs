namespace Runc.Seccomp.Model;

/// <summary>The rules for one syscall name, in profile order (which one decides: <see cref="RulePriority"/>).</summary>
internal sealed record NamedRule(string Name, RuleAlternative Alternative);

/// <summary>
/// A validated profile, independent of any ABI: the default return value, the rules by name in
/// profile order, and every syscall name the profile mentions (the ENOSYS stub's bound uses all of them).
/// </summary>
internal sealed record NormalizedProfile(
    uint DefaultAction,
    uint? DefaultErrnoRet,
    IReadOnlyList<NamedRule> Rules,
    IReadOnlyList<string> AllNames,
    IReadOnlyList<string> Architectures,
    uint Flags,
    bool NeedsListener);
