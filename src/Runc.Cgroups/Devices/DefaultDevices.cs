namespace Runc.Cgroups.Devices;

/// <summary>
/// runc's AllowedDevices (libcontainer/specconv), in runc's order. runc appends them after the spec's
/// linux.resources.devices rules, and then one allow rule per linux.devices node.
/// </summary>
public static class DefaultDevices
{
    public static readonly IReadOnlyList<DeviceRule> Rules =
    [
        new('c', DeviceRule.Wildcard, DeviceRule.Wildcard, "m", true), // mknod of any char device
        new('b', DeviceRule.Wildcard, DeviceRule.Wildcard, "m", true), // mknod of any block device
        new('c', 1, 3, "rwm", true),   // /dev/null
        new('c', 1, 8, "rwm", true),   // /dev/random
        new('c', 1, 7, "rwm", true),   // /dev/full
        new('c', 5, 0, "rwm", true),   // /dev/tty
        new('c', 1, 5, "rwm", true),   // /dev/zero
        new('c', 1, 9, "rwm", true),   // /dev/urandom
        new('c', 136, DeviceRule.Wildcard, "rwm", true), // /dev/pts/*
        new('c', 5, 2, "rwm", true),   // /dev/ptmx
        new('c', 10, 200, "rwm", true), // /dev/net/tun
    ];

    /// <summary>The full rule list runc installs: spec rules, then the defaults, then one rule per device node.</summary>
    public static List<DeviceRule> ForContainer(IEnumerable<DeviceRule> specRules, IEnumerable<DeviceRule>? deviceNodes = null)
    {
        var all = new List<DeviceRule>(specRules);
        all.AddRange(Rules);
        if (deviceNodes != null) all.AddRange(deviceNodes);
        return all;
    }
}
