namespace Runc.Cgroups.Devices;

/// <summary>
/// Replays rules with cgroup v1 semantics to get the effective policy: a default (allow or deny) plus
/// exceptions that all have the opposite action. An 'a' rule resets everything. Like runc's emulator it
/// refuses to "punch a hole" in a wildcard exception (v1 would silently ignore it).
/// </summary>
public sealed class DeviceRuleSet
{
    private readonly List<(char Type, long Major, long Minor)> _order = [];
    private readonly Dictionary<(char, long, long), string> _access = [];

    /// <summary>Starts as v1 starts a new cgroup for a container: deny everything (allow-list mode).</summary>
    public bool DefaultAllow { get; private set; }

    /// <summary>Exceptions to the default, in first-seen order (their action is !DefaultAllow).</summary>
    public IReadOnlyList<DeviceRule> Exceptions
    {
        get
        {
            var exceptions = new List<DeviceRule>(_access.Count);
            foreach (var k in _order)
                if (_access.TryGetValue(k, out string? access)) exceptions.Add(new DeviceRule(k.Type, k.Major, k.Minor, access, !DefaultAllow));
            return exceptions;
        }
    }

    public static DeviceRuleSet FromRules(IEnumerable<DeviceRule> rules)
    {
        var set = new DeviceRuleSet();
        foreach (var r in rules) set.Apply(r);
        return set;
    }

    public void Apply(DeviceRule rule)
    {
        if (rule.Type == 'a')
        {
            DefaultAllow = rule.Allow;
            _order.Clear();
            _access.Clear();
            return;
        }
        if (rule.Allow != DefaultAllow) Add(rule); else Remove(rule);
    }

    private void Add(DeviceRule r)
    {
        var key = (r.Type, r.Major, r.Minor);
        if (_access.TryGetValue(key, out string? old)) _access[key] = Union(old, r.Access);
        else
        {
            _access[key] = Normalize(r.Access);
            _order.Add(key);
        }
    }

    private void Remove(DeviceRule r)
    {
        (char, long, long)[] partials =
            [(r.Type, DeviceRule.Wildcard, r.Minor), (r.Type, r.Major, DeviceRule.Wildcard), (r.Type, DeviceRule.Wildcard, DeviceRule.Wildcard)];
        foreach (var p in partials)
        {
            if (p == (r.Type, r.Major, r.Minor)) continue;
            if (_access.TryGetValue(p, out string? have) && have.AsSpan().ContainsAny(r.Access))
                throw new RuncException("device rule \"" + r.ToV1String() + "\" is not supported by the devices cgroup: " +
                    "cannot punch a hole in the wildcard rule \"" + new DeviceRule(p.Item1, p.Item2, p.Item3, have, !DefaultAllow).ToV1String() + "\"");
        }
        var key = (r.Type, r.Major, r.Minor);
        if (!_access.TryGetValue(key, out string? cur)) return;
        string left = Letters(cur, r.Access, inSet: false);
        if (left.Length == 0) _access.Remove(key); else _access[key] = left;
    }

    private static string Union(string a, string b) => Normalize(a + b);

    /// <summary>Access letters deduplicated in "rwm" order.</summary>
    private static string Normalize(string access) => Letters("rwm", access, inSet: true);

    /// <summary>The letters of <paramref name="source"/>, in its order, that are in <paramref name="set"/> (or, with
    /// <paramref name="inSet"/> false, that are not).</summary>
    private static string Letters(string source, string set, bool inSet)
    {
        var kept = new char[source.Length];
        int n = 0;
        foreach (char c in source)
            if (set.Contains(c) == inSet) kept[n++] = c;
        return new string(kept, 0, n);
    }
}
