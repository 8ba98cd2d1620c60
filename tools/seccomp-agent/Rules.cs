using System.Globalization;

namespace SeccompAgent;

/// <summary>What the agent answers for one syscall.</summary>
public abstract record Answer
{
    /// <summary>Fail the syscall with this errno (resp.error = -errno).</summary>
    public sealed record Errno(int Number) : Answer { public override string ToString() => "errno:" + Number.ToString(CultureInfo.InvariantCulture); }

    /// <summary>Let the kernel run the syscall (SECCOMP_USER_NOTIF_FLAG_CONTINUE).</summary>
    public sealed record Continue : Answer { public override string ToString() => "continue"; }

    /// <summary>Pretend success: the syscall returns this value without running.</summary>
    public sealed record Return(long Result) : Answer { public override string ToString() => "value:" + Result.ToString(CultureInfo.InvariantCulture); }

    public static Answer Parse(string text)
    {
        if (text == "continue") return new Continue();
        int colon = text.IndexOf(':');
        if (colon > 0)
        {
            string kind = text[..colon], number = text[(colon + 1)..];
            if (kind == "errno" && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int e) && e is > 0 and < 4096)
                return new Errno(e);
            if (kind == "value" && long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                return new Return(v);
        }
        throw new ArgumentException($"bad answer \"{text}\" (errno:N with 0 < N < 4096, value:N or continue)");
    }
}

/// <summary>The command line: <c>--socket PATH --record DIR [--rule NAME=ANSWER]... [--default ANSWER]</c>.</summary>
public sealed class Options
{
    public string Socket { get; private set; } = "";
    public string RecordDir { get; private set; } = "";
    public Dictionary<string, Answer> Rules { get; } = new(StringComparer.Ordinal);
    /// <summary>For a notified syscall no rule names: ENOSYS, so a missing rule is visible rather than silently allowed.</summary>
    public Answer Default { get; private set; } = new Answer.Errno(38);

    public const string Usage =
        "usage: seccomp-agent --socket PATH --record DIR [--rule SYSCALL=ANSWER]... [--default ANSWER]\n" +
        "  ANSWER: errno:N | value:N | continue\n" +
        "  Writes DIR/state-N.json (the Nth runtime connection's ContainerProcessState) and DIR/events.log\n" +
        "  (one line per notification: conn=N pid=P syscall=NAME answer=A); once listening it creates DIR/ready\n" +
        "  and prints \"ready\".\n";

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--socket": o.Socket = Next(); break;
                case "--record": o.RecordDir = Next(); break;
                case "--default": o.Default = Answer.Parse(Next()); break;
                case "--rule":
                {
                    string rule = Next();
                    int eq = rule.IndexOf('=');
                    if (eq <= 0) throw new ArgumentException($"bad rule \"{rule}\" (SYSCALL=ANSWER)");
                    o.Rules[rule[..eq]] = Answer.Parse(rule[(eq + 1)..]);
                    break;
                }
                default: throw new ArgumentException($"unknown argument \"{args[i]}\"");
            }
        }
        if (o.Socket.Length == 0 || o.RecordDir.Length == 0) throw new ArgumentException("--socket and --record are required");
        return o;
    }

    public Answer For(string syscall) => Rules.TryGetValue(syscall, out var a) ? a : Default;
}
