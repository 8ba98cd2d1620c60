using Runc.Oci;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp.Model;

/// <summary>
/// Checks an OCI seccomp profile the way runc does and flattens it into <see cref="NormalizedProfile"/>.
/// All errors are <see cref="SpecException"/>s with runc's wording where runc has one.
/// </summary>
internal static class ProfileNormalizer
{
    private const int MaxSyscallArguments = 6;

    public static NormalizedProfile Normalize(LinuxSeccomp profile)
    {
        uint defaultAction = SeccompAction.ToReturn(profile.DefaultAction, profile.DefaultErrnoRet);
        if (defaultAction == SeccompReturn.UserNotif)
            throw new SpecException("SCMP_ACT_NOTIFY cannot be used as default action");

        var architectures = new List<string>();
        foreach (var arch in profile.Architectures ?? [])
        {
            if (SyscallTables.FromOciName(arch) is null) throw new SpecException($"string {arch} is not a valid arch for seccomp");
            architectures.Add(arch);
        }

        uint flags = 0;
        foreach (var flag in profile.Flags ?? []) flags |= SeccompFilterFlags.FromOciName(flag);

        var rules = new List<NamedRule>();
        var allNames = new List<string>();
        bool needsListener = false;
        foreach (var syscall in profile.Syscalls ?? [])
        {
            uint action = SeccompAction.ToReturn(syscall.Action, syscall.ErrnoRet);
            var names = syscall.Names ?? [];
            if (action == SeccompReturn.UserNotif)
            {
                // The container's init reports the listener fd to nrunc with write(2) after loading the
                // filter; trapping write would hang it forever (runc has the same rule).
                if (names.Contains("write")) throw new SpecException("SCMP_ACT_NOTIFY cannot be used for the write syscall");
                needsListener = true;
            }
            var alternatives = Alternatives(syscall.Args ?? [], action);
            foreach (var name in names)
            {
                if (string.IsNullOrEmpty(name)) throw new SpecException("empty string is not a valid syscall");
                allNames.Add(name);
                // runc skips a rule whose action is the default: it cannot change the outcome.
                if (action == defaultAction) continue;
                foreach (var alternative in alternatives) rules.Add(new NamedRule(name, alternative));
            }
        }
        if (needsListener) flags |= SeccompFilterFlags.NewListener;
        // The kernel refuses WAIT_KILLABLE_RECV without NEW_LISTENER (EINVAL); without a notify rule it means nothing.
        else flags &= ~SeccompFilterFlags.WaitKillableRecv;
        return new NormalizedProfile(defaultAction, profile.DefaultErrnoRet, rules, allNames, architectures, flags, needsListener);
    }

    // One rule's conditions are ANDed, except (runc's compatibility quirk) when two conditions test the
    // same argument: then each condition becomes a rule of its own, so they are ORed.
    private static List<RuleAlternative> Alternatives(List<LinuxSeccompArg> args, uint action)
    {
        var conditions = new List<ArgumentCondition>(args.Count);
        var seen = new bool[MaxSyscallArguments];
        bool repeatedIndex = false;
        foreach (var arg in args)
        {
            if (arg.Index >= MaxSyscallArguments)
                throw new SpecException($"seccomp argument index {arg.Index} is out of range (syscalls have {MaxSyscallArguments} arguments)");
            repeatedIndex |= seen[arg.Index];
            seen[arg.Index] = true;
            conditions.Add(new ArgumentCondition((int)arg.Index, SeccompOperators.Parse(arg.Op), arg.Value, arg.ValueTwo));
        }
        if (!repeatedIndex) return [new RuleAlternative(conditions, action)];
        return conditions.ConvertAll(c => new RuleAlternative([c], action));
    }
}
