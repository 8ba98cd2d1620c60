using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// CVE-2025-52881 (GHSA-cgrx-mc8f-2prm): a container image (or a racing mount) must not be able to redirect the
/// runtime's procfs writes (sysctl, oom_score_adj) to another file. nrunc opens the host's /proc once, checks with
/// fstatfs that it is procfs, and does every such write through openat2(that fd, RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS)
/// followed by an fstatfs of the opened file. This test shows it with strace (one trace file per process, so no line is
/// split) on a `run` with two sysctls and process.oomScoreAdj.
/// </summary>
public sealed partial class ProcfsWriteTraceTests(ITestOutputHelper output) : ScopedTest(output)
{
    static readonly (string Rel, string Value)[] Writes =
    [
        ("sys/net/ipv4/ip_forward", "1"),
        ("sys/kernel/shm_rmid_forced", "1"),
        ("self/oom_score_adj", "123"),
    ];

    [GeneratedRegex("""^(?:open|openat)\((?:AT_FDCWD, )?"/proc", [^)]*O_DIRECTORY[^)]*\)\s+= (\d+)$""")]
    private static partial Regex OpenProcRoot();

    [GeneratedRegex("""^fstatfs\((\d+), \{f_type=PROC_SUPER_MAGIC""")]
    private static partial Regex FstatfsProc();

    [GeneratedRegex("""^openat2\((\d+), "([^"]*)", \{flags=([^,]*), resolve=([^}]*)}, \d+\)\s+= (\d+)$""")]
    private static partial Regex Openat2();

    [GeneratedRegex("""^write\((\d+), "([^"]*)", \d+\)\s+= \d+$""")]
    private static partial Regex Write();

    [GeneratedRegex("""^(?:open|openat|openat2|creat)\(.*"(/proc/[^"]*(?:/sys/|oom_score_adj)[^"]*)", .*O_(?:WRONLY|RDWR)""")]
    private static partial Regex PathOpenForWrite();

    [PrivilegedFact]
    public void SysctlAndOomScoreAdj_AreWrittenThroughAVerifiedProcfsFd_ShownByStrace()
    {
        Assert.True(File.Exists("/usr/bin/strace"), "strace is needed (build.sh test installs it)");
        var rt = _s.Runtime();
        var b = _s.Bundle("cat", "/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/shm_rmid_forced", "/proc/self/oom_score_adj");
        b.Edit(c =>
        {
            c["linux"]!["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1", ["kernel.shm_rmid_forced"] = "1" };
            c["process"]!["oomScoreAdj"] = 123;
        });
        var traceDir = _s.NewDir("trace");
        var id = _s.NewId("sysctl");
        var r = Subprocess.Run(_s.IoDir, ["/usr/bin/strace", "-ff", "-qq", "-s", "256", "-e", "signal=none",
            "-e", "trace=open,openat,openat2,creat,fstatfs,write", "-o", Path.Combine(traceDir, "t"),
            .. rt.Argv(["run", "--bundle", b.Dir, id])], timeout: TimeSpan.FromSeconds(120));
        rt.Run("delete", "-f", id);
        Check.Ok(r, "run under strace");
        Assert.Equal("1\n1\n123\n", r.Stdout);

        // The verified handle: "/proc" opened as a directory, then fstatfs says PROC_SUPER_MAGIC.
        var files = Directory.GetFiles(traceDir).ToDictionary(f => f, f => File.ReadAllLines(f));
        int? procFd = null;
        foreach (var lines in files.Values)
            for (var i = 0; i < lines.Length && procFd is null; i++)
                if (OpenProcRoot().Match(lines[i]) is { Success: true } m &&
                    lines.Skip(i + 1).Take(3).Any(l => FstatfsProc().Match(l) is { Success: true } f && f.Groups[1].Value == m.Groups[1].Value))
                    procFd = int.Parse(m.Groups[1].Value);
        if (procFd is null) throw new XunitException("no verified open of /proc (open + fstatfs PROC_SUPER_MAGIC) in the trace:\n" + Dump(files));
        _s.Log($"verified procfs handle: fd {procFd}");

        foreach (var (rel, value) in Writes)
        {
            // In one process: openat2(procFd, rel, O_WRONLY, RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS) = F; fstatfs(F) is procfs; write(F, value).
            var shown = false;
            foreach (var lines in files.Values)
                for (var i = 0; i < lines.Length && !shown; i++)
                {
                    var m = Openat2().Match(lines[i]);
                    if (!m.Success || m.Groups[2].Value != rel) continue;
                    Assert.Equal(procFd.Value.ToString(), m.Groups[1].Value);
                    Assert.Contains("O_WRONLY", m.Groups[3].Value);
                    Assert.Contains("RESOLVE_BENEATH", m.Groups[4].Value);
                    Assert.Contains("RESOLVE_NO_MAGICLINKS", m.Groups[4].Value);
                    var fd = m.Groups[5].Value;
                    var rest = lines.Skip(i + 1).ToList();
                    var verified = rest.FindIndex(l => FstatfsProc().Match(l) is { Success: true } f && f.Groups[1].Value == fd);
                    var written = rest.FindIndex(l => Write().Match(l) is { Success: true } w && w.Groups[1].Value == fd && w.Groups[2].Value == value);
                    if (verified < 0 || written < 0 || verified > written)
                        throw new XunitException($"{rel}: opened through the handle, but not fstatfs-verified before the write\n{string.Join('\n', lines)}");
                    shown = true;
                }
            if (!shown) throw new XunitException($"no openat2 of \"{rel}\" through the verified handle in the trace:\n" + Dump(files));
        }

        // And no procfs file was opened for writing by path.
        var byPath = files.Values.SelectMany(l => l).Where(l => PathOpenForWrite().IsMatch(l)).ToList();
        Assert.True(byPath.Count == 0, "procfs written through a path: " + string.Join("\n", byPath));
    }

    static string Dump(Dictionary<string, string[]> files) =>
        string.Join("\n", files.Select(kv => $"--- {Path.GetFileName(kv.Key)}\n" + string.Join("\n", kv.Value.Take(200))));
}
