using System.Globalization;
using System.Text;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Runtime.Launch;

/// <summary>A connected AF_UNIX stream socket (console socket, seccomp listener).</summary>
public static unsafe class UnixSocket
{
    public static SafeFd Connect(string path)
    {
        int fd = Interop.Libc.Socket(K.AF_UNIX, K.SOCK_STREAM | K.SOCK_CLOEXEC, 0);
        if (fd < 0) throw SyscallException.Last("socket");
        var sock = new SafeFd(fd);
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length >= 108) { sock.Dispose(); throw new RuncException($"connect \"{path}\": path too long"); }
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        *(ushort*)addr = (ushort)K.AF_UNIX;
        p.CopyTo(new Span<byte>(addr + 2, p.Length));
        if (Interop.Libc.Connect(fd, addr, (uint)(2 + p.Length + 1)) != 0)
        {
            int e = Errno.Last;
            sock.Dispose();
            throw new SyscallException($"dial unix {path}", e);
        }
        return sock;
    }

    /// <summary>Send <paramref name="fd"/> in SCM_RIGHTS with <paramref name="payload"/> as the message bytes, the way
    /// runc's utils.SendFile does (the payload names the fd: "/dev/ptmx", "standard", ...).</summary>
    public static void SendFd(int sock, int fd, ReadOnlySpan<byte> payload, string what)
    {
        int e = SendWithFd(sock, payload.IsEmpty ? "\0"u8 : payload, fd); // a message must carry at least one byte
        if (e != 0) throw new SyscallException(what, e);
    }

    /// <summary>The one fd of an SCM_RIGHTS message on <paramref name="sock"/> (close-on-exec in this process).</summary>
    public static SafeFd ReceiveFd(int sock, string what)
    {
        byte* data = stackalloc byte[4096];
        long* control = stackalloc long[8];
        IoVec iov;
        iov.Base = data;
        iov.Len = 4096;
        MsgHdr msg = default;
        msg.Iov = &iov;
        msg.IovLen = 1;
        msg.Control = control;
        msg.ControlLen = 64;
        nint n;
        do n = Interop.Libc.Recvmsg(sock, &msg, MsgCmsgCloexec);
        while (n < 0 && Errno.Last == Errno.EINTR);
        if (n < 0) throw SyscallException.Last(what);
        int fd = ScmRights.Read(control, (nint)msg.ControlLen);
        if (fd < 0) throw new RuncException(what + ": no file descriptor in the message");
        return new SafeFd(fd);
    }

    private const int MsgCmsgCloexec = 0x40000000;
    private const int MsgNoSignal = 0x4000;

    /// <summary>
    /// One sendmsg of <paramref name="payload"/> with <paramref name="fd"/> in SCM_RIGHTS (runc's utils.SendFds), the rest of
    /// a partly sent payload after it without the fd. Returns 0 or an errno.
    /// </summary>
    public static int SendWithFd(int sock, ReadOnlySpan<byte> payload, int fd)
    {
        long* control = stackalloc long[ScmRights.Space / 8];
        ScmRights.Write(control, fd);
        fixed (byte* p = payload)
        {
            int sent = 0;
            while (sent < payload.Length)
            {
                IoVec iov;
                iov.Base = p + sent;
                iov.Len = payload.Length - sent;
                MsgHdr msg = default;
                msg.Iov = &iov;
                msg.IovLen = 1;
                if (sent == 0)
                {
                    msg.Control = control;
                    msg.ControlLen = ScmRights.Space;
                }
                nint n = Interop.Libc.Sendmsg(sock, &msg, MsgNoSignal);
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                if (n < 0) return Errno.Last;
                sent += (int)n;
            }
        }
        return 0;
    }
}

/// <summary>The host's /proc, opened once and verified to be procfs: every procfs write goes through it (CVE-2025-52881).</summary>
public static class ProcFs
{
    public static SafeFd OpenVerified()
    {
        var fd = SafeFd.Open("/proc", Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
        if (Interop.Libc.Fstatfs(fd.Fd, out var st) != 0 || st.f_type != StatfsBuf.PROC_SUPER_MAGIC)
        {
            fd.Dispose();
            throw new RuncException("/proc is not procfs");
        }
        return fd;
    }
}

public static class KernelInfo
{
    public static int LastCap()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException) { return 40; }
    }
}

