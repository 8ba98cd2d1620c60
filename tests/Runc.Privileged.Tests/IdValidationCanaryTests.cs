using System.Security.Cryptography;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// Every command that takes a container id refuses ids that are not one clean path element, before touching the
/// file system: a canary tree around the state root (its parent, siblings, and entries inside it named like what a
/// sloppy join would reach) survives byte for byte. (crun 1.8.1 deleted the parent of its root on `delete -f ..`.)
/// </summary>
public sealed class IdValidationCanaryTests(ITestOutputHelper output) : ScopedTest(output)
{
    /// <summary>"{abs}" is an absolute path *inside the canary tree* (parent/abs-target). Never use a real host path
    /// such as /etc here: a runtime that does not validate ids deletes it. (Running this test with id /etc against
    /// crun 1.8.1 removed the host's /etc.)</summary>
    public static TheoryData<string> BadIds => new() { "..", ".", "a/../b", "{abs}", "", "x/y", "../root", "../sibling", "a b", "x/" };

    static readonly string[][] Commands =
    [
        ["create", "--bundle", "{bundle}"], ["run", "--bundle", "{bundle}"], ["run", "-d", "--bundle", "{bundle}"],
        ["start"], ["exec", "{id}", "true"], ["exec", "-d", "{id}", "true"], ["kill"], ["kill", "{id}", "KILL"],
        ["kill", "--all", "{id}", "KILL"], ["delete"], ["delete", "-f"], ["delete", "--force"], ["state"], ["ps"],
        ["ps", "-f", "json"], ["pause"], ["resume"], ["update", "--pids-limit", "10"], ["events", "--stats"],
        ["checkpoint"], ["restore", "--bundle", "{bundle}"],
    ];

    [PrivilegedTheory]
    [MemberData(nameof(BadIds))]
    public void EveryIdCommand_RefusesTheId_AndTheCanaryTreeSurvivesByteForByte(string badId)
    {
        var parent = _s.NewDir("canary");
        var root = Path.Combine(parent, "root");
        BuildCanary(parent, root);
        var bundle = _s.Bundle("true");
        var rt = _s.Runtime(root);
        if (badId == "{abs}") badId = Path.Combine(parent, "abs-target");
        var before = Snapshot(parent);

        var failures = new List<string>();
        foreach (var template in Commands)
        {
            var args = template.Select(a => a.Replace("{bundle}", bundle.Dir)).ToList();
            if (args.Contains("{id}")) args = args.Select(a => a == "{id}" ? badId : a).ToList();
            else args.Add(badId);
            var r = rt.Run(args);
            var expectRc = args[0] == "exec" ? 255 : 1;
            var sentinelOk = r.Stderr.Contains(Sentinels.InvalidId, StringComparison.Ordinal) ||
                             (badId == "" && r.Stderr.Contains(Sentinels.EmptyId, StringComparison.Ordinal));
            if (r.ExitCode != expectRc || !sentinelOk)
                failures.Add($"expected rc {expectRc} and \"{Sentinels.InvalidId}\"{(badId == "" ? $" or \"{Sentinels.EmptyId}\"" : "")}\n{r.Describe()}");
            var after = Snapshot(parent);
            if (!after.SequenceEqual(before))
                throw new XunitException($"`{string.Join(' ', args)}` changed the canary tree around {root}:\n" +
                    Diff(before, after) + "\n" + r.Describe());
        }
        if (failures.Count > 0) throw new XunitException($"id \"{badId}\": {failures.Count} command(s) did not refuse it properly:\n" + string.Join("\n", failures));
    }

    /// <summary>parent/{root/{.canary, b/, x/y/, etc/, link -> ../sibling}, sibling/{file, nested/deep}, parent-file, abs-target/}</summary>
    static void BuildCanary(string parent, string root)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, ".canary"), "inside the root\n");
        foreach (var d in new[] { "b", "x/y", "etc", "a b" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
            File.WriteAllText(Path.Combine(root, d, "state.json"), "{\"not\":\"a container\"}");
        }
        File.CreateSymbolicLink(Path.Combine(root, "link"), "../sibling");
        Directory.CreateDirectory(Path.Combine(parent, "sibling", "nested"));
        File.WriteAllText(Path.Combine(parent, "sibling", "file"), "sibling file\n");
        File.WriteAllBytes(Path.Combine(parent, "sibling", "nested", "deep"), RandomNumberGenerator.GetBytes(512));
        File.WriteAllText(Path.Combine(parent, "parent-file"), "next to the root\n");
        Directory.CreateDirectory(Path.Combine(parent, "abs-target"));
        File.WriteAllText(Path.Combine(parent, "abs-target", "state.json"), "{\"absolute\":\"id target\"}");
    }

    /// <summary>Every entry below <paramref name="dir"/> (and dir itself): type, mode, content hash or link target.
    /// Symlinks are recorded, never followed.</summary>
    internal static List<string> Snapshot(string dir)
    {
        var res = new List<string> { ". " + Describe(new DirectoryInfo(dir)) };
        void Walk(DirectoryInfo d)
        {
            foreach (var e in d.EnumerateFileSystemInfos())
            {
                res.Add(Path.GetRelativePath(dir, e.FullName) + " " + Describe(e));
                if (e is DirectoryInfo sub && e.LinkTarget is null) Walk(sub);
            }
        }
        Walk(new DirectoryInfo(dir));
        res.Sort(StringComparer.Ordinal);
        return res;
    }

    static string Describe(FileSystemInfo fi)
    {
        if (fi.LinkTarget is { } target) return $"link -> {target}";
        var mode = Convert.ToString((int)fi.UnixFileMode, 8);
        if (fi is DirectoryInfo) return $"dir {mode}";
        return $"file {mode} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(fi.FullName)))}";
    }

    static string Diff(List<string> before, List<string> after) =>
        string.Join("\n", before.Except(after).Select(l => "  - " + l).Concat(after.Except(before).Select(l => "  + " + l)));
}
