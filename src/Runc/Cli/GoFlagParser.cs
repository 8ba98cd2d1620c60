namespace Runc.Cli;

/// <summary>
/// Go's flag.FlagSet.Parse plus urfave/cli v1's checks, which is what runc's command line is made of:
/// one or two dashes, <c>-f=v</c> or <c>-f v</c> (the next argument is taken blindly, even "-" or "--x"),
/// bools set only by presence or <c>=value</c>, parsing stops at the first positional or after <c>--</c>.
/// Errors carry Go's exact wording, which clients (podman's probe) match.
/// </summary>
internal static class GoFlagParser
{
    /// <summary>
    /// Parses <paramref name="args"/> into <paramref name="values"/>; returns the positionals left over.
    /// Call <see cref="CheckOneFormPerFlag"/> afterwards (cli runs that check as a separate step).
    /// </summary>
    public static List<string> Parse(FlagValues values, IReadOnlyList<string> args)
    {
        int i = 0;
        while (i < args.Count)
        {
            string s = args[i];
            if (s.Length < 2 || s[0] != '-') break; // first positional ("-" alone is one)
            int dashes = s[1] == '-' ? 2 : 1;
            if (dashes == 2 && s.Length == 2) { i++; break; } // "--" ends the flags and is dropped

            string name = s[dashes..];
            if (name.Length == 0 || name[0] == '-' || name[0] == '=')
                throw new UsageException("bad flag syntax: " + s);
            i++;

            string? value = null;
            int eq = name.IndexOf('=', 1);
            if (eq > 0) { value = name[(eq + 1)..]; name = name[..eq]; }

            var def = values.Find(name) ?? throw new UsageException("flag provided but not defined: -" + name);
            if (def.Kind == FlagKind.Bool)
            {
                if (values.Set(def, value ?? "true") is { } error)
                    throw new UsageException($"invalid boolean value \"{value}\" for -{name}: {error}");
            }
            else
            {
                if (value is null)
                {
                    if (i >= args.Count) throw new UsageException("flag needs an argument: -" + name);
                    value = args[i++];
                }
                if (values.Set(def, value) is { } error)
                    throw new UsageException($"invalid value \"{value}\" for flag -{name}: {error}");
            }
            values.VisitedNames.Add(name);
        }

        var rest = new List<string>(args.Count - i);
        for (; i < args.Count; i++) rest.Add(args[i]);
        return rest;
    }

    /// <summary>cli's normalizeFlags: <c>-e A --env B</c> is refused as "Cannot use two forms of the same flag: e env".</summary>
    public static void CheckOneFormPerFlag(FlagValues values)
    {
        var seenDefs = new Dictionary<FlagDef, string>(ReferenceEqualityComparer.Instance);
        foreach (var used in values.VisitedNames)
        {
            var def = values.Find(used)!;
            if (seenDefs.TryGetValue(def, out var other) && other != used)
            {
                // cli reports the names in declaration order: the later-declared one first.
                int a = Array.IndexOf(def.Names, used), b = Array.IndexOf(def.Names, other);
                var (first, second) = a < b ? (used, other) : (other, used);
                throw new UsageException($"Cannot use two forms of the same flag: {second} {first}");
            }
            seenDefs.TryAdd(def, used);
        }
    }

    /// <summary>
    /// cli v1's reorderArgs (the ≥1.22.2 form Debian's runc has): moves arguments naming a defined flag,
    /// plus the argument right after a flag without "=", in front of the positionals, so that
    /// <c>delete id --force</c> works. Faithful quirks: the word after a bool flag travels with it
    /// (<c>kill q1 --all 0</c> makes "0" the first positional), undefined flags like <c>-9</c> stay
    /// positional, and a "--" that is not a flag's value is moved to the front of the positionals.
    /// </summary>
    public static List<string> Reorder(IReadOnlyList<FlagDef> flags, IReadOnlyList<string> args)
    {
        var flagArgs = new List<string>();
        var positionals = new List<string>();
        bool nextMayBeValue = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (nextMayBeValue && !NamesFlag(flags, arg))
            {
                nextMayBeValue = false;
                flagArgs.Add(arg);
            }
            else if (arg == "--")
            {
                positionals.Insert(0, "--");
                for (int j = i + 1; j < args.Count; j++) positionals.Add(args[j]);
                break;
            }
            else if (NamesFlag(flags, arg))
            {
                flagArgs.Add(arg);
                nextMayBeValue = !arg.Contains('=');
            }
            else
            {
                positionals.Add(arg);
            }
        }
        flagArgs.AddRange(positionals);
        return flagArgs;
    }

    /// <summary>cli's argIsFlag: "-x", "--x", "-x=v" where x is one of the flags' names.</summary>
    private static bool NamesFlag(IReadOnlyList<FlagDef> flags, string arg)
    {
        if (arg is "-" or "--" || !arg.StartsWith('-')) return false;
        // cli strips two leading dashes and then one more, so even "---bundle" counts (Go then calls it bad syntax).
        string name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg;
        if (name.StartsWith('-')) name = name[1..];
        int eq = name.IndexOf('=');
        if (eq >= 0) name = name[..eq];
        foreach (var def in flags)
            foreach (var n in def.Names)
                if (n == name) return true;
        return false;
    }
}
