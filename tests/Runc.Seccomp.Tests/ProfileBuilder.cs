using Runc.Oci;
using Runc.Seccomp.Bpf;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp.Tests;

/// <summary>Short ways to write profiles and run syscalls through compiled filters in tests.</summary>
internal static class ProfileBuilder
{
    public const uint X86_64 = 0xC000003E, I386 = 0x40000003, Aarch64 = 0xC00000B7;

    public static LinuxSeccomp Profile(string defaultAction, params LinuxSyscall[] rules) =>
        new() { DefaultAction = defaultAction, Syscalls = rules.ToList() };

    public static LinuxSyscall Rule(string action, string name, params LinuxSeccompArg[] args) =>
        new() { Names = [name], Action = action, Args = args.Length == 0 ? null : args.ToList() };

    public static LinuxSeccompArg Arg(uint index, string op, ulong value, ulong valueTwo = 0) =>
        new() { Index = index, Op = op, Value = value, ValueTwo = valueTwo };

    public static int Nr(string name, string arch = "x86_64")
    {
        int nr = SyscallTables.FromNativeName(arch)!.Lookup(name);
        Assert.True(nr >= 0, $"{name} is not a syscall on {arch}");
        return nr;
    }

    public static uint Run(SeccompProgram program, string name, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0) =>
        BpfInterpreter.Run(program.Filter, new SeccompData(Nr(name), X86_64, 0, arg0, arg1, arg2)).Action;

    public static uint RunNr(SeccompProgram program, int nr, uint arch = X86_64) =>
        BpfInterpreter.Run(program.Filter, new SeccompData(nr, arch)).Action;
}
