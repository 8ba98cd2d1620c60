using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>Small helpers shared by the advisory regression tests (issue 8). Everything lives in the test's scope dir.</summary>
static class SecurityKit
{
    /// <summary>Pid of a created or running container, from `state`.</summary>
    public static int Pid(Runtime rt, string id) => rt.State(id)["pid"]!.GetValue<int>();

    /// <summary>fd number → link target of a host process.</summary>
    public static SortedDictionary<int, string> Fds(int pid)
    {
        var res = new SortedDictionary<int, string>();
        foreach (var f in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try { res[int.Parse(Path.GetFileName(f))] = new FileInfo(f).LinkTarget ?? "?"; }
            catch (IOException) { }
        }
        return res;
    }

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Drops the config's tmpfs on /dev, so the image's own /dev entries are what the runtime meets.</summary>
    public static Bundle WithoutDevTmpfs(this Bundle b) => b.Edit(c =>
    {
        var m = c["mounts"]!.AsArray();
        for (var i = m.Count - 1; i >= 0; i--)
            if (m[i]!["destination"]!.GetValue<string>() == "/dev") m.RemoveAt(i);
    });

    /// <summary>Every entry below <paramref name="dir"/> (relative paths), to compare a canary before and after.</summary>
    public static List<string> Tree(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(dir, p)).Order(StringComparer.Ordinal).ToList();

    /// <summary>A host directory holding exactly one marker file; <see cref="AssertCanary"/> checks it is untouched.</summary>
    public static string Canary(TestScope s, string tag, string markerName = "marker")
    {
        var d = s.NewDir(tag);
        File.WriteAllText(Path.Combine(d, markerName), "canary " + tag);
        return d;
    }

    public static void AssertCanary(string dir, string tag, string markerName = "marker")
    {
        var tree = Tree(dir);
        if (tree.Count != 1 || tree[0] != markerName)
            throw new XunitException($"host canary {dir} was touched: [{string.Join(", ", tree)}]");
        var fi = new FileInfo(Path.Combine(dir, markerName));
        if (fi.LinkTarget is not null || File.ReadAllText(fi.FullName) != "canary " + tag)
            throw new XunitException($"host canary marker {fi.FullName} was replaced or rewritten");
        if (TempDirs.MountsUnder(dir).Count > 0)
            throw new XunitException($"a mount landed under the host canary {dir}: {string.Join(", ", TempDirs.MountsUnder(dir))}");
    }

    /// <summary>Copies the shared libraries a dynamic binary needs into the rootfs (so the image can run it).</summary>
    public static void CopyLibsFor(TestScope s, string binary, string rootfs)
    {
        var r = Subprocess.Run(s.IoDir, ["/usr/bin/ldd", binary]);
        foreach (var line in r.Stdout.Split('\n'))
        {
            var path = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(t => t.StartsWith('/'));
            if (path is null || !File.Exists(path)) continue;
            var dest = rootfs + path;
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(path, dest, overwrite: true);
        }
    }

    public static JsonArray Caps(params string[] names) => Bundle.Strings(names);
}
