using Runc.Cgroups.Fs;

namespace Runc.Cgroups.V2;

/// <summary>cgroup2 freezer: write cgroup.freeze, then wait until cgroup.events says "frozen 1" (or 0).</summary>
public static class V2Freezer
{
    public static void Set(string dir, bool frozen)
    {
        if (!CgroupFile.Exists(dir, "cgroup.freeze"))
        {
            if (!frozen) return; // nothing can be frozen without the file
            throw new RuncException("cgroup freezer is not available (no cgroup.freeze in \"" + dir + "\")");
        }
        CgroupFile.Write(dir, "cgroup.freeze", frozen ? "1" : "0");
        string want = frozen ? "1" : "0";
        for (int i = 0; i < 1000; i++)
        {
            if (Events(dir) == want) return;
            Thread.Sleep(10);
        }
        throw new RuncException("timeout of 10s reached waiting for the cgroup to " + (frozen ? "freeze" : "thaw"));
    }

    public static FreezerState State(string dir)
    {
        string? freeze = CgroupFile.TryRead(dir, "cgroup.freeze")?.Trim();
        if (freeze == null) return FreezerState.Undefined;
        if (freeze == "0") return FreezerState.Thawed;
        // Requested; report frozen only once the kernel has actually stopped everyone.
        return Events(dir) == "1" ? FreezerState.Frozen : FreezerState.Thawed;
    }

    private static string? Events(string dir)
    {
        string? text = CgroupFile.TryRead(dir, "cgroup.events");
        if (text == null) return null;
        foreach (string line in text.Split('\n'))
            if (line.StartsWith("frozen ", StringComparison.Ordinal)) return line[7..].Trim();
        return null;
    }
}
