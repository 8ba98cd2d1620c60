using Microsoft.Win32.SafeHandles;

namespace Runc.Linux;

/// <summary>An owned file descriptor. Every fd nrunc opens is O_CLOEXEC (DESIGN §4).</summary>
public sealed class SafeFd : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFd() : base(ownsHandle: true) { }
    public SafeFd(int fd, bool ownsHandle = true) : base(ownsHandle) => SetHandle(fd);

    public int Fd => (int)handle;

    /// <summary>Give up ownership, e.g. when the fd is handed to the spawn child or another process.</summary>
    public int Detach()
    {
        int fd = (int)handle;
        SetHandleAsInvalid();
        return fd;
    }

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;

    /// <summary>openat(2) with O_CLOEXEC forced; throws "open "path": errno text".</summary>
    public static SafeFd Open(string path, int flags, uint mode = 0, int dirfd = Interop.Libc.AT_FDCWD)
    {
        int fd = Interop.Libc.OpenAt(dirfd, path, flags | Interop.Libc.O_CLOEXEC, mode);
        if (fd < 0) throw SyscallException.Last("open \"" + path + "\"");
        return new SafeFd(fd);
    }
}
