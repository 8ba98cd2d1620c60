using Runc.Oci.Kernel;

namespace Runc.Oci;

public static partial class SpecValidator
{
    private static void ValidateNamespaces(List<LinuxNamespace>? namespaces, Findings findings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (namespaces?.Count ?? 0); i++)
        {
            var ns = namespaces![i];
            string path = $"linux.namespaces[{i}]";
            if (ns == null) { findings.Error(path, "must not be null"); continue; }
            if (!NamespaceTypes.TryGet(ns.Type, out _))
                findings.Error(path, $"unknown namespace type {Q(ns.Type)}");
            else if (!seen.Add(ns.Type))
                findings.Error(path, $"duplicate namespace {Q(ns.Type)}");
            if (!string.IsNullOrEmpty(ns.Path) && !ns.Path.StartsWith('/'))
                findings.Error(path + ".path", $"{Q(ns.Path)} is not an absolute path");
        }
    }

    private static void ValidateIdMappings(Linux linux, NamespaceSet namespaces, Findings findings)
    {
        bool hasUid = linux.UidMappings is { Count: > 0 };
        bool hasGid = linux.GidMappings is { Count: > 0 };
        if (!namespaces.Has(NamespaceTypes.User))
        {
            // runc 1.1.5 ignores these silently; runc HEAD refuses, and so do we: a config that
            // asks for mappings and does not get them runs with more privilege than it expects.
            if (hasUid || hasGid)
                findings.Error(hasUid ? "linux.uidMappings" : "linux.gidMappings",
                    "user namespace mappings specified, but user namespace isn't enabled");
        }
        else if (!namespaces.IsJoined(NamespaceTypes.User))
        {
            // A new user namespace without mappings leaves everyone as the overflow id.
            if (!hasUid) findings.Error("linux.uidMappings", "user namespaces enabled, but no uid mappings found");
            if (!hasGid) findings.Error("linux.gidMappings", "user namespaces enabled, but no gid mappings found");
        }
        CheckSizes("linux.uidMappings", linux.UidMappings);
        CheckSizes("linux.gidMappings", linux.GidMappings);

        void CheckSizes(string path, List<LinuxIdMapping>? mappings)
        {
            for (int i = 0; i < (mappings?.Count ?? 0); i++)
            {
                var m = mappings![i];
                if (m == null) findings.Error($"{path}[{i}]", "must not be null");
                else if (m.Size == 0) findings.Error($"{path}[{i}].size", "must be greater than zero");
                else if ((ulong)m.ContainerId + m.Size > 1UL << 32 || (ulong)m.HostId + m.Size > 1UL << 32)
                    findings.Error($"{path}[{i}]", "range overflows 32-bit ids");
            }
        }
    }

    private static void ValidateTimeOffsets(Dictionary<string, LinuxTimeOffset>? offsets, NamespaceSet namespaces, Findings findings)
    {
        if (offsets is not { Count: > 0 }) return;
        if (!namespaces.Has(NamespaceTypes.Time))
            findings.Error("linux.timeOffsets", "time offsets specified, but time namespace isn't enabled");
        else if (namespaces.IsJoined(NamespaceTypes.Time))
            // Offsets can only be written into a fresh time namespace, before any process enters it.
            findings.Error("linux.timeOffsets", "time offsets cannot be set on a joined time namespace (namespace path given)");
        foreach (var clock in SortedKeys.Of(offsets))
        {
            var offset = offsets[clock];
            if (clock is not ("monotonic" or "boottime"))
                findings.Error($"linux.timeOffsets.{clock}", "unknown clock, must be monotonic or boottime");
            if (offset != null && offset.Nanosecs >= 1_000_000_000)
                findings.Error($"linux.timeOffsets.{clock}.nanosecs", $"{offset.Nanosecs} is out of range [0, 999999999]");
        }
    }

    private static void ValidateNetDevices(Dictionary<string, LinuxNetDevice>? devices, NamespaceSet namespaces, Findings findings)
    {
        if (devices is not { Count: > 0 }) return;
        if (!namespaces.Has(NamespaceTypes.Network))
            findings.Error("linux.netDevices", "unable to move network devices without a private network namespace");
        foreach (var name in SortedKeys.Of(devices))
            if (name.Length == 0 || name.Length > 15 || name.Contains('/') || name is "." or "..")
                findings.Error("linux.netDevices", $"invalid network device name {Q(name)}");
    }
}
