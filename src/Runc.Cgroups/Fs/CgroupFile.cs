using System.Text;
using Runc.Linux;
using static Runc.Linux.Interop.Libc;

namespace Runc.Cgroups.Fs;

/// <summary>
/// Reads and writes cgroupfs control files with plain open/read/write so errors keep their errno
/// (callers branch on ENOENT, EBUSY, EINVAL) and each write is one write(2), as the kernel expects.
/// </summary>
public static class CgroupFile
{
    public static string Join(string dir, string file) => dir.EndsWith('/') ? dir + file : dir + "/" + file;

    public static bool Exists(string dir, string file) => File.Exists(Join(dir, file));

    /// <summary>Write value to dir/file with one write(2); throws "write "value" to "path": errno".</summary>
    public static void Write(string dir, string file, string value)
    {
        string path = Join(dir, file);
        int fd = OpenAt(AT_FDCWD, path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
        if (fd < 0) throw SyscallException.Last("open \"" + path + "\"");
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            nint n;
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    do n = Interop.Libc.Write(fd, p, (nuint)bytes.Length);
                    while (n < 0 && Errno.Last == Errno.EINTR);
                }
            }
            if (n < 0) throw SyscallException.Last("write \"" + value + "\" to \"" + path + "\"");
        }
        finally { Close(fd); }
    }

    /// <summary>Whole file content (cgroup files are small; seq_file needs reads until 0).</summary>
    public static string Read(string dir, string file) => ReadPath(Join(dir, file));

    public static string ReadPath(string path)
    {
        int fd = OpenAt(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) throw SyscallException.Last("open \"" + path + "\"");
        try
        {
            var buf = new byte[4096];
            int len = 0;
            while (true)
            {
                if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
                nint n;
                unsafe
                {
                    fixed (byte* p = &buf[len])
                    {
                        do n = Interop.Libc.Read(fd, p, (nuint)(buf.Length - len));
                        while (n < 0 && Errno.Last == Errno.EINTR);
                    }
                }
                if (n < 0) throw SyscallException.Last("read \"" + path + "\"");
                if (n == 0) break;
                len += (int)n;
            }
            return Encoding.UTF8.GetString(buf, 0, len);
        }
        finally { Close(fd); }
    }

    /// <summary>Content, or null when the file does not exist (optional controller files).</summary>
    public static string? TryRead(string dir, string file)
    {
        try { return Read(dir, file); }
        catch (SyscallException e) when (e.Errno is Errno.ENOENT or Errno.ENODEV or Errno.EOPNOTSUPP) { return null; }
    }

    /// <summary>A single unsigned number; "max" (v2) reads as ulong.MaxValue.</summary>
    public static ulong ReadUInt64(string dir, string file) => ParseUInt64(Read(dir, file).Trim(), Join(dir, file));

    public static ulong ParseUInt64(string s, string where)
    {
        if (s == "max") return ulong.MaxValue;
        if (ulong.TryParse(s, out ulong v)) return v;
        // Some v1 files report -1 for "unlimited" (e.g. cpu.cfs_quota_us); treat negatives as 0 like runc.
        if (long.TryParse(s, out long neg) && neg < 0) return 0;
        throw new RuncException("parse \"" + s + "\" from \"" + where + "\": invalid number");
    }

    /// <summary>"key value" lines (memory.stat, cpu.stat, cgroup.events) into a map, in file order.</summary>
    public static Dictionary<string, ulong> ReadKeyValues(string dir, string file)
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        string? text = TryRead(dir, file);
        if (text == null) return map;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2 && ulong.TryParse(f[1], out ulong v)) map[f[0]] = v;
        }
        return map;
    }

    /// <summary>mkdir that tolerates an existing directory; parents must exist.</summary>
    public static bool MkdirIfMissing(string path, uint mode = 0x1ed /* 0755 */)
    {
        if (Mkdir(path, mode) == 0) return true;
        int errno = Errno.Last;
        if (errno == Errno.EEXIST && Directory.Exists(path)) return false;
        throw new SyscallException("mkdir \"" + path + "\"", errno);
    }

    /// <summary>mkdir -p; returns the directories it created, outermost first (for undo on failure).</summary>
    public static List<string> MkdirAll(string path)
    {
        // The usual case first: the parent exists and the leaf does not (one mkdir instead of a stat per level).
        if (Mkdir(path, 0x1ed) == 0) return [path];
        int errno = Errno.Last;
        if (errno == Errno.EEXIST && Directory.Exists(path)) return [];
        if (errno != Errno.ENOENT) throw new SyscallException("mkdir \"" + path + "\"", errno);
        var missing = new List<string>();
        for (string? p = path; p != null && p != "/" && !Directory.Exists(p); p = Path.GetDirectoryName(p)) missing.Add(p);
        missing.Reverse();
        var created = new List<string>();
        foreach (string p in missing)
            if (MkdirIfMissing(p)) created.Add(p);
        return created;
    }
}
