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
                GoTime.Format(v.Created), v.Owner]);
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

    private static string OwnerOf(string dir)
    {
        if (Runc.Linux.Interop.Libc.FstatAt(Runc.Linux.Interop.Libc.AT_FDCWD, dir, out var st, 0) != 0) return "";
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2 && f[2] == st.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture)) return f[0];
            }
        }
        catch (IOException) { }
        return "#" + st.Uid;
    }
}
