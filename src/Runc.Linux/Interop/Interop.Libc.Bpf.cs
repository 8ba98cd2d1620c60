using System.Runtime.InteropServices;

namespace Runc.Linux;

public static partial class Interop
{
    public static partial class Libc
    {
        /// <summary>x86_64 syscall number of bpf(2); glibc has no wrapper for it.</summary>
        public const long SYS_bpf = 321;

        public const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_GET_FD_BY_ID = 13,
            BPF_PROG_QUERY = 16;
        public const int BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6;
        public const uint BPF_F_ALLOW_OVERRIDE = 1, BPF_F_ALLOW_MULTI = 2, BPF_F_REPLACE = 4;

        /// <summary>bpf(cmd, attr, size) through syscall(2); attr is a zero-padded union bpf_attr.</summary>
        [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
        public static unsafe partial long SyscallBpf(long number, int cmd, void* attr, uint size);
    }
}
