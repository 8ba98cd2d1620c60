namespace Runc.Cli;

/// <summary>
/// The parsed values of one flag set (the globals, or one command's flags). Lookups take any of a
/// flag's names without dashes: <c>GetString("bundle")</c> and <c>GetString("b")</c> are the same.
/// </summary>
public sealed class FlagValues
{
    private readonly IReadOnlyList<FlagDef> _defs;
    private readonly Dictionary<FlagDef, Slot> _slots = new(ReferenceEqualityComparer.Instance);

    internal FlagValues(IReadOnlyList<FlagDef> defs)
    {
        _defs = defs;
        foreach (var def in defs)
        {
            var slot = new Slot();
            if (def.Default is { } d) Assign(def, slot, d);
            slot.IsSet = false;
            _slots[def] = slot;
        }
    }

    /// <summary>True if the flag was given on the command line under any of its names.</summary>
    public bool IsSet(string name) => SlotOf(name, null).IsSet;

    public bool GetBool(string name) => SlotOf(name, FlagKind.Bool).Bool;
    public string GetString(string name) => SlotOf(name, FlagKind.String).String ?? "";
    public IReadOnlyList<string> GetStrings(string name) => SlotOf(name, FlagKind.StringSlice).Strings ?? (IReadOnlyList<string>)[];
    /// <summary>A Go int flag (64-bit).</summary>
    public long GetInt(string name) => SlotOf(name, FlagKind.Int).Int;
    public ulong GetUint(string name) => SlotOf(name, FlagKind.Uint).Uint;
    /// <summary>A duration flag; Go keeps nanoseconds, TimeSpan keeps 100 ns ticks (nothing nrunc needs is finer).</summary>
    public TimeSpan GetDuration(string name) => TimeSpan.FromTicks(SlotOf(name, FlagKind.Duration).Nanoseconds / 100);

    /// <summary>Names as they were used on the command line, in order (Go's flag.Visit, by name).</summary>
    internal List<string> VisitedNames { get; } = [];

    internal FlagDef? Find(string name)
    {
        foreach (var def in _defs)
            foreach (var n in def.Names)
                if (n == name) return def;
        return null;
    }

    /// <summary>Go's Value.Set for the flag's kind; returns null or the Go error text.</summary>
    internal string? Set(FlagDef def, string value)
    {
        var slot = _slots[def];
        string? error = Assign(def, slot, value);
        if (error is null) slot.IsSet = true;
        return error;
    }

    private static string? Assign(FlagDef def, Slot slot, string value)
    {
        string? error = null;
        switch (def.Kind)
        {
            case FlagKind.Bool: error = GoValues.ParseBool(value, out bool b); if (error is null) slot.Bool = b; break;
            case FlagKind.String: slot.String = value; break;
            case FlagKind.StringSlice: (slot.Strings ??= []).Add(value); break;
            case FlagKind.Int: error = GoValues.ParseInt(value, out long l); if (error is null) slot.Int = l; break;
            case FlagKind.Uint: error = GoValues.ParseUint(value, out ulong u); if (error is null) slot.Uint = u; break;
            case FlagKind.Duration: error = GoValues.ParseDuration(value, out long ns); if (error is null) slot.Nanoseconds = ns; break;
        }
        return error;
    }

    private Slot SlotOf(string name, FlagKind? kind)
    {
        var def = Find(name) ?? throw new ArgumentException($"no flag named \"{name}\" in this command", nameof(name));
        if (kind is { } k && def.Kind != k)
            throw new ArgumentException($"flag \"{name}\" is a {def.Kind} flag, not {k}", nameof(name));
        return _slots[def];
    }

    private sealed class Slot
    {
        public bool IsSet;
        public bool Bool;
        public string? String;
        public List<string>? Strings;
        public long Int;
        public ulong Uint;
        public long Nanoseconds;
    }
}
