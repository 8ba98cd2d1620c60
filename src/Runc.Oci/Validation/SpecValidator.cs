using Runc.Oci.Kernel;

namespace Runc.Oci;

/// <summary>
/// Checks a parsed spec against the runtime-spec's rules and runc's extra ones, before nrunc
/// touches anything. Pure except that it stats <c>root.path</c>. It reports every problem it finds
/// (not just the first), each naming the JSON path of the offending value.
/// </summary>
public static partial class SpecValidator
{
    public static ValidationResult Validate(Spec spec, string bundleDir)
    {
        var findings = new Findings();
        var namespaces = NamespaceSet.From(spec.Linux?.Namespaces);

        ValidateVersion(spec.OciVersion, findings);
        ValidateProcess(spec.Process, findings);
        ValidateRoot(spec.Root, bundleDir, findings);
        ValidateMounts(spec.Mounts, findings);
        ValidateHooks(spec.Hooks, findings);
        ValidateHostnames(spec, namespaces, findings);
        ValidateAnnotations(spec.Annotations, findings);
        ValidateMapValues(spec, findings);
        if (spec.Linux is { } linux)
        {
            ValidateNamespaces(linux.Namespaces, findings);
            ValidateIdMappings(linux, namespaces, findings);
            ValidateSysctl(linux.Sysctl, namespaces, findings);
            ValidateLinuxPaths(linux, findings);
            ValidateDevices(linux, findings);
            ValidatePersonality(linux.Personality, findings);
            ValidateTimeOffsets(linux.TimeOffsets, namespaces, findings);
            ValidateNetDevices(linux.NetDevices, namespaces, findings);
            ValidateMemoryPolicy(linux.MemoryPolicy, findings);
            ValidateSeccomp(linux.Seccomp, findings);
        }
        return findings.ToResult();
    }

    /// <summary>Validates and throws the first error as a <see cref="SpecException"/>; returns the warnings for the caller to log.</summary>
    public static IReadOnlyList<string> ThrowIfInvalid(Spec spec, string bundleDir)
    {
        var result = Validate(spec, bundleDir);
        if (result.Errors.Count > 0) throw new SpecException(result.Errors[0]);
        return result.Warnings;
    }

    private static string Q(string s) => "\"" + s + "\"";

    /// <summary>
    /// A JSON object used as a map (<c>"sysctl":{"a.b":null}</c>, <c>"netDevices":{"eth0":null}</c>) must not hold a
    /// null value: Go decodes it as a zero value, nrunc names it (null array elements are refused by <see cref="SpecLoader"/>).
    /// </summary>
    private static void ValidateMapValues(Spec spec, Findings findings)
    {
        Check("annotations", spec.Annotations);
        Check("linux.sysctl", spec.Linux?.Sysctl);
        Check("linux.netDevices", spec.Linux?.NetDevices);
        Check("linux.timeOffsets", spec.Linux?.TimeOffsets);
        Check("linux.resources.rdma", spec.Linux?.Resources?.Rdma);
        Check("linux.resources.unified", spec.Linux?.Resources?.Unified);

        void Check<T>(string path, Dictionary<string, T>? map)
        {
            if (map == null) return;
            foreach (var key in SortedKeys.Of(map))
                if (map[key] is null) findings.Error($"{path}.{key}", "must not be null");
        }
    }

    /// <summary>ociVersion is REQUIRED and SemVer; runc 1.1.5 accepts it missing or "banana", we do not.</summary>
    private static void ValidateVersion(string? version, Findings f)
    {
        if (string.IsNullOrEmpty(version)) { f.Error("ociVersion", "required field is missing"); return; }
        var core = version.Split('-', '+')[0].Split('.');
        if (core.Length != 3 || Array.Exists(core, p => p.Length == 0 || p.AsSpan().ContainsAnyExceptInRange('0', '9')))
            f.Error("ociVersion", $"{Q(version)} is not a SemVer version");
        else if (core[0] != "1")
            f.Error("ociVersion", $"unsupported major version {Q(version)} (nrunc supports 1.x)");
    }

    /// <summary>Which namespace types the config mentions (created or joined: both count as "private" for runc's rules).</summary>
    private sealed class NamespaceSet
    {
        private readonly HashSet<string> _types = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

        public static NamespaceSet From(List<LinuxNamespace>? list)
        {
            var set = new NamespaceSet();
            foreach (var ns in list ?? [])
            {
                if (ns is null) continue;
                set._types.Add(ns.Type);
                if (!string.IsNullOrEmpty(ns.Path)) set._paths[ns.Type] = ns.Path;
            }
            return set;
        }

        public bool Has(string type) => _types.Contains(type);
        public bool IsJoined(string type) => _paths.ContainsKey(type);
    }

    private static void ValidateHostnames(Spec spec, NamespaceSet namespaces, Findings findings)
    {
        if (namespaces.Has(NamespaceTypes.Uts)) return;
        // runc@v1.1.5:libcontainer/configs/validate/validator.go (uts)
        if (!string.IsNullOrEmpty(spec.Hostname))
            findings.Error("hostname", "unable to set hostname without a private UTS namespace");
        if (!string.IsNullOrEmpty(spec.Domainname))
            findings.Error("domainname", "unable to set domainname without a private UTS namespace");
    }

    private static void ValidateAnnotations(Dictionary<string, string>? annotations, Findings findings)
    {
        if (annotations == null) return;
        if (annotations.ContainsKey("")) findings.Error("annotations", "keys must not be empty");
    }
}
