using System.Text;

namespace Runc.Cli;

/// <summary>
/// Help screens in urfave/cli v1's layout (NAME / USAGE / DESCRIPTION / OPTIONS), so people and scripts
/// used to runc find things where they expect them. Flag lines are aligned like Go's tabwriter does it.
/// </summary>
public static class HelpText
{
    private const string AppUsage = """
        Open Container Initiative runtime

        nrunc runs containers packaged in the Open Container Initiative (OCI) bundle
        format. It is a drop-in replacement for runc: it takes the same commands, flags
        and files, so containerd, podman/conmon, docker and CRI-O can use it unchanged.

        A bundle is a directory with a specification file named "config.json" and a
        root filesystem. To start a container from the bundle in the current directory:

            # nrunc run [ -b bundle ] <container-id>

        "<container-id>" is your name for this instance of the container; it must be
        unique on the host.
        """;

    public static string ForApp()
    {
        var sb = new StringBuilder();
        sb.Append("NAME:\n   ").Append(VersionInfo.Name).Append(" - ").Append(AppUsage).Append("\n\n");
        sb.Append("USAGE:\n   ").Append(VersionInfo.Name).Append(" [global options] command [command options] [arguments...]\n\n");
        sb.Append("VERSION:\n   ").Append(VersionInfo.Details).Append("\n\n");
        sb.Append("COMMANDS:");
        foreach (var c in CommandTable.Commands)
        {
            if (!c.Hidden) sb.Append("\n   ").Append(c.Name).Append('\t').Append(c.Usage);
        }
        sb.Append("\n   help, h\tShows a list of commands or help for one command");
        sb.Append("\n\nGLOBAL OPTIONS:\n   ");
        sb.AppendJoin("\n   ", VisibleFlagLines(CommandTable.GlobalFlags));
        sb.Append('\n');
        return AlignTabs(sb.ToString());
    }

    public static string ForCommand(CommandDef command)
    {
        var flags = VisibleFlagLines(command.Flags);
        var sb = new StringBuilder();
        sb.Append("NAME:\n   ").Append(VersionInfo.Name).Append(' ').Append(command.Name).Append(" - ").Append(command.Usage).Append("\n\n");
        sb.Append("USAGE:\n   ").Append(VersionInfo.Name).Append(' ').Append(command.Name);
        if (flags.Count > 0) sb.Append(" [command options]");
        sb.Append(' ').Append(command.ArgsUsage.Length > 0 ? command.ArgsUsage : "[arguments...]");
        if (command.Description.Length > 0) sb.Append("\n\nDESCRIPTION:\n   ").Append(command.Description);
        if (flags.Count > 0)
        {
            sb.Append("\n\nOPTIONS:\n   ");
            foreach (var line in flags) sb.Append(line).Append("\n   ");
        }
        sb.Append('\n');
        return AlignTabs(sb.ToString());
    }

    private static List<string> VisibleFlagLines(IReadOnlyList<FlagDef> flags)
    {
        var lines = new List<string>();
        foreach (var f in flags)
            if (!f.Hidden) lines.Add(FlagLine(f));
        return lines;
    }

    /// <summary>cli v1's flag line: "--bundle value, -b value\tusage (default: ...)".</summary>
    internal static string FlagLine(FlagDef flag)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < flag.Names.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(flag.Names[i].Length == 1 ? "-" : "--").Append(flag.Names[i]);
            if (flag.TakesValue) sb.Append(" value");
        }
        string shownDefault = flag.Kind switch
        {
            FlagKind.Bool => "",
            FlagKind.String or FlagKind.StringSlice => string.IsNullOrEmpty(flag.Default) ? "" : $" (default: \"{flag.Default}\")",
            _ => $" (default: {flag.Default ?? "0"})", // numbers and durations always show their default
        };
        sb.Append('\t').Append((flag.Usage + shownDefault).Trim());
        return sb.ToString();
    }

    /// <summary>
    /// Go's tabwriter(minwidth 1, padding 2) for text whose lines have at most one tab: each run of
    /// consecutive lines containing a tab gets its first cells padded to the run's widest cell plus two.
    /// </summary>
    internal static string AlignTabs(string text)
    {
        var lines = text.Split('\n');
        var sb = new StringBuilder(text.Length + 256);
        int i = 0;
        while (i < lines.Length)
        {
            if (!lines[i].Contains('\t'))
            {
                sb.Append(lines[i]);
                if (++i < lines.Length) sb.Append('\n');
                continue;
            }
            int end = i, width = 0;
            while (end < lines.Length && lines[end].Contains('\t'))
            {
                width = Math.Max(width, lines[end].IndexOf('\t'));
                end++;
            }
            for (; i < end; i++)
            {
                int tab = lines[i].IndexOf('\t');
                sb.Append(lines[i], 0, tab).Append(' ', width + 2 - tab).Append(lines[i], tab + 1, lines[i].Length - tab - 1);
                if (i + 1 < lines.Length) sb.Append('\n');
            }
        }
        return sb.ToString();
    }
}
