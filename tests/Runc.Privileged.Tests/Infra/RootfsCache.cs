namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// The busybox rootfs, built once per test run by tools/mkrootfs.sh into a shared cache directory, and the spec
/// template (`RUNTIME spec` of the runtime under test), also made once. Bundles get their own copy of the tree.
/// </summary>
public static class RootfsCache
{
    static readonly Lazy<string> Dir = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    static readonly Lazy<string> SpecText = new(MakeSpec, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Rootfs => Path.Combine(Dir.Value, "rootfs");

    /// <summary>config.json text written by `NRUNC_BIN spec`.</summary>
    public static string Spec => SpecText.Value;

    /// <summary>Removes the cache (end of the test collection); a later use would build it again.</summary>
    public static void Release()
    {
        if (Dir.IsValueCreated) TempDirs.Remove(Dir.Value);
    }

    /// <summary>
    /// A private rootfs at <paramref name="dest"/>: own directories, symlinks and small files; only the 2 MB
    /// bin/busybox is a hard link to the cache (a real copy costs ~1 s of I/O on the test VMs, times hundreds of
    /// bundles). No test writes to /bin/busybox.
    /// </summary>
    public static void CopyTo(string dest)
    {
        var src = Rootfs;
        var r = Subprocess.Run(Dir.Value, ["/bin/cp", "-al", src, dest], timeout: TimeSpan.FromMinutes(1));
        if (r.ExitCode != 0) throw new InvalidOperationException("copying the rootfs failed\n" + r.Describe());
        foreach (var f in Directory.EnumerateFiles(dest, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var fi = new FileInfo(f);
            if (fi.LinkTarget is not null || Path.GetRelativePath(dest, f) == "bin/busybox") continue;
            var bytes = File.ReadAllBytes(f);
            var mode = fi.UnixFileMode;
            File.Delete(f); // unlink the hard link, then write a private file
            File.WriteAllBytes(f, bytes);
            File.SetUnixFileMode(f, mode);
        }
    }

    static string Build()
    {
        TempDirs.RemoveStale("rootfs-cache");
        var dir = TempDirs.Create("rootfs-cache");
        TempDirs.MarkOwner(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TempDirs.Remove(dir);
        var script = Path.Combine(Env.RepoRoot, "tools", "mkrootfs.sh");
        var r = Subprocess.Run(dir, ["/bin/bash", script, Path.Combine(dir, "rootfs")], timeout: TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0 || !File.Exists(Path.Combine(dir, "rootfs", "bin", "busybox")))
            throw new InvalidOperationException("tools/mkrootfs.sh failed (is busybox-static installed?)\n" + r.Describe());
        File.SetUnixFileMode(Path.Combine(dir, "rootfs", "bin", "busybox"), (UnixFileMode)0b101_101_101);
        return dir;
    }

    static string MakeSpec()
    {
        var dir = Path.Combine(Dir.Value, "spec");
        Directory.CreateDirectory(dir);
        var r = Subprocess.Run(dir, [Env.RuntimeBin!, "spec", "--bundle", dir], timeout: TimeSpan.FromSeconds(30));
        var path = Path.Combine(dir, "config.json");
        if (r.ExitCode != 0 || !File.Exists(path))
            throw new InvalidOperationException("`spec` of the runtime under test failed\n" + r.Describe());
        return File.ReadAllText(path);
    }
}
