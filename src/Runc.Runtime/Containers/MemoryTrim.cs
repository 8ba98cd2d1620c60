using System.Globalization;
using Runc.Linux;

namespace Runc.Runtime.Containers;

/// <summary>
/// Before a foreground `run`/`exec` settles down to supervise (for as long as the container lives), give back what
/// starting it needed: the GC heap's free space, glibc's free heap, and the resident pages of read-only file mappings
/// (nrunc's own code and data, libc, ld.so). Those pages stay in the page cache; the few the wait loop needs fault
/// back in. Only mappings without anonymous (copied-on-write) pages are dropped, so no content can be lost: a
/// read-only private file mapping with no anonymous page is exactly the file. Best effort: a failure changes nothing
/// but the process's resident size.
/// </summary>
public static class MemoryTrim
{
    public static void Release()
    {
        List<(nint Start, nuint Length)> clean = CleanFileMappings();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // The collection queues finalizers; run them now, or the finalizer thread pages code back in after the drop.
        GC.WaitForPendingFinalizers();
        Interop.Libc.MallocTrim(0);
        foreach (var (start, length) in clean) Interop.Libc.Madvise(start, length, Interop.Libc.MADV_DONTNEED);
    }

    /// <summary>The read-only, file-backed mappings of this process that hold no anonymous page, from /proc/self/smaps.</summary>
    public static List<(nint Start, nuint Length)> CleanFileMappings()
    {
        var result = new List<(nint, nuint)>();
        string smaps;
        try { smaps = File.ReadAllText("/proc/self/smaps"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return result; }
        return Parse(smaps);
    }

    /// <summary>
    /// Parses smaps text (a header line per mapping, then "Key: value kB" lines). A mapping qualifies when it is
    /// private, not writable, backed by a file, resident, and has neither anonymous nor swapped-out pages (a page
    /// copied on write and then swapped would be lost by MADV_DONTNEED).
    /// </summary>
    public static List<(nint Start, nuint Length)> Parse(string smaps)
    {
        var result = new List<(nint, nuint)>();
        bool candidate = false, resident = false, anonymous = true;
        ulong start = 0, end = 0;
        foreach (var range in smaps.AsSpan().Split('\n'))
        {
            ReadOnlySpan<char> line = smaps.AsSpan(range);
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && IsHex(line[..dash]))
            {
                // "start-end perms offset dev inode [path]": a new mapping.
                var fields = line[(space + 1)..];
                candidate = fields.Length >= 4 && fields[1] != 'w' && fields[3] == 'p' && HasFile(fields) &&
                            ulong.TryParse(line[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start) &&
                            ulong.TryParse(line[(dash + 1)..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end) &&
                            end > start;
                resident = false;
                anonymous = true;
                continue;
            }
            if (!candidate) continue;
            if (line.StartsWith("Rss:")) resident = !IsZeroKb(line["Rss:".Length..]);
            else if (line.StartsWith("Anonymous:")) anonymous = !IsZeroKb(line["Anonymous:".Length..]);
            else if (line.StartsWith("Swap:"))
            {
                if (resident && !anonymous && IsZeroKb(line["Swap:".Length..])) result.Add(((nint)start, (nuint)(end - start)));
                candidate = false;
            }
        }
        return result;
    }

    private static bool IsZeroKb(ReadOnlySpan<char> value) => value.Trim() is "0 kB";

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s) if (!char.IsAsciiHexDigit(c)) return false;
        return s.Length > 0;
    }

    /// <summary>The mapping has a backing file: a non-zero inode (field 4 after the perms).</summary>
    private static bool HasFile(ReadOnlySpan<char> fields)
    {
        // perms offset dev inode [path]
        int seen = 0;
        foreach (var r in fields.Split(' '))
        {
            var f = fields[r];
            if (f.IsEmpty) continue;
            if (++seen == 4) return f is not "0";
        }
        return false;
    }
}
