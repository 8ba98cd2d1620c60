using System.Buffers.Binary;
using System.Text;
using Runc.Linux;

namespace Runc.Runtime.Containers;

/// <summary>
/// linux.netDevices: move host interfaces into the container's network namespace (renamed as asked) with one
/// RTM_NEWLINK each, and rename them back on delete. A small rtnetlink client, no `ip` binary.
/// </summary>
public static unsafe class NetDevices
{
    private const ushort RTM_NEWLINK = 16, NLM_F_REQUEST = 1, NLM_F_ACK = 4, IFLA_IFNAME = 3, IFLA_NET_NS_PID = 19, NLMSG_ERROR = 2;

    public static void MoveIn(IReadOnlyDictionary<string, Runc.Oci.LinuxNetDevice> devices, int pid)
    {
        foreach (var (hostName, dev) in devices)
        {
            string inner = dev.Name is { Length: > 0 } n ? n : hostName;
            uint index = Interop.Libc.IfNameToIndex(hostName);
            if (index == 0) throw new RuncException($"netDevices: interface \"{hostName}\": {Errno.Message(Errno.Last)}");
            Request(NewLink(index, inner, pid), $"move interface \"{hostName}\" into the container as \"{inner}\"");
        }
    }

    /// <summary>
    /// On delete the container's network namespace is gone and the kernel has returned physical devices to
    /// the host under their container names: rename them back where that name is free.
    /// </summary>
    public static void GiveBack(IReadOnlyDictionary<string, string> devices, Action<string> warn)
    {
        foreach (var (hostName, inner) in devices)
        {
            if (hostName == inner || Interop.Libc.IfNameToIndex(hostName) != 0) continue;
            uint index = Interop.Libc.IfNameToIndex(inner);
            if (index == 0) continue; // a virtual device (veth) dies with the namespace
            try { Request(NewLink(index, hostName, 0), $"rename interface \"{inner}\" back to \"{hostName}\""); }
            catch (RuncException e) { warn(e.Message); }
        }
    }

    /// <summary>nlmsghdr + ifinfomsg + IFLA_IFNAME [+ IFLA_NET_NS_PID].</summary>
    public static byte[] NewLink(uint index, string name, int pid)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        int nameAttr = Align(4 + nameBytes.Length);
        int total = 16 + 16 + nameAttr + (pid > 0 ? 8 : 0);
        var buf = new byte[total];
        var s = buf.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], RTM_NEWLINK);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], NLM_F_REQUEST | NLM_F_ACK);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], 1); // sequence
        // ifinfomsg: family 0, type 0, index, flags 0, change 0
        BinaryPrimitives.WriteInt32LittleEndian(s[20..], (int)index);
        int at = 32;
        BinaryPrimitives.WriteUInt16LittleEndian(s[at..], (ushort)(4 + nameBytes.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s[(at + 2)..], IFLA_IFNAME);
        nameBytes.CopyTo(s[(at + 4)..]);
        at += nameAttr;
        if (pid > 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s[at..], 8);
            BinaryPrimitives.WriteUInt16LittleEndian(s[(at + 2)..], IFLA_NET_NS_PID);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 4)..], (uint)pid);
        }
        return buf;
    }

    private static int Align(int n) => (n + 3) & ~3;

    private static void Request(byte[] msg, string what)
    {
        int fd = Interop.Libc.Socket(Interop.Libc.AF_NETLINK, Interop.Libc.SOCK_RAW | K.SOCK_CLOEXEC, Interop.Libc.NETLINK_ROUTE);
        if (fd < 0) throw SyscallException.Last(what + ": netlink socket");
        using var sock = new SafeFd(fd);
        fixed (byte* m = msg)
            if (Interop.Libc.Send(fd, m, (nuint)msg.Length, 0) != msg.Length) throw SyscallException.Last(what);
        byte* reply = stackalloc byte[1024];
        nint n = Interop.Libc.Recv(fd, reply, 1024, 0);
        if (n < 20) throw SyscallException.Last(what);
        if (*(ushort*)(reply + 4) == NLMSG_ERROR)
        {
            int error = *(int*)(reply + 16);
            if (error != 0) throw new SyscallException(what, -error);
        }
    }
}
