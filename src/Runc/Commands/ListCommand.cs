using System.Text;
using Runc.Cli;
using Runc.Oci;
using Runc.Runtime.Logging;

namespace Runc.Commands;

internal static class ListCommand
{
    public static int Run(Invocation inv)
    {
        var store = Dispatcher.Store(inv);
        var views = new List<ContainerStateView>();
        foreach (var id in store.ListIds())
        {
            try
            {
                var view = StateCommand.View(store, store.Load(id));
                view.Owner = OwnerOf(store.DirOf(id));
                views.Add(view);
            }
            catch (RuncException e) { Logger.Warn($"skipping container {id}: {e.Message}"); }
        }
        string format = inv.GetString("format");
        if (inv.GetBool("quiet"))
        {
            var sb = new StringBuilder();
            foreach (var v in views) sb.Append(v.Id).Append('\n');
            Dispatcher.Out(sb.ToString());
            return 0;
        }
        switch (format)
        {
            case "json":
                Dispatcher.Out(StateViewJson.List(views) + "\n");
                return 0;
            case "table":
                Dispatcher.Out(Table(views));
                return 0;
            default:
                throw new RuncException($"invalid format option");
        }
    }

    /// <summary>runc's text/tabwriter layout: minwidth 12, tab width 1, padding 3, spaces.</summary>
    private static string Table(List<ContainerStateView> views)
    {
        var rows = new List<string[]> { new[] { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" } };
        foreach (var v in views)
            rows.Add([v.Id, v.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), v.Status, v.Bundle,
                Rfc3339.FormatNanoUtc(v.Created), v.Owner]);
        var widths = new int[6];
        foreach (var r in rows) for (int i = 0; i < 5; i++) widths[i] = Math.Max(widths[i], Math.Max(12 - 3, r[i].Length));
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int i = 0; i < 5; i++) sb.Append(r[i].PadRight(widths[i] + 3));
            sb.Append(r[5]).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>uid → user name, filled once per `list` (reading /etc/passwd per container was a tenth of `list`).</summary>
    private static Dictionary<string, string>? s_owners;

    private static string OwnerOf(string dir)
    {
        if (Runc.Linux.Interop.Libc.FstatAt(Runc.Linux.Interop.Libc.AT_FDCWD, dir, out var st, 0) != 0) return "";
        s_owners ??= ReadPasswd();
        return s_owners.TryGetValue(st.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), out string? name) ? name : "#" + st.Uid;
    }

    /// <summary>The first name of each uid in /etc/passwd (as the line-by-line search found it).</summary>
    private static Dictionary<string, string> ReadPasswd()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2) names.TryAdd(f[2], f[0]);
            }
        }
        catch (IOException) { }
        return names;
    }
}
