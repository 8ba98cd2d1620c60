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

    // asm-generic numbers (include/uapi/asm-generic/unistd.h, arch/riscv's arch_specific_syscall + 14/15) that the three
    // ABIs on that numbering must give, whichever file of AsmGenericSyscalls / their own holds them; -1 = not on that ABI.
    [Theory]
    [InlineData("io_setup", 0, 0, 0), InlineData("getcwd", 17, 17, 17), InlineData("renameat", 38, -1, -1)]
    [InlineData("openat", 56, 56, 56), InlineData("close", 57, 57, 57), InlineData("read", 63, 63, 63), InlineData("write", 64, 64, 64)]
    [InlineData("newfstatat", 79, 79, 79), InlineData("fstat", 80, 80, 80), InlineData("exit", 93, 93, 93), InlineData("kill", 129, 129, 129)]
    [InlineData("getrlimit", 163, 163, 163), InlineData("setrlimit", 164, 164, 164), InlineData("clone", 220, 220, 220)]
    [InlineData("execve", 221, 221, 221), InlineData("mmap", 222, 222, 222), InlineData("riscv_hwprobe", -1, 258, -1)]
    [InlineData("riscv_flush_icache", -1, 259, -1), InlineData("renameat2", 276, 276, 276), InlineData("bpf", 280, 280, 280)]
    [InlineData("pidfd_open", 434, 434, 434), InlineData("clone3", 435, 435, 435), InlineData("memfd_secret", 447, 447, -1)]
    [InlineData("listns", 470, 470, 470), InlineData("open", -1, -1, -1), InlineData("fork", -1, -1, -1)]
    public void AsmGenericAbisKnownNumbers(string name, int aarch64, int riscv64, int loong64)
    {
        Assert.Equal(aarch64, Aarch64Syscalls.Abi.Lookup(name));
        Assert.Equal(riscv64, Riscv64Syscalls.Abi.Lookup(name));
        Assert.Equal(loong64, Loong64Syscalls.Abi.Lookup(name));
    }

    // Every name of every ABI, on each asm-generic ABI: the shared table's number, except for the ABI's own entries.
    [Theory]
    [InlineData("SCMP_ARCH_AARCH64", "memfd_secret=447,renameat=38")]
    [InlineData("SCMP_ARCH_RISCV64", "memfd_secret=447,riscv_flush_icache=259,riscv_hwprobe=258")]
    [InlineData("SCMP_ARCH_LOONGARCH64", "")]
    public void AsmGenericAbisAreTheSharedTablePlusTheirOwn(string oci, string own)
    {
        var abi = SyscallTables.FromOciName(oci)!;
        var shared = new SyscallAbi("shared", 0, 64, true, AsmGenericSyscalls.Entries);
        var extras = own.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        var names = System.Text.Encoding.ASCII.GetString(SyscallNames.Utf8).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(514, names.Length);
        foreach (string name in names)
        {
            if (extras.TryGetValue(name, out int nr))
            {
                Assert.Equal(-1, shared.Lookup(name));
                Assert.Equal(nr, abi.Lookup(name));
            }
            else Assert.Equal(shared.Lookup(name), abi.Lookup(name));
        }
        Assert.Equal(324, AsmGenericSyscalls.Entries.Length);
        Assert.Equal(324 + extras.Count, abi.Entries.Length);
    }

    // How many syscalls each ABI knows (the tables as generated from the Linux 6.1 headers + newer-syscalls.tbl).
    [Theory]
    [InlineData("SCMP_ARCH_AARCH64", 326), InlineData("SCMP_ARCH_ARM", 430), InlineData("SCMP_ARCH_LOONGARCH64", 324)]
    [InlineData("SCMP_ARCH_MIPS", 444), InlineData("SCMP_ARCH_MIPS64", 374), InlineData("SCMP_ARCH_MIPS64N32", 398)]
    [InlineData("SCMP_ARCH_MIPSEL", 444), InlineData("SCMP_ARCH_MIPSEL64", 374), InlineData("SCMP_ARCH_MIPSEL64N32", 398)]
    [InlineData("SCMP_ARCH_PPC", 451), InlineData("SCMP_ARCH_PPC64", 423), InlineData("SCMP_ARCH_PPC64LE", 423)]
    [InlineData("SCMP_ARCH_RISCV64", 327), InlineData("SCMP_ARCH_S390", 440), InlineData("SCMP_ARCH_S390X", 388)]
    [InlineData("SCMP_ARCH_X32", 373), InlineData("SCMP_ARCH_X86", 460), InlineData("SCMP_ARCH_X86_64", 384)]
    public void EntryCounts(string oci, int count) => Assert.Equal(count, SyscallTables.FromOciName(oci)!.Entries.Length);

    [Fact]
    public void SharedTablePlusOwnEntriesStaysSortedAndRejectsClashes()
    {
        SyscallEntry[] shared = [new("b", 2), new("d", 4)];
        var merged = SyscallEntry.With(shared, "a 1  c 3 e 5 "u8);
        Assert.Equal(["a", "b", "c", "d", "e"], merged.Select(e => e.Name));
        Assert.Equal([1, 2, 3, 4, 5], merged.Select(e => e.Number));
        Assert.Equal([new("b", 2), new("d", 4)], shared); // the shared table is left alone
        Assert.Throws<InvalidOperationException>(() => SyscallEntry.With(shared, "b 7"u8)); // already shared
        Assert.Throws<InvalidOperationException>(() => SyscallEntry.With(shared, "a 1 a 1"u8));
        Assert.Throws<InvalidOperationException>(() => SyscallEntry.With(shared, "c 3 a 1"u8)); // out of order
        Assert.Throws<InvalidOperationException>(() => SyscallEntry.With(shared, "a"u8)); // no number
        Assert.Throws<InvalidOperationException>(() => SyscallEntry.With(shared, "a x"u8));
    }

    [Fact]
    public void UnknownNamesAreMinusOne() => Assert.Equal(-1, SyscallTables.FromNativeName("aarch64")!.Lookup("open"));
}