/// <summary>
/// uid_map / gid_map of a fresh user namespace, written by the parent (which has the rights on the host).
/// As runc's nsexec: write the file directly; when that is refused (an unprivileged parent mapping more than
/// its own id) run newuidmap/newgidmap, which check /etc/subuid and /etc/subgid. An unprivileged parent whose
/// gid mapping is exactly "0 its-egid 1" must deny setgroups before gid_map (user_namespaces(7)).
/// </summary>
public static class IdMaps
{
    public static void Write(int pid, IReadOnlyList<LinuxIdMapping>? uids, IReadOnlyList<LinuxIdMapping>? gids, bool rootlessEuid = false)
    {
        WriteOne(pid, "uid_map", uids, rootlessEuid ? "newuidmap" : null);
        if (rootlessEuid && gids is { Count: > 0 } && !RequiresMappingTool(gids, Interop.Libc.Getegid()))
            WriteSetgroupsDeny(pid);
        WriteOne(pid, "gid_map", gids, rootlessEuid ? "newgidmap" : null);
    }

    /// <summary>runc's requiresRootOrMappingTool: anything but "0 egid 1" needs root or newgidmap.</summary>
    public static bool RequiresMappingTool(IReadOnlyList<LinuxIdMapping> gids, uint egid) =>
        !(gids.Count == 1 && gids[0].ContainerId == 0 && gids[0].HostId == egid && gids[0].Size == 1);

    private static void WriteSetgroupsDeny(int pid)
    {
        string path = $"/proc/{pid}/setgroups";
        using var fd = SafeFd.Open(path, Interop.Libc.O_WRONLY);
        FdIo.WriteAll(fd, "deny"u8.ToArray(), path);
    }

    private static void WriteOne(int pid, string file, IReadOnlyList<LinuxIdMapping>? maps, string? tool)
    {
        if (maps is null || maps.Count == 0) return;
        var sb = new StringBuilder();
        foreach (var m in maps) sb.Append(CultureInfo.InvariantCulture, $"{m.ContainerId} {m.HostId} {m.Size}\n");
        string path = $"/proc/{pid}/{file}";
        try
        {
            using var fd = SafeFd.Open(path, Interop.Libc.O_WRONLY);
            FdIo.WriteAll(fd, Encoding.ASCII.GetBytes(sb.ToString()), path);
        }
        catch (SyscallException e) when (tool != null && e.Errno == Errno.EPERM)
        {
            var args = new List<string> { tool, pid.ToString(CultureInfo.InvariantCulture) };
            foreach (var m in maps)
            {
                args.Add(m.ContainerId.ToString(CultureInfo.InvariantCulture));
                args.Add(m.HostId.ToString(CultureInfo.InvariantCulture));
                args.Add(m.Size.ToString(CultureInfo.InvariantCulture));
            }
            string? exe = ToolRunner.Find(tool);
            if (exe is null) throw new RuncException($"write \"{path}\": operation not permitted (and {tool} was not found: install uidmap)");
            ToolRunner.Run(exe, args, $"failed to use {tool} on {pid}");
        }
    }
}

/// <summary>--pid-file: decimal pid, no newline, written via a temp file in the same directory and renamed.</summary>
public static class PidFile
{
    public static void Write(string path, int pid)
    {
        path = Path.GetFullPath(path);
        State.ContainerStore.WriteAtomically(path, Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture)), 0x1a4);
    }
}

/// <summary>HOME for the container user from the rootfs's /etc/passwd, read without leaving the rootfs.</summary>
public static class Passwd
{
    public static string? HomeOf(string rootfs, uint uid)
    {
        try
        {
            using var root = SafeFd.Open(rootfs, Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
            using var fd = OpenInRoot(root, "etc/passwd");
            if (fd is null) return null;
            var text = Encoding.UTF8.GetString(FdIo.ReadToEnd(fd.Fd, "/etc/passwd"));
            foreach (var line in text.Split('\n'))
            {
                var f = line.Split(':');
                if (f.Length >= 6 && uint.TryParse(f[2], out var u) && u == uid) return f[5];
            }
        }
        catch (RuncException) { }
        return null;
    }

    private static unsafe SafeFd? OpenInRoot(SafeFd root, string rel)
    {
        // struct open_how { flags, mode, resolve }
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC);
        how[1] = 0;
        how[2] = K.RESOLVE_IN_ROOT | K.RESOLVE_NO_MAGICLINKS;
        var p = Encoding.UTF8.GetBytes(rel + "\0");
        fixed (byte* pp = p)
        {
            long fd = Interop.Libc.Syscall(SysNr.Openat2, root.Fd, (long)pp, (long)how, 24, 0, 0);
            return fd < 0 ? null : new SafeFd((int)fd);
        }
    }
}
