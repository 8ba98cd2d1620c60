using System.Runtime.InteropServices;

namespace Runc.Linux;

/// <summary>errno values nrunc branches on, and the kernel's wording for them (strerror, lowercased like Go's syscall.Errno).</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9,
        ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19,
        ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28,
        ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38,
        ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, EOPNOTSUPP = 95, EADDRINUSE = 98, ECONNREFUSED = 111,
        ETIMEDOUT = 110;

    /// <summary>Text for an errno, as Go's syscall.Errno.Error() prints it (lowercase strerror).</summary>
    public static string Message(int errno) => errno switch
    {
        EPERM => "operation not permitted",
        ENOENT => "no such file or directory",
        ESRCH => "no such process",
        EINTR => "interrupted system call",
        EIO => "input/output error",
        ENXIO => "no such device or address",
        E2BIG => "argument list too long",
        ENOEXEC => "exec format error",
        EBADF => "bad file descriptor",
        ECHILD => "no child processes",
        EAGAIN => "resource temporarily unavailable",
        ENOMEM => "cannot allocate memory",
        EACCES => "permission denied",
        EFAULT => "bad address",
        EBUSY => "device or resource busy",
        EEXIST => "file exists",
        EXDEV => "invalid cross-device link",
        ENODEV => "no such device",
        ENOTDIR => "not a directory",
        EISDIR => "is a directory",
        EINVAL => "invalid argument",
        ENFILE => "too many open files in system",
        EMFILE => "too many open files",
        ENOTTY => "inappropriate ioctl for device",
        ETXTBSY => "text file busy",
        EFBIG => "file too large",
        ENOSPC => "no space left on device",
        ESPIPE => "illegal seek",
        EROFS => "read-only file system",
        EMLINK => "too many links",
        EPIPE => "broken pipe",
        ERANGE => "numerical result out of range",
        EDEADLK => "resource deadlock avoided",
        ENAMETOOLONG => "file name too long",
        ENOSYS => "function not implemented",
        ENOTEMPTY => "directory not empty",
        ELOOP => "too many levels of symbolic links",
        ENODATA => "no data available",
        EOVERFLOW => "value too large for defined data type",
        EOPNOTSUPP => "operation not supported",
        EADDRINUSE => "address already in use",
        ECONNREFUSED => "connection refused",
        ETIMEDOUT => "connection timed out",
        _ => "errno " + errno,
    };

    /// <summary>The errno of the last failed P/Invoke marked SetLastError = true.</summary>
    public static int Last => Marshal.GetLastPInvokeError();
}

/// <summary>A failed system call, rendered as "operation operand: errno text".</summary>
public sealed class SyscallException : RuncException
{
    public int Errno { get; }

    public SyscallException(string operation, int errno)
        : base(operation + ": " + Linux.Errno.Message(errno)) => Errno = errno;

    /// <summary>Throw for the last P/Invoke error, e.g. <c>SyscallException.Last("open \"/x\"")</c>.</summary>
    public static SyscallException Last(string operation) => new(operation, Linux.Errno.Last);
}
