namespace Runc.Oci;

public static partial class SpecValidator
{
    private static void ValidateRoot(Root? root, string bundleDir, Findings findings)
    {
        if (root == null)
        {
            findings.Error("root", "root must be specified");
            return;
        }
        if (root.Path.Length == 0)
        {
            findings.Error("root.path", "invalid rootfs: path must not be empty");
            return;
        }
        if (root.Path.Contains('\0'))
        {
            // Found by ConfigFuzzTests: Path.GetFullPath throws on NUL; Go's os.Stat says "invalid argument".
            findings.Error("root.path", "invalid rootfs: stat: invalid argument");
            return;
        }
        // A relative root.path is relative to the bundle (runtime-spec config.md).
        string full = Path.GetFullPath(Path.Combine(bundleDir, root.Path));
        try
        {
            var attributes = File.GetAttributes(full); // follows symlinks, like Go's os.Stat
            if ((attributes & FileAttributes.Directory) == 0)
                findings.Error("root.path", $"invalid rootfs: {Q(full)} is not a directory");
            // runc: the rootfs is used by path later, so no component of it may be a symlink.
            else if (HasSymlinkComponent(full))
                findings.Error("root.path", "invalid rootfs: not an absolute path, or a symlink");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            findings.Error("root.path", $"invalid rootfs: stat {full}: no such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            findings.Error("root.path", $"invalid rootfs: stat {full}: permission denied");
        }
        catch (IOException e)
        {
            findings.Error("root.path", $"invalid rootfs: stat {full}: {e.Message}");
        }
    }

    private static bool HasSymlinkComponent(string path)
    {
        string current = "/";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget != null) return true;
        }
        return false;
    }

    private static void ValidateMounts(List<Mount>? mounts, Findings findings)
    {
        for (int i = 0; i < (mounts?.Count ?? 0); i++)
        {
            var mount = mounts![i];
            string path = $"mounts[{i}]";
            if (mount == null) { findings.Error(path, "must not be null"); continue; }
            if (mount.Destination.Length == 0)
                findings.Error(path + ".destination", "must not be empty");
            else if (!mount.Destination.StartsWith('/'))
                // The spec allows it (relative to "/"); runc warns that support will go away.
                findings.Warn(path + ".destination", $"{Q(mount.Destination)} is not absolute; it is taken relative to \"/\"");

            bool idmapOption = mount.Options?.Exists(o => o is "idmap" or "ridmap") == true;
            bool hasMappings = mount.UidMappings is { Count: > 0 } || mount.GidMappings is { Count: > 0 };
            if (hasMappings && !idmapOption)
                findings.Error(path, "uidMappings/gidMappings need the \"idmap\" or \"ridmap\" option");
            if (hasMappings && (mount.UidMappings is not { Count: > 0 } || mount.GidMappings is not { Count: > 0 }))
                findings.Error(path, "an idmapped mount needs both uidMappings and gidMappings");
        }
    }

    private static void ValidateHooks(Hooks? hooks, Findings findings)
    {
        if (hooks == null) return;
        Check("prestart", hooks.Prestart);
        Check("createRuntime", hooks.CreateRuntime);
        Check("createContainer", hooks.CreateContainer);
        Check("startContainer", hooks.StartContainer);
        Check("poststart", hooks.Poststart);
        Check("poststop", hooks.Poststop);

        void Check(string phase, List<Hook>? list)
        {
            for (int i = 0; i < (list?.Count ?? 0); i++)
            {
                var hook = list![i];
                string path = $"hooks.{phase}[{i}]";
                if (hook == null) { findings.Error(path, "must not be null"); continue; }
                if (!hook.Path.StartsWith('/'))
                    findings.Error(path + ".path", $"{Q(hook.Path)} is not an absolute path");
                if (hook.Timeout is int t && t <= 0)
                    findings.Error(path + ".timeout", $"must be greater than zero, not {t}");
            }
        }
    }
}
