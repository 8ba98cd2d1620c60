namespace Runc.Oci.Kernel;

/// <summary>mount(2) MS_* flags.</summary>
[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 0x1,          // MS_RDONLY
    NoSuid = 0x2,            // MS_NOSUID
    NoDev = 0x4,             // MS_NODEV
    NoExec = 0x8,            // MS_NOEXEC
    Synchronous = 0x10,      // MS_SYNCHRONOUS
    Remount = 0x20,          // MS_REMOUNT
    MandLock = 0x40,         // MS_MANDLOCK
    DirSync = 0x80,          // MS_DIRSYNC
    NoSymFollow = 0x100,     // MS_NOSYMFOLLOW
    NoAtime = 0x400,         // MS_NOATIME
    NoDirAtime = 0x800,      // MS_NODIRATIME
    Bind = 0x1000,           // MS_BIND
    Move = 0x2000,           // MS_MOVE
    Rec = 0x4000,            // MS_REC
    Silent = 0x8000,         // MS_SILENT
    PosixAcl = 0x10000,      // MS_POSIXACL
    Unbindable = 0x20000,    // MS_UNBINDABLE
    Private = 0x40000,       // MS_PRIVATE
    Slave = 0x80000,         // MS_SLAVE
    Shared = 0x100000,       // MS_SHARED
    RelAtime = 0x200000,     // MS_RELATIME
    IVersion = 0x800000,     // MS_I_VERSION
    StrictAtime = 0x1000000, // MS_STRICTATIME
    LazyTime = 0x2000000,    // MS_LAZYTIME
}

/// <summary>mount_setattr(2) MOUNT_ATTR_* bits, used for the recursive <c>r*</c> options.</summary>
[Flags]
public enum MountAttr : ulong
{
    None = 0,
    ReadOnly = 0x1,        // MOUNT_ATTR_RDONLY
    NoSuid = 0x2,          // MOUNT_ATTR_NOSUID
    NoDev = 0x4,           // MOUNT_ATTR_NODEV
    NoExec = 0x8,          // MOUNT_ATTR_NOEXEC
    AtimeMask = 0x70,      // MOUNT_ATTR__ATIME
    RelAtime = 0x0,        // MOUNT_ATTR_RELATIME (the absence of the other atime bits)
    NoAtime = 0x10,        // MOUNT_ATTR_NOATIME
    StrictAtime = 0x20,    // MOUNT_ATTR_STRICTATIME
    NoDirAtime = 0x80,     // MOUNT_ATTR_NODIRATIME
    IdMap = 0x100000,      // MOUNT_ATTR_IDMAP
    NoSymFollow = 0x200000, // MOUNT_ATTR_NOSYMFOLLOW
}

/// <summary>A spec mount's <c>options</c>, sorted into what each syscall needs.</summary>
public sealed record ParsedMountOptions
{
    /// <summary>MS_* flags for mount(2), after applying every set/clear option in order.</summary>
    public MountFlags Flags { get; init; }

    /// <summary>Flags an option explicitly cleared (<c>rw</c>, <c>suid</c>, ...) and no later option set again;
    /// a bind remount needs these to tell "cleared on purpose" from "not mentioned".</summary>
    public MountFlags ClearedFlags { get; init; }

    /// <summary>Propagation changes in the order given (each MS_SHARED/SLAVE/PRIVATE/UNBINDABLE, maybe |MS_REC).</summary>
    public IReadOnlyList<MountFlags> Propagation { get; init; } = [];

    /// <summary>mount_setattr(AT_RECURSIVE) attributes from <c>rro</c>, <c>rnosuid</c>, ...</summary>
    public MountAttr RecursiveAttrSet { get; init; }

    public MountAttr RecursiveAttrClear { get; init; }

    /// <summary><c>idmap</c> or <c>ridmap</c> was given.</summary>
    public bool IdMap { get; init; }

