namespace Runc.Seccomp;

/// <summary>Turns OCI <c>SCMP_ACT_*</c> names (plus errnoRet) into SECCOMP_RET_* values, like runc.</summary>
internal static class SeccompAction
{
    public static uint ToReturn(string action, uint? errnoRet) => action switch
    {
        // runc maps SCMP_ACT_KILL to libseccomp's ActKillThread.
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => SeccompReturn.KillThread,
        "SCMP_ACT_KILL_PROCESS" => SeccompReturn.KillProcess,
        "SCMP_ACT_TRAP" => SeccompReturn.Trap,
        "SCMP_ACT_ERRNO" => SeccompReturn.Errno | Errno(errnoRet),
        // runc gives SCMP_ACT_TRACE the same EPERM default as SCMP_ACT_ERRNO (actTrace in seccomp_linux.go):
        // a syscall nobody traces then fails with EPERM.
        "SCMP_ACT_TRACE" => SeccompReturn.Trace | Data(errnoRet),
        "SCMP_ACT_ALLOW" => SeccompReturn.Allow,
        "SCMP_ACT_LOG" => SeccompReturn.Log,
        "SCMP_ACT_NOTIFY" => SeccompReturn.UserNotif,
        _ => throw new SpecException($"string {action} is not a valid action for seccomp"),
    };

    // libseccomp refuses an errno of MAX_ERRNO (4095) or more (runc: "error adding seccomp filter rule ..."); the
    // kernel would clamp it to 4095 anyway.
    private static uint Errno(uint? errnoRet)
    {
        uint value = errnoRet ?? SeccompReturn.EPERM;
        if (value >= SeccompReturn.MaxErrno)
            throw new SpecException($"seccomp errnoRet {value} is out of range (at most {SeccompReturn.MaxErrno - 1})");
        return value;
    }

    private static uint Data(uint? errnoRet)
    {
        uint value = errnoRet ?? SeccompReturn.EPERM;
        // The kernel keeps 16 bits of data; a larger errnoRet would silently become another errno.
        if (value > SeccompReturn.DataMask) throw new SpecException($"seccomp errnoRet {value} is out of range (at most 65535)");
        return value;
    }

    /// <summary>Actions under which an unknown (future) syscall should still run: runc adds no ENOSYS stub for them.</summary>
    public static bool IsPermissive(uint ret) => (ret & SeccompReturn.ActionFullMask) is SeccompReturn.Allow or SeccompReturn.Log or SeccompReturn.Trace;
}
