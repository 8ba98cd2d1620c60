using Runc.Cgroups.Fs;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// <see cref="CgroupFile.ReadKeyValues"/>: the one "key value\n" parser behind the v1 and v2 stats readers
/// (cpu.stat, cpuacct.stat, memory.stat, memory.events, hugetlb events) and the OOM monitor.
/// </summary>
public class KeyValueFileTests
{
    private static List<KeyValuePair<string, ulong>> Read(string? content)
    {
        using var fs = new FakeCgroupFs();
        string dir = fs.Dir("c1");
        if (content != null) fs.File("c1/memory.stat", content);
        return [.. CgroupFile.ReadKeyValues(dir, "memory.stat")];
    }

    private static KeyValuePair<string, ulong> Kv(string k, ulong v) => new(k, v);

    [Fact]
    public void Missing_file_reads_as_empty() => Assert.Empty(Read(null));

    [Fact]
    public void Empty_file_reads_as_empty() => Assert.Empty(Read(""));

    [Fact]
    public void Blank_lines_only_read_as_empty() => Assert.Empty(Read("\n\n"));

    [Fact]
    public void Lines_keep_file_order_with_or_without_trailing_newline()
    {
        Assert.Equal([Kv("rss", 49152), Kv("cache", 0), Kv("swap", 7)], Read("rss 49152\ncache 0\nswap 7\n"));
        Assert.Equal([Kv("rss", 49152), Kv("cache", 0), Kv("swap", 7)], Read("rss 49152\ncache 0\nswap 7"));
    }

    [Fact]
    public void Repeated_spaces_between_key_and_value_are_one_separator() =>
        Assert.Equal([Kv("nr_periods", 2)], Read("nr_periods   2\n"));

    [Fact]
    public void Largest_value_is_read() =>
        Assert.Equal([Kv("hierarchical_memory_limit", ulong.MaxValue)], Read("hierarchical_memory_limit 18446744073709551615\n"));

    [Theory]
    [InlineData("lonely\n")]                     // no value
    [InlineData("a 1 2\n")]                      // three fields
    [InlineData("a -1\n")]                       // negative
    [InlineData("a max\n")]                      // "max" is not a number here (ReadUInt64 is the place for it)
    [InlineData("a 18446744073709551616\n")]     // past ulong
    [InlineData("a 0x10\n")]                     // not decimal
    [InlineData("a\t1\n")]                       // tab is not a separator: one field
    public void Malformed_lines_are_skipped(string line) => Assert.Empty(Read(line));

    [Fact]
    public void Malformed_lines_do_not_hide_the_good_ones() =>
        Assert.Equal([Kv("user", 2), Kv("system", 1)], Read("user 2\nbogus\nkernel max\nsystem 1\n"));

    [Fact]
    public void A_repeated_key_keeps_the_last_value_in_its_first_place() =>
        Assert.Equal([Kv("a", 3), Kv("b", 2)], Read("a 1\nb 2\na 3\n"));
}