    /// <summary><c>ridmap</c>: apply the id mapping to the whole subtree.</summary>
    public bool IdMapRecursive { get; init; }

    /// <summary><c>tmpcopyup</c>: copy the files under the destination into the new tmpfs (runc extension).</summary>
    public bool TmpCopyUp { get; init; }

    /// <summary>Everything unrecognised, comma-joined in order: the filesystem's own data string.</summary>
    public string Data { get; init; } = "";

    public bool IsBind => (Flags & MountFlags.Bind) != 0;
    public bool IsRecursiveBind => IsBind && (Flags & MountFlags.Rec) != 0;
}

/// <summary>
/// runc's mount option vocabulary (libcontainer/specconv mountFlags, mountPropagationMapping,
/// recAttrFlags, extensionFlags) and its parse: options are applied left to right, so
/// <c>ro,rw</c> is read-write; anything unrecognised goes to the filesystem as data.
/// </summary>
public static class MountOptions
{
    private readonly record struct FlagOption(bool Clear, MountFlags Flag);

    private static readonly Dictionary<string, FlagOption> FlagOptions = new(StringComparer.Ordinal)
    {
        ["acl"] = new(false, MountFlags.PosixAcl),
        ["async"] = new(true, MountFlags.Synchronous),
        ["atime"] = new(true, MountFlags.NoAtime),
        ["bind"] = new(false, MountFlags.Bind),
        ["defaults"] = new(false, MountFlags.None),
        ["dev"] = new(true, MountFlags.NoDev),
        ["diratime"] = new(true, MountFlags.NoDirAtime),
        ["dirsync"] = new(false, MountFlags.DirSync),
        ["exec"] = new(true, MountFlags.NoExec),
        ["iversion"] = new(false, MountFlags.IVersion),
        ["lazytime"] = new(false, MountFlags.LazyTime),
        ["loud"] = new(true, MountFlags.Silent),
        ["mand"] = new(false, MountFlags.MandLock),
        ["noacl"] = new(true, MountFlags.PosixAcl),
        ["noatime"] = new(false, MountFlags.NoAtime),
        ["nodev"] = new(false, MountFlags.NoDev),
        ["nodiratime"] = new(false, MountFlags.NoDirAtime),
        ["noexec"] = new(false, MountFlags.NoExec),
        ["noiversion"] = new(true, MountFlags.IVersion),
        ["nolazytime"] = new(true, MountFlags.LazyTime),
        ["nomand"] = new(true, MountFlags.MandLock),
        ["norelatime"] = new(true, MountFlags.RelAtime),
        ["nostrictatime"] = new(true, MountFlags.StrictAtime),
        ["nosuid"] = new(false, MountFlags.NoSuid),
        ["nosymfollow"] = new(false, MountFlags.NoSymFollow),
        ["rbind"] = new(false, MountFlags.Bind | MountFlags.Rec),
        ["relatime"] = new(false, MountFlags.RelAtime),
        ["remount"] = new(false, MountFlags.Remount),
        ["ro"] = new(false, MountFlags.ReadOnly),
        ["rw"] = new(true, MountFlags.ReadOnly),
        ["silent"] = new(false, MountFlags.Silent),
        ["strictatime"] = new(false, MountFlags.StrictAtime),
        ["suid"] = new(true, MountFlags.NoSuid),
        ["sync"] = new(false, MountFlags.Synchronous),
        ["symfollow"] = new(true, MountFlags.NoSymFollow),
    };

    private static readonly Dictionary<string, MountFlags> PropagationOptions = new(StringComparer.Ordinal)
    {
        ["private"] = MountFlags.Private,
        ["rprivate"] = MountFlags.Private | MountFlags.Rec,
        ["slave"] = MountFlags.Slave,
        ["rslave"] = MountFlags.Slave | MountFlags.Rec,
        ["shared"] = MountFlags.Shared,
        ["rshared"] = MountFlags.Shared | MountFlags.Rec,
        ["unbindable"] = MountFlags.Unbindable,
        ["runbindable"] = MountFlags.Unbindable | MountFlags.Rec,
    };

