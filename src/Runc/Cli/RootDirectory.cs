namespace Runc.Cli;

/// <summary>Where container state lives when --root is not given, and how a given --root is cleaned.</summary>
public static class RootDirectory
{
    /// <summary>
    /// runc's XDG rule (shouldHonorXDGRuntimeDir) with our suffix: use <c>$XDG_RUNTIME_DIR/nrunc</c> when
    /// XDG_RUNTIME_DIR is non-empty and we are not root, or are root only inside a user namespace with
    /// USER unset or not "root" (rootless podman). Real root always gets <see cref="CommandTable.DefaultRoot"/>,
    /// even with XDG_RUNTIME_DIR=/run/user/0. Every command must apply the same rule: podman calls
    /// start/kill/delete/state without --root and expects to find what conmon's create made.
    /// </summary>
    public static (string Path, bool FromXdg) Default(string? xdgRuntimeDir, uint euid, bool inUserNamespace, string? user)
    {
        if (string.IsNullOrEmpty(xdgRuntimeDir)) return (CommandTable.DefaultRoot, false);
        bool honour = euid != 0 || (inUserNamespace && user != "root");
        return honour ? (xdgRuntimeDir + "/nrunc", true) : (CommandTable.DefaultRoot, false);
    }

    /// <summary><see cref="Default(string?, uint, bool, string?)"/> fed from <paramref name="host"/>, reading procfs only if needed.</summary>
    public static (string Path, bool FromXdg) Default(HostFacts host)
    {
        string? xdg = host.GetEnv("XDG_RUNTIME_DIR");
        if (string.IsNullOrEmpty(xdg)) return (CommandTable.DefaultRoot, false);
        uint euid = host.EffectiveUid();
        bool inUserNs = euid == 0 && host.InUserNamespace();
        return Default(xdg, euid, inUserNs, host.GetEnv("USER"));
    }

    /// <summary>
    /// Makes --root absolute and clean, like runc's reviseRootDir (filepath.Abs), and refuses "/" and ""
    /// as runc ≥1.2 does: a state root of "/" would let delete/cleanup walk the host's root directory.
    /// </summary>
    public static string Revise(string root)
    {
        if (root.Length == 0) throw new RuncException("invalid --root: the state directory cannot be empty");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (full == "/") throw new RuncException("invalid --root \"" + root + "\": the state directory cannot be /");
        return full;
    }
}
