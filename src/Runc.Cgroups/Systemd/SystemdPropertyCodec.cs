namespace Runc.Cgroups.Systemd;

/// <summary>D-Bus signatures of unit property values (the variant types of StartTransientUnit's and
/// SetUnitProperties' a(sv)).</summary>
public static class SystemdPropertyCodec
{
    public static string Signature(object value) => value switch
    {
        DBus.DBusVariant v => v.Signature,
        ulong => "t",
        bool => "b",
        string => "s",
        byte[] => "ay",
        uint[] => "au",
        IReadOnlyList<(string, string)> => "a(ss)",
        _ => throw new RuncException("unsupported systemd property value of type " + value.GetType().Name),
    };
}
