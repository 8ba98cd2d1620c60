using Runc.Oci.Kernel;

namespace Runc.Oci;

public static partial class SpecValidator
{
    private static readonly HashSet<string> Propagations =
        ["private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable"];

    private static readonly HashSet<string> MemoryPolicyModes =
    [
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
        "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
    ];

    private static readonly HashSet<string> MemoryPolicyFlags = ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"];

    /// <summary>
    /// runc only lets a container set sysctls that belong to a namespace it has of its own
    /// (runc@v1.1.5:libcontainer/configs/validate/validator.go sysctl), so a container can never
    /// change a host-wide kernel setting.
    /// </summary>
    private static void ValidateSysctl(Dictionary<string, string>? sysctl, NamespaceSet namespaces, Findings findings)
    {
        if (sysctl == null) return;
        foreach (var key in SortedKeys.Of(sysctl))
        {
            // "net/ipv4/ip_forward" names the same file as "net.ipv4.ip_forward".
            string s = key.Contains('/') ? key.Replace('/', '.') : key;
            if (s is "kernel.sem" || s.StartsWith("kernel.msg", StringComparison.Ordinal) ||
                s.StartsWith("kernel.shm", StringComparison.Ordinal) || s.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (!namespaces.Has(NamespaceTypes.Ipc))
                    findings.Error("linux.sysctl", $"sysctl {Q(key)} is not allowed in the hosts ipc namespace");
                continue;
            }
            if (s.StartsWith("net.", StringComparison.Ordinal))
            {
                if (!namespaces.Has(NamespaceTypes.Network))
                    findings.Error("linux.sysctl", $"sysctl {Q(key)} is not allowed in the hosts network namespace");
                continue;
            }
            if (s.StartsWith("user.", StringComparison.Ordinal) && namespaces.Has(NamespaceTypes.User)) continue;
            if (namespaces.Has(NamespaceTypes.Uts))
            {
                if (s == "kernel.domainname") continue;
                if (s == "kernel.hostname")
                {
                    findings.Error("linux.sysctl", $"sysctl {Q(key)} is not allowed as it conflicts with the OCI \"hostname\" field");
                    continue;
                }
            }
            findings.Error("linux.sysctl", $"sysctl {Q(key)} is not in a separate kernel namespace");
        }
    }

    private static void ValidateLinuxPaths(Linux linux, Findings findings)
    {
        if (!string.IsNullOrEmpty(linux.RootfsPropagation) && !Propagations.Contains(linux.RootfsPropagation))
            findings.Error("linux.rootfsPropagation", $"rootfsPropagation={linux.RootfsPropagation} is not supported");
        CheckAbsolute("linux.maskedPaths", linux.MaskedPaths);
        CheckAbsolute("linux.readonlyPaths", linux.ReadonlyPaths);

        void CheckAbsolute(string path, List<string>? list)
        {
            for (int i = 0; i < (list?.Count ?? 0); i++)
                if (list![i] is not { } p || !p.StartsWith('/'))
                    findings.Error($"{path}[{i}]", $"{Q(list[i] ?? "")} is not an absolute path");
        }
    }

    private static void ValidateDevices(Linux linux, Findings findings)
    {
        for (int i = 0; i < (linux.Devices?.Count ?? 0); i++)
        {
            var device = linux.Devices![i];
            string path = $"linux.devices[{i}]";
            if (device == null) { findings.Error(path, "must not be null"); continue; }
            if (!device.Path.StartsWith('/'))
                findings.Error(path + ".path", $"{Q(device.Path)} is not an absolute path");
            if (device.Type is not ("c" or "b" or "u" or "p"))
                findings.Error(path + ".type", $"unknown device type {Q(device.Type)}, must be c, b, u or p");
        }

        var rules = linux.Resources?.Devices;
        for (int i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i];
            string path = $"linux.resources.devices[{i}]";
            if (rule == null) { findings.Error(path, "must not be null"); continue; }
            if (rule.Type is not (null or "" or "a" or "b" or "c"))
                findings.Error(path + ".type", $"unknown device type {Q(rule.Type)}, must be a, b or c");
            if (rule.Access is { } access && (access.Length > 3 || access.AsSpan().ContainsAnyExcept("rwm")))
                findings.Error(path + ".access", $"invalid access {Q(access)}, must be a combination of r, w and m");
        }
    }

    private static void ValidatePersonality(LinuxPersonality? personality, Findings findings)
    {
        if (personality == null) return;
        if (personality.Domain is not ("LINUX" or "LINUX32"))
            findings.Error("linux.personality.domain", $"unknown domain {Q(personality.Domain)}, must be LINUX or LINUX32");
        if (personality.Flags is { Count: > 0 })
            findings.Error("linux.personality.flags", "personality flags are not supported");
    }

    private static void ValidateMemoryPolicy(LinuxMemoryPolicy? policy, Findings findings)
    {
        if (policy == null) return;
        if (!MemoryPolicyModes.Contains(policy.Mode))
            findings.Error("linux.memoryPolicy.mode", $"unknown mode {Q(policy.Mode)}");
        foreach (var flag in policy.Flags ?? [])
            if (!MemoryPolicyFlags.Contains(flag ?? ""))
                findings.Error("linux.memoryPolicy.flags", $"unknown flag {Q(flag ?? "")}");
    }
}
