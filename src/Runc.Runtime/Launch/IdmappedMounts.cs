using System.Text;
using Runc.Linux;
using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Plan;

namespace Runc.Runtime.Launch;

/// <summary>
/// Idmapped bind mounts (<c>idmap</c>/<c>ridmap</c>, <c>mounts[].uidMappings/gidMappings</c>), prepared by the
/// parent before the clone: open_tree(OPEN_TREE_CLONE) of the source gives a detached mount, mount_setattr
/// (MOUNT_ATTR_IDMAP) attaches a user namespace carrying the mount's mappings (or the container's, when the
/// mount names none), and the child only move_mounts the fd it inherits onto the target inside the rootfs
/// (a Mount op with <see cref="MountOpFlags.FromFd"/>). The user namespace is a throw-away one made for its
/// mappings: a spawn child parked in CLONE_NEWUSER, its maps written like the container's, its ns file opened.
/// </summary>
public static unsafe class IdmappedMounts
{
    /// <summary>Mount index → fd of the prepared detached tree. Every fd is added to <paramref name="owned"/> (closed by the caller).</summary>
    public static Dictionary<int, int> Prepare(Spec spec, string bundle, List<SafeFd> owned, bool rootlessEuid)
    {
        var trees = new Dictionary<int, int>();
        var mounts = spec.Mounts ?? [];
        var namespaces = new Dictionary<string, SafeFd>(StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < mounts.Count; i++)
            {
                var m = mounts[i];
                var opts = MountOptions.Parse(m.Options);
                if (!opts.IdMap) continue;
                string dest = MountPlanner.Normalize(m.Destination);
                if (!(opts.IsBind || m.Type == "bind"))
                    throw new RuncException($"mount \"{dest}\": idmapped mounts are only supported for bind mounts");
                var uids = m.UidMappings is { Count: > 0 } mu ? mu : spec.Linux?.UidMappings;
                var gids = m.GidMappings is { Count: > 0 } mg ? mg : spec.Linux?.GidMappings;
                if (uids is not { Count: > 0 } || gids is not { Count: > 0 })
                    throw new RuncException($"mount \"{dest}\": an idmapped mount needs uidMappings and gidMappings (on the mount or for the container's user namespace)");

                string key = Key(uids) + "|" + Key(gids);
                if (!namespaces.TryGetValue(key, out var userns))
                {
                    userns = MakeUserNamespace(uids, gids, rootlessEuid);
                    namespaces[key] = userns;
                }
                string source = m.Source ?? "";
                if (!source.StartsWith('/')) source = Path.GetFullPath(Path.Combine(bundle, source));
                bool recursiveTree = (opts.Flags & MountFlags.Rec) != 0;
                var tree = OpenTree(source, recursiveTree, dest);
                owned.Add(tree);
                SetIdmap(tree, userns, opts.IdMapRecursive, source, dest);
                trees[i] = tree.Fd;
            }
        }
        finally
        {
            foreach (var ns in namespaces.Values) ns.Dispose();
        }
        return trees;
    }

    private static string Key(IReadOnlyList<LinuxIdMapping> maps)
    {
        var parts = new string[maps.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = $"{maps[i].ContainerId}:{maps[i].HostId}:{maps[i].Size}";
        return string.Join(",", parts);
    }

    private static SafeFd OpenTree(string source, bool recursive, string dest)
    {
        long flags = K.OPEN_TREE_CLONE | K.OPEN_TREE_CLOEXEC | (recursive ? K.AT_RECURSIVE : 0);
        var p = Encoding.UTF8.GetBytes(source + "\0");
        long fd;
        fixed (byte* pp = p) fd = Interop.Libc.Syscall(SysNr.OpenTree, Interop.Libc.AT_FDCWD, (long)pp, flags, 0, 0, 0);
        if (fd < 0) throw new SyscallException($"idmapped mount \"{source}\" on \"{dest}\": open_tree", Errno.Last);
        return new SafeFd((int)fd);
    }

    private static void SetIdmap(SafeFd tree, SafeFd userns, bool recursive, string source, string dest)
    {
        // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
        ulong* attr = stackalloc ulong[4];
        attr[0] = K.MOUNT_ATTR_IDMAP;
        attr[1] = 0;
        attr[2] = 0;
        attr[3] = (ulong)userns.Fd;
        byte* empty = stackalloc byte[1];
        empty[0] = 0;
        long flags = Interop.Libc.AT_EMPTY_PATH | (recursive ? K.AT_RECURSIVE : 0);
        if (Interop.Libc.Syscall(SysNr.MountSetattr, tree.Fd, (long)empty, flags, (long)attr, 32, 0) != 0)
            throw new SyscallException($"idmapped mount \"{source}\" on \"{dest}\": mount_setattr MOUNT_ATTR_IDMAP", Errno.Last);
    }

    /// <summary>A user namespace with the given maps, kept alive by the returned fd of its ns file.</summary>
    public static SafeFd MakeUserNamespace(IReadOnlyList<LinuxIdMapping> uids, IReadOnlyList<LinuxIdMapping> gids, bool rootlessEuid)
    {
        using var sync = SyncChannel.Create();
        var plan = new PlanBuilder { StateCapacity = 0 };
        plan.Add(OpCode.SyncWait, "wait for the parent"); // EOF (parent done or gone): exit
        using var native = plan.Build(sync.Child.Fd, procFd: -1);
        int pid = ClonePoint.Spawn(native, K.CLONE_NEWUSER);
        sync.CloseChildEnd();
        try
        {
            IdMaps.Write(pid, uids, gids, rootlessEuid);
            return SafeFd.Open($"/proc/{pid}/ns/user", Interop.Libc.O_RDONLY);
        }
        finally
        {
            sync.Parent.Dispose();
            ChildWait.Wait(pid, 5000);
        }
    }

    /// <summary>
    /// Whether idmapped mounts work here: mount_setattr exists (Linux ≥ 5.12) and this kernel accepts
    /// MOUNT_ATTR_IDMAP; the probe names a user namespace fd that cannot be open, so nothing is looked up or
    /// mounted: EBADF = the kernel got as far as the namespace (EPERM: unprivileged caller, syscall present), ENOSYS = too old.
    /// </summary>
    public static bool Supported()
    {
        ulong* attr = stackalloc ulong[4];
        attr[0] = K.MOUNT_ATTR_IDMAP;
        attr[1] = 0; attr[2] = 0; attr[3] = int.MaxValue;
        byte* empty = stackalloc byte[1];
        empty[0] = 0;
        long r = Interop.Libc.Syscall(SysNr.MountSetattr, -1, (long)empty, Interop.Libc.AT_EMPTY_PATH, (long)attr, 32, 0);
        int e = Errno.Last;
        return r != 0 && (e == Errno.EBADF || e == Errno.EPERM);
    }
}
