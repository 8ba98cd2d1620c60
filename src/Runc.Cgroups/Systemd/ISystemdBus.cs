namespace Runc.Cgroups.Systemd;

/// <summary>
/// The org.freedesktop.systemd1.Manager calls runc's systemd drivers make. Every method throws a
/// <see cref="RuncException"/> with a clear message when the bus or systemd fails.
/// </summary>
public interface ISystemdBus
{
    /// <summary>StartTransientUnit(name, "replace", props, []) and wait for its job (runc's startUnit: an existing
    /// unit is accepted; a failed job or a timeout resets the failed unit and throws).</summary>
    void StartUnit(string unit, IReadOnlyList<SystemdProperty> props);

    /// <summary>SetUnitProperties(name, runtime=true, props).</summary>
    void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> props);

    /// <summary>StopUnit(name, "replace") and wait for its job (a job result other than "done" is a warning).</summary>
    void StopUnit(string unit);

    /// <summary>ResetFailedUnit(name); failures are warnings, as in runc.</summary>
    void ResetFailedUnit(string unit);

    /// <summary>A property of the unit's type interface ("Scope", "Slice"): go-systemd's GetUnitTypeProperty.
    /// Strings come back as they are, a(ss) lists as their entry count.</summary>
    string GetUnitTypeProperty(string unit, string unitType, string name);

    /// <summary>The Manager's Version property as runc parses it (-1 when it cannot be read).</summary>
    int Version();
}

/// <summary>The bus could not be reached at all: nothing was asked of systemd.</summary>
public sealed class SystemdUnreachableException(string message) : RuncException(message);