    private readonly record struct AttrOption(bool Clear, MountAttr Attr);

    private static readonly Dictionary<string, AttrOption> RecursiveAttrOptions = new(StringComparer.Ordinal)
    {
        ["rro"] = new(false, MountAttr.ReadOnly),
        ["rrw"] = new(true, MountAttr.ReadOnly),
        ["rnosuid"] = new(false, MountAttr.NoSuid),
        ["rsuid"] = new(true, MountAttr.NoSuid),
        ["rnodev"] = new(false, MountAttr.NoDev),
        ["rdev"] = new(true, MountAttr.NoDev),
        ["rnoexec"] = new(false, MountAttr.NoExec),
        ["rexec"] = new(true, MountAttr.NoExec),
        ["rnodiratime"] = new(false, MountAttr.NoDirAtime),
        ["rdiratime"] = new(true, MountAttr.NoDirAtime),
        ["rrelatime"] = new(false, MountAttr.RelAtime),
        ["rnorelatime"] = new(true, MountAttr.RelAtime),
        ["rnoatime"] = new(false, MountAttr.NoAtime),
        ["ratime"] = new(true, MountAttr.NoAtime),
        ["rstrictatime"] = new(false, MountAttr.StrictAtime),
        ["rnostrictatime"] = new(true, MountAttr.StrictAtime),
        ["rnosymfollow"] = new(false, MountAttr.NoSymFollow),
        ["rsymfollow"] = new(true, MountAttr.NoSymFollow),
    };

    /// <summary>Every option name nrunc understands (what <c>features</c> lists as mountOptions), sorted.</summary>
    public static IReadOnlyList<string> KnownNames { get; } =
        SortedNames([.. FlagOptions.Keys, .. PropagationOptions.Keys, .. RecursiveAttrOptions.Keys, "idmap", "ridmap", "tmpcopyup"]);

    private static string[] SortedNames(string[] names)
    {
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    public static ParsedMountOptions Parse(IEnumerable<string>? options)
    {
        MountFlags flags = 0, cleared = 0;
        MountAttr attrSet = 0, attrClear = 0;
        var propagation = new List<MountFlags>();
        var data = new List<string>();
        bool idmap = false, idmapRecursive = false, copyUp = false;

        foreach (var option in options ?? [])
        {
            if (FlagOptions.TryGetValue(option, out var f))
            {
                // "defaults" is a no-op flag: consumed here rather than passed to the filesystem as data.
                if (f.Clear) { flags &= ~f.Flag; cleared |= f.Flag; }
                else { flags |= f.Flag; cleared &= ~f.Flag; }
            }
            else if (PropagationOptions.TryGetValue(option, out var p))
            {
                propagation.Add(p);
            }
            else if (RecursiveAttrOptions.TryGetValue(option, out var a))
            {
                if (a.Clear) attrClear |= a.Attr;
                else
                {
                    attrSet |= a.Attr;
                    // mount_setattr(2): an atime mode in attr_set needs MOUNT_ATTR__ATIME in attr_clr.
                    if ((a.Attr & MountAttr.AtimeMask) == a.Attr) attrClear |= MountAttr.AtimeMask;
                }
            }
            else if (option is "idmap" or "ridmap")
            {
                idmap = true;
                idmapRecursive |= option == "ridmap";
            }
            else if (option == "tmpcopyup")
            {
                copyUp = true;
            }
            else
            {
                data.Add(option);
            }
        }

        return new ParsedMountOptions
        {
            Flags = flags,
            ClearedFlags = cleared,
            Propagation = propagation,
            RecursiveAttrSet = attrSet,
            RecursiveAttrClear = attrClear,
            IdMap = idmap,
            IdMapRecursive = idmapRecursive,
            TmpCopyUp = copyUp,
            Data = string.Join(',', data),
        };
    }
}
