namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// The busybox rootfs, built once per test run by tools/mkrootfs.sh into a shared cache directory, and the spec
/// template (`RUNTIME spec` of the runtime under test), also made once. Bundles copy the rootfs (cp -a, ~2 MB) so a
/// container can never modify another test's root.
/// </summary>
public static class RootfsCache
{
    static readonly Lazy<string> Dir = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    static readonly Lazy<string> SpecText = new(MakeSpec, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Rootfs => Path.Combine(Dir.Value, "rootfs");

    /// <summary>config.json text written by `NRUNC_BIN spec`.</summary>
    public static string Spec => SpecText.Value;

    static string Build()
    {
        var dir = TempDirs.Create("rootfs-cache");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TempDirs.Remove(dir);
        var script = Path.Combine(Env.RepoRoot, "tools", "mkrootfs.sh");
        var r = Subprocess.Run(dir, ["/bin/bash", script, Path.Combine(dir, "rootfs")], timeout: TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0 || !File.Exists(Path.Combine(dir, "rootfs", "bin", "busybox")))
            throw new InvalidOperationException("tools/mkrootfs.sh failed (is busybox-static installed?)\n" + r.Describe());
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
