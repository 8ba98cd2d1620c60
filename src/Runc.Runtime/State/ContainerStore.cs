using System.Text;
using System.Text.Json;
using Runc.Linux;

namespace Runc.Runtime.State;

/// <summary>
/// The state root: one directory per container, created atomically (mkdir: exactly one winner), locked with
/// flock while a command works on it, state.json replaced atomically (write temp, rename).
/// </summary>
public sealed class ContainerStore
{
    public const string StateFile = "state.json", ConfigFile = "config.json", FifoFile = "exec.fifo";

    public string Root { get; }

    public ContainerStore(string root)
    {
        if (string.IsNullOrEmpty(root)) throw new RuncException("state root is empty");
        root = Path.GetFullPath(root);
        if (root == "/") throw new RuncException("refusing to use \"/\" as the state root");
        Root = root;
    }

    /// <summary>ROOT/ID, only ever built from a validated id.</summary>
    public string DirOf(string id)
    {
        ContainerId.Validate(id);
        return Path.Combine(Root, id);
    }

    public void EnsureRoot()
    {
        if (Directory.Exists(Root)) return;
        string? parent = Path.GetDirectoryName(Root);
        if (parent != null) Directory.CreateDirectory(parent);
        // 0700 like runc's root; EEXIST means a concurrent command made it first.
        if (Interop.Libc.Mkdir(Root, 0x1c0) != 0 && Errno.Last != Errno.EEXIST) throw SyscallException.Last($"mkdir \"{Root}\"");
    }

    /// <summary>Create ROOT/ID exclusively and return it locked. Exists → runc's sentinel error.</summary>
    public ContainerLock CreateExclusive(string id)
    {
        string dir = DirOf(id);
        EnsureRoot();
        if (Interop.Libc.Mkdir(dir, 0x1c9) != 0) // 0711
        {
            int e = Errno.Last;
            if (e == Errno.EEXIST) throw ContainerException.Exists();
            throw new SyscallException($"mkdir \"{dir}\"", e);
        }
        return ContainerLock.Acquire(dir);
    }

    public bool Exists(string id) => File.Exists(Path.Combine(DirOf(id), StateFile));

    /// <summary>Lock an existing container's dir; missing → `container does not exist`.</summary>
    public ContainerLock Lock(string id)
    {
        string dir = DirOf(id);
        if (!Directory.Exists(dir)) throw ContainerException.NotFound();
        return ContainerLock.Acquire(dir);
    }

    public ContainerState Load(string id)
    {
        string file = Path.Combine(DirOf(id), StateFile);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(file); }
        catch (FileNotFoundException) { throw ContainerException.NotFound(); }
        catch (DirectoryNotFoundException) { throw ContainerException.NotFound(); }
        catch (IOException e) { throw new RuncException($"read \"{file}\": {e.Message}"); }
        try
        {
            return ContainerStateJson.Deserialize(bytes) ?? throw new RuncException($"\"{file}\" is empty");
        }
        catch (JsonException e) { throw new RuncException($"parse \"{file}\": {e.Message}"); }
    }

    public void Save(ContainerState state)
    {
        byte[] json = ContainerStateJson.Serialize(state);
        WriteAtomically(Path.Combine(DirOf(state.Id), StateFile), json, 0x1a4);
    }

    /// <summary>
    /// Write temp + rename, so a reader sees the old file or the new one, never a truncated one. No fsync, as runc 1.1.5's
    /// saveState (TempFile, WriteJSON, Close, Rename): the state root is normally tmpfs (/run) and outlives no reboot, and
    /// the fsync was ~2 ms of every create/run (issue 10).
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes, uint mode)
    {
        string dir = Path.GetDirectoryName(path)!;
        string tmp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Environment.ProcessId + ".tmp");
        using (var fd = SafeFd.Open(tmp, Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_TRUNC | Interop.Libc.O_NOFOLLOW, mode))
        {
            Interop.Libc.Fchmod(fd.Fd, mode);
            // A failed write (ENOSPC on a full disk) must not leave the half-written temp file behind. No fsync, as
            // runc: the rename below is what keeps readers from ever seeing a half-written state.json.
            try { FdIo.WriteAll(fd, bytes, tmp); }
            catch { TryUnlink(tmp); throw; }
        }
        if (Interop.Libc.RenameAt(Interop.Libc.AT_FDCWD, tmp, Interop.Libc.AT_FDCWD, path) != 0)
        {
            int e = Errno.Last;
            TryUnlink(tmp);
            throw new SyscallException($"rename \"{tmp}\" to \"{path}\"", e);
        }
    }

    private static void TryUnlink(string path) => Interop.Libc.UnlinkAt(Interop.Libc.AT_FDCWD, path, 0);

    /// <summary>Remove ROOT/ID and everything nrunc put in it.</summary>
    public void Remove(string id)
    {
        string dir = DirOf(id);
        if (!Directory.Exists(dir)) return;
        foreach (var f in Directory.EnumerateFileSystemEntries(dir))
        {
            if (Directory.Exists(f) && !IsSymlink(f)) Directory.Delete(f, recursive: true);
            else TryUnlink(f);
        }
        if (Interop.Libc.Rmdir(dir) != 0 && Errno.Last != Errno.ENOENT)
            throw SyscallException.Last($"remove \"{dir}\"");
    }

    private static bool IsSymlink(string p) => new FileInfo(p).LinkTarget != null;

    /// <summary>Ids of every directory under the root (for `list`), sorted like runc's ReadDir.</summary>
    public IReadOnlyList<string> ListIds()
    {
        if (!Directory.Exists(Root)) return Array.Empty<string>();
        var ids = new List<string>();
        foreach (var d in Directory.EnumerateDirectories(Root))
        {
            string name = Path.GetFileName(d);
            if (ContainerId.IsValid(name)) ids.Add(name);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }
}

/// <summary>flock(LOCK_EX) on a container directory, released on dispose (or when the process dies).</summary>
public sealed class ContainerLock : IDisposable
{
    private readonly SafeFd _fd;
    public string Dir { get; }
    public int Fd => _fd.Fd;

    private ContainerLock(SafeFd fd, string dir) { _fd = fd; Dir = dir; }

    public static ContainerLock Acquire(string dir)
    {
        SafeFd fd;
        try { fd = SafeFd.Open(dir, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY); }
        catch (SyscallException e) when (e.Errno == Errno.ENOENT) { throw ContainerException.NotFound(); }
        int rc;
        do rc = Interop.Libc.Flock(fd.Fd, Interop.Libc.LOCK_EX); while (rc != 0 && Errno.Last == Errno.EINTR);
        if (rc != 0) { int e = Errno.Last; fd.Dispose(); throw new SyscallException($"lock \"{dir}\"", e); }
        return new ContainerLock(fd, dir);
    }

    public void Dispose() => _fd.Dispose();
}
