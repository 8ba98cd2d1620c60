using Runc.Seccomp.Bpf;
using static Runc.Seccomp.Tests.ProfileBuilder;

namespace Runc.Seccomp.Tests;

/// <summary>Exact listings for small profiles: any change to the code shape shows up here on purpose.</summary>
public class GoldenProgramTests
{
    // mount is 165 (0xa5) on x86_64; x32 numbers (bit 30) get the bad-arch kill since X32 is not listed.
    [Fact]
    public void AllowAllButOneErrno()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "mount")));
        Assert.Equal(
            """
               0: ld [4]
               1: jeq 0xc000003e +0 +2
               2: ld [0]
               3: jset 0x40000000 +0 +1
               4: ret 0x80000000
               5: jge 0xa5 +0 +2
               6: jge 0xa6 +1 +0
               7: ret 0x50001
               8: ret 0x7fff0000

            """.Replace("\r", ""), BpfDisassembler.Listing(program.Filter));
    }

    // aarch64: read 63, write 64; numbers above 64 get ENOSYS (0x50026); write's arg0 is tested on
    // its high word ([20]) then its low word ([16]).
    [Fact]
    public void DenyByDefaultWithEnosysStubAndCondition()
    {
        var program = SeccompCompiler.Compile(Profile("SCMP_ACT_ERRNO",
            Rule("SCMP_ACT_ALLOW", "read"),
            Rule("SCMP_ACT_ALLOW", "write", Arg(0, "SCMP_CMP_EQ", 1))), "aarch64");
        Assert.Equal(
            """
               0: ld [4]
               1: jeq 0xc00000b7 +1 +0
               2: ret 0x80000000
               3: ld [0]
               4: jge 0x40 +1 +0
               5: jge 0x3f +7 +6
               6: jge 0x41 +0 +1
               7: ret 0x50026
               8: ld [20]
               9: jeq 0x0 +0 +2
              10: ld [16]
              11: jeq 0x1 +1 +0
              12: ret 0x50001
              13: ret 0x7fff0000

            """.Replace("\r", ""), BpfDisassembler.Listing(program.Filter));
    }
}
