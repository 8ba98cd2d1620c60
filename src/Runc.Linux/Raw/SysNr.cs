namespace Runc.Linux;

/// <summary>
/// Syscall numbers for calls glibc 2.36 does not wrap (or wraps unsafely for the spawn child).
/// Constants, so the child reads no static state that a class constructor would have to fill.
/// </summary>
public static class SysNr
{
#if TARGET_ARM64
    public const long Clone3 = 435, Openat2 = 437, PivotRoot = 41, Seccomp = 277, Capget = 90, Capset = 91, Setresuid = 147,
        Setresgid = 149, Setgroups = 159, ExitGroup = 94, CloseRange = 436, MountSetattr = 442, OpenTree = 428, MoveMount = 429,
        PidfdOpen = 434, PidfdSendSignal = 424, SchedSetattr = 274, IoprioSet = 30, SchedSetaffinity = 122, SetMempolicy = 237,
        Keyctl = 219, Gettid = 178, Fsopen = 430, Fsconfig = 431, Fsmount = 432, Clone = 220, Getdents64 = 61, Sendfile = 71,
        Readlinkat = 78, Fchown = 55;
#else
    public const long Clone3 = 435, Openat2 = 437, PivotRoot = 155, Seccomp = 317, Capget = 125, Capset = 126, Setresuid = 117,
        Setresgid = 119, Setgroups = 116, ExitGroup = 231, CloseRange = 436, MountSetattr = 442, OpenTree = 428, MoveMount = 429,
        PidfdOpen = 434, PidfdSendSignal = 424, SchedSetattr = 314, IoprioSet = 251, SchedSetaffinity = 203, SetMempolicy = 238,
        Keyctl = 250, Gettid = 186, Fsopen = 430, Fsconfig = 431, Fsmount = 432, Clone = 56, Getdents64 = 217, Sendfile = 40,
        Readlinkat = 267, Fchown = 93;
#endif
}
