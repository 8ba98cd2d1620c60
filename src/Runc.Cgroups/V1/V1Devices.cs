using Runc.Cgroups.Devices;
using Runc.Cgroups.Fs;

namespace Runc.Cgroups.V1;

/// <summary>
/// devices controller (v1). Starts from "deny all" (devices.deny "a") so a rule list is always an
/// allow-list, whatever the parent allowed (GHSA-g54h-m393-cpwq), then writes every rule in order.
/// </summary>
public static class V1Devices
{
    public static void Apply(string dir, IReadOnlyList<DeviceRule> rules)
    {
        // Validate with v1 semantics first (e.g. refuses a hole in a wildcard), before touching the cgroup.
        DeviceRuleSet.FromRules(rules);
        CgroupFile.Write(dir, "devices.deny", "a");
        (string File, string Rule) last = ("devices.deny", "a");
        foreach (var r in rules)
        {
            var write = (r.Allow ? "devices.allow" : "devices.deny", r.ToV1String());
            // A rule written twice in a row changes nothing (the config's own "deny all" right after ours, say).
            if (write == last) continue;
            CgroupFile.Write(dir, write.Item1, write.Item2);
            last = write;
        }
    }
}
