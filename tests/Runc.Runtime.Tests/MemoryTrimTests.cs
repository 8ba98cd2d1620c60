using Runc.Runtime.Containers;
using Xunit;

namespace Runc.Runtime.Tests;

public class MemoryTrimTests
{
    private static string Mapping(string header, int rssKb, int anonKb, int swapKb) =>
        header + "\n" +
        "Size:               1024 kB\n" +
        $"Rss:                {rssKb} kB\n" +
        "Pss:                  12 kB\n" +
        $"Anonymous:          {anonKb} kB\n" +
        "AnonHugePages:         0 kB\n" +
        $"Swap:               {swapKb} kB\n" +
        "SwapPss:               0 kB\n" +
        "VmFlags: rd ex mr mw me \n";

    [Fact]
    public void OnlyCleanReadOnlyPrivateFileMappingsQualify()
    {
        string smaps =
            Mapping("55f919fca000-55f91a1fe000 r-xp 0000b000 08:01 1234 /usr/bin/nrunc", 2256, 0, 0) +
            Mapping("55f91a1fe000-55f91a2f4000 r--p 0023f000 08:01 1234 /usr/bin/nrunc", 984, 0, 0) +
            Mapping("55f91a3a4000-55f91a3a6000 r--p 003e5000 08:01 1234 /usr/bin/nrunc", 8, 8, 0) +       // RELRO: relocated
            Mapping("55f91a3a6000-55f91a3b3000 rw-p 003e7000 08:01 1234 /usr/bin/nrunc", 52, 52, 0) +     // writable
            Mapping("7fbcd8306000-7fbcd8359000 r--p 00176000 08:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6", 0, 0, 0) + // not resident
            Mapping("7fbcd8360000-7fbcd8368000 r--p 00000000 08:01 77 /usr/lib/x.so", 16, 0, 4) +         // swapped COW page
            Mapping("7fbcd8370000-7fbcd8378000 r--s 00000000 08:01 78 /dev/shm/x", 16, 0, 0) +            // shared
            Mapping("7fb115000000-7fb115121000 r--p 00000000 00:00 0 ", 100, 0, 0) +                       // anonymous
            Mapping("7ffc4f9d0000-7ffc4f9d2000 r-xp 00000000 00:00 0                          [vdso]", 8, 0, 0) +
            Mapping("7fbcd8461000-7fbcd8487000 r-xp 00001000 08:01 55 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 152, 0, 0);
        var ranges = MemoryTrim.Parse(smaps);
        Assert.Equal(
            [(0x55f919fca000L, 0x234000UL), (0x55f91a1fe000L, 0xf6000UL), (0x7fbcd8461000L, 0x26000UL)],
            ranges.Select(r => ((long)r.Start, (ulong)r.Length)));
    }

    [Fact]
    public void AMappingWithoutSwapLineIsLeftAlone() =>
        Assert.Empty(MemoryTrim.Parse("55f919fca000-55f91a1fe000 r-xp 0000b000 08:01 1234 /usr/bin/nrunc\nRss: 8 kB\nAnonymous: 0 kB\n"));

    [Fact]
    public void ReleasingInALiveProcessKeepsItWorking()
    {
        Assert.NotEmpty(MemoryTrim.CleanFileMappings());
        MemoryTrim.Release();
        // Code, read-only data and libc fault back in from the page cache.
        var text = string.Join(",", Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(1000, text.Split(',').Length);
        Assert.True(File.Exists("/proc/self/smaps"));
    }
}
