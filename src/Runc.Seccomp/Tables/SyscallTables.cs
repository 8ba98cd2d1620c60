namespace Runc.Seccomp.Tables;

/// <summary>Every ABI nrunc can filter, and the names people use for the machine nrunc runs on.</summary>
internal static class SyscallTables
{
    /// <summary>In the order of runc's KnownArchs (sorted by OCI name).</summary>
    public static readonly SyscallAbi[] All =
    [
        Aarch64Syscalls.Abi, ArmSyscalls.Abi, Loong64Syscalls.Abi, MipsSyscalls.Abi, Mips64Syscalls.Abi,
        Mips64N32Syscalls.Abi, MipselSyscalls.Abi, Mipsel64Syscalls.Abi, Mipsel64N32Syscalls.Abi, PpcSyscalls.Abi,
        Ppc64Syscalls.Abi, Ppc64leSyscalls.Abi, Riscv64Syscalls.Abi, S390Syscalls.Abi, S390xSyscalls.Abi,
        X32Syscalls.Abi, X86Syscalls.Abi, X86_64Syscalls.Abi,
    ];

    /// <summary>The ABI for an OCI <c>SCMP_ARCH_*</c> name, or null when it is not one.</summary>
    public static SyscallAbi? FromOciName(string name)
    {
        foreach (var abi in All)
            if (abi.OciName == name) return abi;
        return null;
    }

    /// <summary>
    /// The ABI of the machine the filter will run on, from a uname machine name (x86_64, aarch64, ...),
    /// a Go GOARCH name (amd64, arm64, ...) or an OCI name. Null when unknown.
    /// </summary>
    public static SyscallAbi? FromNativeName(string name) => name switch
    {
        "x86_64" or "amd64" => X86_64Syscalls.Abi,
        "x86" or "i386" or "i486" or "i586" or "i686" or "386" => X86Syscalls.Abi,
        "x32" => X32Syscalls.Abi,
        "aarch64" or "arm64" => Aarch64Syscalls.Abi,
        "arm" or "armv7l" or "armv6l" or "armhf" or "armel" => ArmSyscalls.Abi,
        "mips" => MipsSyscalls.Abi,
        "mipsel" or "mipsle" => MipselSyscalls.Abi,
        "mips64" => Mips64Syscalls.Abi,
        "mips64el" or "mipsel64" or "mips64le" => Mipsel64Syscalls.Abi,
        "mips64n32" => Mips64N32Syscalls.Abi,
        "mipsel64n32" or "mips64n32el" => Mipsel64N32Syscalls.Abi,
        "ppc" or "powerpc" => PpcSyscalls.Abi,
        "ppc64" => Ppc64Syscalls.Abi,
        "ppc64le" or "ppc64el" => Ppc64leSyscalls.Abi,
        "s390" => S390Syscalls.Abi,
        "s390x" => S390xSyscalls.Abi,
        "riscv64" => Riscv64Syscalls.Abi,
        "loong64" or "loongarch64" => Loong64Syscalls.Abi,
        _ => FromOciName(name),
    };
}
