using System.Buffers.Binary;
using System.Text;
using Runc.Linux;
using static Runc.Linux.Interop.Libc;

namespace Runc.Cgroups.Devices.Ebpf;

/// <summary>
/// Loads a device program with bpf(2) and attaches it to a cgroup2 directory, replacing the device
/// programs attached before (so an update never leaves two policies, and never leaves none).
/// </summary>
public static unsafe class BpfDeviceFilter
{
    private const int AttrSize = 128; // bigger than any bpf_attr member we use; the tail stays zero

    /// <summary>Load the program; returns its fd. On a verifier error the kernel log is part of the message.</summary>
    public static SafeFd Load(IReadOnlyList<BpfInsn> program)
    {
        byte[] code = BpfInsn.ToBytes(program);
        byte[] license = "Apache\0"u8.ToArray();
        var log = new byte[64 * 1024];
        byte* attr = stackalloc byte[AttrSize];
        // First without a log (cheaper), then again with one to explain a failure.
        for (int logLevel = 0; ; logLevel++)
        {
            new Span<byte>(attr, AttrSize).Clear();
            fixed (byte* pCode = code)
            fixed (byte* pLicense = license)
            fixed (byte* pLog = log)
            {
                Put32(attr, 0, BPF_PROG_TYPE_CGROUP_DEVICE);
                Put32(attr, 4, (uint)program.Count);
                Put64(attr, 8, (ulong)pCode);
                Put64(attr, 16, (ulong)pLicense);
                if (logLevel > 0)
                {
                    Put32(attr, 24, 1);
                    Put32(attr, 28, (uint)log.Length);
                    Put64(attr, 32, (ulong)pLog);
                }
                long fd = SyscallBpf(SYS_bpf, BPF_PROG_LOAD, attr, AttrSize);
                if (fd >= 0) return new SafeFd((int)fd);
                int errno = Errno.Last;
                if (logLevel > 0 || errno is Errno.EPERM or Errno.ENOSYS)
                {
                    string text = Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
                    throw new SyscallException(text.Length > 0 ? "load device bpf program (verifier: " + text + ")" : "load device bpf program", errno);
                }
            }
        }
    }

    /// <summary>Ids of the device programs attached to the cgroup directory.</summary>
    public static List<uint> Query(SafeFd cgroupDir)
    {
        var ids = new uint[64];
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (uint* pIds = ids)
        {
            Put32(attr, 0, (uint)cgroupDir.Fd);
            Put32(attr, 4, BPF_CGROUP_DEVICE);
            Put64(attr, 16, (ulong)pIds);
            Put32(attr, 24, (uint)ids.Length);
            if (SyscallBpf(SYS_bpf, BPF_PROG_QUERY, attr, AttrSize) < 0)
                throw SyscallException.Last("query device bpf programs");
        }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(attr + 24, 4));
        int n = (int)Math.Min(count, (uint)ids.Length);
        var attached = new List<uint>(n);
        attached.AddRange(ids.AsSpan(0, n));
        return attached;
    }

    /// <summary>Attach the loaded program (BPF_F_ALLOW_MULTI, as runc), then detach every older one.</summary>
    public static void AttachReplacing(SafeFd cgroupDir, SafeFd program)
    {
        var old = Query(cgroupDir);
        Attach(BPF_PROG_ATTACH, cgroupDir, program.Fd, BPF_F_ALLOW_MULTI, "attach device bpf program");
        foreach (uint id in old)
        {
            using SafeFd? oldProg = GetFdById(id);
            if (oldProg == null) continue; // detached meanwhile
            Attach(BPF_PROG_DETACH, cgroupDir, oldProg.Fd, 0, "detach old device bpf program");
        }
    }

    /// <summary>Detach every device program (used by tests and by rootless clean-up).</summary>
    public static void DetachAll(SafeFd cgroupDir)
    {
        foreach (uint id in Query(cgroupDir))
        {
            using SafeFd? prog = GetFdById(id);
            if (prog != null) Attach(BPF_PROG_DETACH, cgroupDir, prog.Fd, 0, "detach device bpf program");
        }
    }

    private static SafeFd? GetFdById(uint id)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        Put32(attr, 0, id);
        long fd = SyscallBpf(SYS_bpf, BPF_PROG_GET_FD_BY_ID, attr, AttrSize);
        if (fd >= 0) return new SafeFd((int)fd);
        if (Errno.Last == Errno.ENOENT) return null;
        throw SyscallException.Last("open bpf program " + id);
    }

    private static void Attach(int cmd, SafeFd cgroupDir, int progFd, uint flags, string what)
    {
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        Put32(attr, 0, (uint)cgroupDir.Fd);
        Put32(attr, 4, (uint)progFd);
        Put32(attr, 8, BPF_CGROUP_DEVICE);
        Put32(attr, 12, flags);
        if (SyscallBpf(SYS_bpf, cmd, attr, AttrSize) < 0) throw SyscallException.Last(what);
    }

    private static void Put32(byte* attr, int offset, uint v) =>
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(attr + offset, 4), v);

    private static void Put32(byte* attr, int offset, int v) => Put32(attr, offset, (uint)v);

    private static void Put64(byte* attr, int offset, ulong v) =>
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(attr + offset, 8), v);
}
