using Runc.Oci;
using Runc.Seccomp.Bpf;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp;

/// <summary>One row of <see cref="SeccompInstructionCounts.ForCommonSyscalls"/>.</summary>
public readonly record struct SyscallCost(string Syscall, int Number, uint Action, int Executed);

/// <summary>
/// How much work a compiled filter costs per syscall: the number of BPF instructions the kernel
/// executes for the syscalls a container makes most. For the bench tool (not a timed test).
/// </summary>
public static class SeccompInstructionCounts
{
    public static readonly string[] CommonSyscalls = ["read", "write", "futex", "epoll_wait", "openat"];

    /// <summary>Runs each common syscall (arguments zero) of <paramref name="nativeArch"/> through the filter.</summary>
    public static IReadOnlyList<SyscallCost> ForCommonSyscalls(SeccompProgram program, string nativeArch = "x86_64")
    {
        var abi = SyscallTables.FromNativeName(nativeArch) ?? throw new ArgumentException($"unknown architecture {nativeArch}", nameof(nativeArch));
        var result = new List<SyscallCost>();
        foreach (var name in CommonSyscalls)
        {
            int nr = abi.Lookup(name);
            if (nr < 0) continue;  // e.g. epoll_wait does not exist on aarch64
            var verdict = BpfInterpreter.Run(program.Filter, new SeccompData(nr, abi.AuditArch), bigEndianMachine: !abi.LittleEndian);
            result.Add(new SyscallCost(name, nr, verdict.Action, verdict.Executed));
        }
        return result;
    }

    /// <summary>Compiles <paramref name="profile"/> and reports its length and the per-syscall costs as text lines.</summary>
    public static string Report(LinuxSeccomp profile, string nativeArch = "x86_64")
    {
        var program = SeccompCompiler.Compile(profile, nativeArch);
        var lines = new List<string> { $"program length: {program.InstructionCount} instructions" };
        foreach (var cost in ForCommonSyscalls(program, nativeArch))
            lines.Add($"{cost.Syscall} (nr {cost.Number}): {cost.Executed} instructions, action 0x{cost.Action:x8}");
        return string.Join('\n', lines);
    }
}
