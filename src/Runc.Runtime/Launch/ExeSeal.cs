using Runc.Linux;
using Runc.Runtime.Logging;

namespace Runc.Runtime.Launch;

/// <summary>
/// CVE-2019-5736: nrunc never re-execs for its init (docs/decisions/0001), so between clone and execve the container's
/// process *is* the host nrunc binary, and an image whose entrypoint is "/proc/self/exe" (or a "#!/proc/self/exe"
/// script) makes the container run that binary, dumpable, as its own process. Any root process in the container can
/// then open /proc/PID/exe, wait for nrunc to exit and reopen the host binary for writing (measured: it worked).
/// A parked init is protected by PR_SET_DUMPABLE 0 only against processes without CAP_SYS_PTRACE.
///
/// The defence (runc 1.1.x's read-only bind, done with the new mount API): before anything else, `create` and `run`
/// re-exec themselves once from a detached, read-only clone of their own executable (open_tree(OPEN_TREE_CLONE) of
/// /proc/self/exe, mount_setattr(MOUNT_ATTR_RDONLY), execveat(AT_EMPTY_PATH)). No copy, no mount namespace, nothing
/// to clean up: the detached mount lives as long as a process executes from it. Every /proc/PID/exe of nrunc and of
/// its children then points into a read-only mount, so a reopen for writing fails with EROFS. When the binary already
/// lives on a read-only mount (an installation can arrange that and save the re-exec) nothing happens; when the
/// kernel or privileges do not allow it (rootless), nrunc goes on unsealed and says so at debug level.
/// The same re-exec normally happens earlier, in a C constructor before the runtime starts (src/Runc/Native/exeseal.c,
/// same guard variable), so that the first process does not boot .NET for nothing; this is the fallback that reports.
/// </summary>
public static unsafe class ExeSeal
{
    const string Guard = "_NRUNC_EXE_SEALED";

#if TARGET_ARM64
    const long SysExecveat = 281;
#else
    const long SysExecveat = 322;
#endif

    /// <summary>True when /proc/self/exe is on a read-only mount (already sealed or installed read-only).</summary>
    public static bool IsSealed() =>
        Interop.Libc.Statfs("/proc/self/exe", out var st) == 0 && (st.f_flags & StatfsBuf.ST_RDONLY) != 0;

    /// <summary>Re-executes this process from a read-only clone of its binary; returns only if that is not needed or
    /// not possible.</summary>
    public static void ReexecSealedIfNeeded()
    {
        if (Environment.GetEnvironmentVariable(Guard) is not null || IsSealed()) return;
        byte[] argvBlock, envBlock;
        try
        {
            argvBlock = File.ReadAllBytes("/proc/self/cmdline");
            envBlock = File.ReadAllBytes("/proc/self/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Logger.Debug($"exe seal: cannot read the command line: {e.Message}");
            return;
        }

        fixed (byte* path = "/proc/self/exe\0"u8, empty = "\0"u8)
        {
            long tree = Raw.Syscall(SysNr.OpenTree, Interop.Libc.AT_FDCWD, (long)path, K.OPEN_TREE_CLONE | K.OPEN_TREE_CLOEXEC, 0, 0, 0);
            if (tree < 0) { Logger.Debug($"exe seal: open_tree /proc/self/exe: {Errno.Message(Raw.Errno)}; running unsealed"); return; }
            // struct mount_attr { attr_set, attr_clr, propagation, userns_fd }
            ulong* attr = stackalloc ulong[4];
            attr[0] = K.MOUNT_ATTR_RDONLY | K.MOUNT_ATTR_NOSUID | K.MOUNT_ATTR_NODEV;
            attr[1] = 0; attr[2] = 0; attr[3] = 0;
            if (Raw.Syscall(SysNr.MountSetattr, tree, (long)empty, Interop.Libc.AT_EMPTY_PATH, (long)attr, 32, 0) != 0)
            {
                Logger.Debug($"exe seal: mount_setattr: {Errno.Message(Raw.Errno)}; running unsealed");
                Raw.Close((int)tree);
                return;
            }

            byte[] guard = System.Text.Encoding.ASCII.GetBytes(Guard + "=1\0");
            var args = Split(argvBlock);
            var envs = Split(envBlock);
            fixed (byte* a = argvBlock, e = envBlock, g = guard)
            {
                byte** argv = stackalloc byte*[args.Count + 1];
                byte** envp = stackalloc byte*[envs.Count + 2];
                for (int i = 0; i < args.Count; i++) argv[i] = a + args[i];
                argv[args.Count] = null;
                for (int i = 0; i < envs.Count; i++) envp[i] = e + envs[i];
                envp[envs.Count] = g;
                envp[envs.Count + 1] = null;
                Raw.Syscall(SysExecveat, tree, (long)empty, (long)argv, (long)envp, Interop.Libc.AT_EMPTY_PATH, 0);
            }
            Logger.Debug($"exe seal: execveat: {Errno.Message(Raw.Errno)}; running unsealed");
            Raw.Close((int)tree);
        }
    }

    /// <summary>Offsets of the NUL-terminated strings in a /proc cmdline/environ block.</summary>
    static List<int> Split(byte[] block)
    {
        var res = new List<int>();
        int start = 0;
        for (int i = 0; i < block.Length; i++)
        {
            if (block[i] != 0) continue;
            res.Add(start);
            start = i + 1;
        }
        return res;
    }
}
