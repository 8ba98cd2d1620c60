using Runc.Linux;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Init;

/// <summary>
/// tmpcopyup (runc's mount extension, podman's default for --tmpfs): after a tmpfs is mounted over a directory of
/// the image, copy what that directory held into it, keeping owners and modes as runc's copy-up does (directories through the umask). The old
/// contents are read through a directory fd opened before the mount; nothing is resolved by path, so a symlink in
/// the image is copied as a symlink and never followed. Allocation-free like the rest of the child: fixed stack
/// buffers and bounded recursion.
/// </summary>
internal static unsafe partial class ChildInit
{
    private const int MaxCopyUpDepth = 64;

    /// <summary>The new tmpfs at <paramref name="dest"/>: copy the tree under <paramref name="from"/> into it (unless -1),
    /// then give its root <paramref name="mode"/> (unless uint.MaxValue).</summary>
    private static int FillTmpfs(ref Ctx ctx, int from, uint mode, byte* dest, int* step)
    {
        int to = OpenInRoot(ref ctx, dest, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        if (to < 0) { *step = FailStep.Resolve; return -to; }
        int e = from >= 0 ? CopyDirectory(from, to, 0) : 0;
        if (e != 0) *step = FailStep.CopyUp;
        else if (mode != uint.MaxValue && Raw.Fchmod(to, mode) != 0) { e = Raw.Errno; *step = FailStep.Chmod; }
        Raw.Close(to);
        return e;
    }

    private static int CopyDirectory(int from, int to, int depth)
    {
        if (depth > MaxCopyUpDepth) return Errno.ELOOP;
        byte* buf = stackalloc byte[2048];
        while (true)
        {
            long n = Raw.Syscall(SysNr.Getdents64, from, (long)buf, 2048, 0, 0, 0);
            if (n < 0) return Raw.Errno;
            if (n == 0) return 0;
            for (long off = 0; off < n;)
            {
                byte* entry = buf + off;
                off += *(ushort*)(entry + 16); // d_reclen
                byte* name = entry + 19;       // d_name, NUL-terminated
                if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
                int e = CopyEntry(from, to, name, depth);
                if (e != 0) return e;
            }
        }
    }

    private static int CopyEntry(int from, int to, byte* name, int depth)
    {
        StatBuf st;
        if (Raw.FstatAt(from, name, &st, Interop.Libc.AT_SYMLINK_NOFOLLOW) != 0) return Raw.Errno;
        uint perm = st.Mode & 0xFFF;
        const int ReadDir = Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC;
        switch (st.Mode & StatBuf.S_IFMT)
        {
            case StatBuf.S_IFDIR:
            {
                // As runc's copy: the directory's mode through runc's set-up umask (022; ours is 0 here), then its owner.
                if (Raw.MkdirAt(to, name, perm & ~0x12u) != 0) return Raw.Errno;
                int src = Raw.OpenAt(from, name, ReadDir, 0);
                if (src < 0) return Raw.Errno;
                int dst = Raw.OpenAt(to, name, ReadDir, 0);
                if (dst < 0) { int oe = Raw.Errno; Raw.Close(src); return oe; }
                int e = CopyDirectory(src, dst, depth + 1);
                if (e == 0 && Raw.Syscall(SysNr.Fchown, dst, st.Uid, st.Gid, 0, 0, 0) != 0) e = Raw.Errno;
                Raw.Close(src);
                Raw.Close(dst);
                return e;
            }
            case StatBuf.S_IFREG:
            {
                int src = Raw.OpenAt(from, name, Interop.Libc.O_RDONLY | Interop.Libc.O_NOFOLLOW | Interop.Libc.O_CLOEXEC, 0);
                if (src < 0) return Raw.Errno;
                int dst = Raw.OpenAt(to, name, Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_EXCL | Interop.Libc.O_CLOEXEC, 0600);
                if (dst < 0) { int oe = Raw.Errno; Raw.Close(src); return oe; }
                int e = 0;
                while (true)
                {
                    long sent = Raw.Syscall(SysNr.Sendfile, dst, src, 0, 1 << 30, 0, 0);
                    if (sent < 0) { if (Raw.Errno == Errno.EINTR) continue; e = Raw.Errno; break; }
                    if (sent == 0) break;
                }
                if (e == 0) e = Own(dst, st.Uid, st.Gid, perm);
                Raw.Close(src);
                Raw.Close(dst);
                return e;
            }
            case StatBuf.S_IFLNK:
            {
                byte* target = stackalloc byte[4097];
                long len = Raw.Syscall(SysNr.Readlinkat, from, (long)name, (long)target, 4096, 0, 0);
                if (len < 0) return Raw.Errno;
                target[len] = 0;
                if (Raw.SymlinkAt(target, to, name) != 0) return Raw.Errno;
                return Raw.FchownAt(to, name, st.Uid, st.Gid, Interop.Libc.AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Raw.Errno;
            }
            default: // devices, fifos, sockets
                if (Raw.MknodAt(to, name, st.Mode, st.Rdev) != 0) return Raw.Errno;
                return Raw.FchownAt(to, name, st.Uid, st.Gid, Interop.Libc.AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Raw.Errno;
        }
    }

    /// <summary>Owner first: chown clears setuid/setgid bits that the chmod then puts back.</summary>
    private static int Own(int fd, uint uid, uint gid, uint perm)
    {
        if (Raw.Syscall(SysNr.Fchown, fd, uid, gid, 0, 0, 0) != 0) return Raw.Errno;
        return Raw.Fchmod(fd, perm) == 0 ? 0 : Raw.Errno;
    }
}
