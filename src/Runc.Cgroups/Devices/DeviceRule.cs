using Runc.Oci;

namespace Runc.Cgroups.Devices;

/// <summary>
/// One device-cgroup rule in kernel terms: type 'a' (all), 'c' or 'b'; major/minor -1 = any ("*");
/// access a non-empty subset of "rwm".
/// </summary>
public sealed record DeviceRule(char Type, long Major, long Minor, string Access, bool Allow)
{
    public const long Wildcard = -1;

    /// <summary>The OCI rule with runc's defaults: no type = 'a', no major/minor = '*', no access = "rwm".</summary>
    public static DeviceRule FromOci(LinuxDeviceCgroup d)
    {
        string type = string.IsNullOrEmpty(d.Type) ? "a" : d.Type;
        if (type is not ("a" or "b" or "c"))
            throw new SpecException("invalid device cgroup type \"" + d.Type + "\": must be a, b or c");
        string access = string.IsNullOrEmpty(d.Access) ? "rwm" : d.Access;
        if (access.AsSpan().ContainsAnyExcept("rwm"))
            throw new SpecException("invalid device cgroup access \"" + d.Access + "\": must be a combination of r, w, m");
        return new DeviceRule(type[0], d.Major ?? Wildcard, d.Minor ?? Wildcard, access, d.Allow);
    }

    /// <summary>The text v1's devices.allow/devices.deny take: "c 1:3 rwm", "a".</summary>
    public string ToV1String()
    {
        if (Type == 'a') return "a";
        return Type + " " + Num(Major) + ":" + Num(Minor) + " " + Access;
    }

    private static string Num(long n) => n == Wildcard ? "*" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
