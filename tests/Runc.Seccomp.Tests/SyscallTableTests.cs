using Runc.Seccomp.Tables;

namespace Runc.Seccomp.Tests;

public class SyscallTableTests
{
    [Theory]
    [InlineData("x86_64", "read", 0), InlineData("x86_64", "openat", 257), InlineData("x86_64", "futex_waitv", 449)]
    [InlineData("i386", "socketcall", 102), InlineData("i386", "openat", 295)]
    [InlineData("x32", "read", 0x40000000), InlineData("x32", "rt_sigaction", 0x40000200)]
    [InlineData("aarch64", "openat", 56), InlineData("aarch64", "fstat", 80), InlineData("riscv64", "riscv_flush_icache", 259)]
    [InlineData("arm", "set_tls", 0xf0005), InlineData("arm", "breakpoint", 0xf0001), InlineData("arm", "openat", 322)]
    [InlineData("mips", "read", 4003), InlineData("mips64", "read", 5000), InlineData("mips64n32", "read", 6000)]
    [InlineData("ppc64le", "openat", 286), InlineData("s390x", "openat", 288), InlineData("loong64", "fstat", 80), InlineData("loong64", "clone3", 435)]
    public void KnownNumbers(string arch, string name, int nr) => Assert.Equal(nr, SyscallTables.FromNativeName(arch)!.Lookup(name));

    [Theory]
    [InlineData("SCMP_ARCH_X86_64", 0xC000003Eu), InlineData("SCMP_ARCH_X86", 0x40000003u), InlineData("SCMP_ARCH_X32", 0xC000003Eu)]
    [InlineData("SCMP_ARCH_AARCH64", 0xC00000B7u), InlineData("SCMP_ARCH_ARM", 0x40000028u), InlineData("SCMP_ARCH_MIPS", 0x8u)]
    [InlineData("SCMP_ARCH_MIPSEL64N32", 0xE0000008u), InlineData("SCMP_ARCH_PPC64LE", 0xC0000015u), InlineData("SCMP_ARCH_S390X", 0x80000016u)]
    [InlineData("SCMP_ARCH_RISCV64", 0xC00000F3u), InlineData("SCMP_ARCH_LOONGARCH64", 0xC0000102u)]
    public void AuditArchConstants(string oci, uint audit) => Assert.Equal(audit, SyscallTables.FromOciName(oci)!.AuditArch);

    [Fact]
    public void EveryEntryCanBeFoundAndNamesAreUnique()
    {
        foreach (var abi in SyscallTables.All)
        {
            Assert.Equal(abi.Entries.Length, abi.Entries.Select(e => e.Name).Distinct().Count());
            foreach (var entry in abi.Entries) Assert.Equal(entry.Number, abi.Lookup(entry.Name));
            Assert.Equal(-1, abi.Lookup("no_such_syscall"));
        }
    }

    // The syscalls after Linux 6.1 (tools/syscall-gen/newer-syscalls.tbl, from the kernel's syscall tables).
    [Theory]
    [InlineData("x86_64", "cachestat", 451), InlineData("x86_64", "fchmodat2", 452), InlineData("x86_64", "map_shadow_stack", 453)]
    [InlineData("x86_64", "futex_wake", 454), InlineData("x86_64", "futex_wait", 455), InlineData("x86_64", "futex_requeue", 456)]
    [InlineData("x86_64", "statmount", 457), InlineData("x86_64", "listmount", 458), InlineData("x86_64", "lsm_get_self_attr", 459)]
    [InlineData("x86_64", "lsm_list_modules", 461), InlineData("x86_64", "mseal", 462), InlineData("x86_64", "setxattrat", 463)]
    [InlineData("x86_64", "removexattrat", 466), InlineData("x86_64", "open_tree_attr", 467), InlineData("x86_64", "file_setattr", 469)]
    [InlineData("x86_64", "listns", 470), InlineData("x86_64", "uretprobe", 335), InlineData("x86_64", "uprobe", 336)]
    [InlineData("x32", "fchmodat2", 0x40000000 + 452), InlineData("x32", "uretprobe", 0x40000000 + 335)]
    [InlineData("i386", "fchmodat2", 452), InlineData("i386", "mseal", 462), InlineData("aarch64", "fchmodat2", 452)]
    [InlineData("arm", "statmount", 457), InlineData("mips", "fchmodat2", 4452), InlineData("mipsel64", "fchmodat2", 5452)]
    [InlineData("mips64n32", "fchmodat2", 6452), InlineData("ppc", "getxattrat", 464), InlineData("ppc64le", "cachestat", 451)]
    [InlineData("s390", "mseal", 462), InlineData("s390x", "listmount", 458), InlineData("riscv64", "riscv_hwprobe", 258)]
    [InlineData("riscv64", "futex_wait", 455), InlineData("loong64", "file_getattr", 468)]
    public void NewerSyscalls(string arch, string name, int nr) => Assert.Equal(nr, SyscallTables.FromNativeName(arch)!.Lookup(name));

    [Theory]
    [InlineData("i386", "uretprobe"), InlineData("aarch64", "uretprobe"), InlineData("x86_64", "riscv_hwprobe")]
    public void ArchSpecificNewerSyscallsStayWhereTheyBelong(string arch, string name) =>
        Assert.Equal(-1, SyscallTables.FromNativeName(arch)!.Lookup(name));

    [Fact]
    public void EveryNameOfDockersProfileIsKnownSomewhere()
    {
        var names = DockerProfile.Load().Syscalls!.SelectMany(s => s.Names!).Distinct();
        var unknown = names.Where(n => SyscallTables.All.All(a => a.Lookup(n) < 0)).ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void UnknownNamesAreMinusOne() => Assert.Equal(-1, SyscallTables.FromNativeName("aarch64")!.Lookup("open"));
}
