namespace Runc.Seccomp;

/// <summary>SECCOMP_RET_* values (linux/seccomp.h): what a filter returns to the kernel.</summary>
public static class SeccompReturn
{
    public const uint KillProcess = 0x80000000;
    public const uint KillThread = 0x00000000;
    public const uint Trap = 0x00030000;
    public const uint Errno = 0x00050000;
    public const uint UserNotif = 0x7fc00000;
    public const uint Trace = 0x7ff00000;
    public const uint Log = 0x7ffc0000;
    public const uint Allow = 0x7fff0000;

    /// <summary>The action part of a return value (the low 16 bits are data, e.g. the errno).</summary>
    public const uint ActionFullMask = 0xffff0000;
    public const uint DataMask = 0x0000ffff;

    public const uint EPERM = 1;
    public const uint ENOSYS = 38;
    /// <summary>The kernel's MAX_ERRNO: an errno return must stay below it.</summary>
    public const uint MaxErrno = 4095;

    public static uint ErrnoOf(uint errno) => Errno | (errno & DataMask);

    /// <summary>
    /// What a filter does for a syscall of an architecture it was not built for. libseccomp calls it
    /// the bad-arch action; nrunc kills the whole process rather than one thread, so a foreign-ABI
    /// syscall can never leave a half-dead multithreaded process behind.
    /// </summary>
    public const uint BadArch = KillProcess;
}
