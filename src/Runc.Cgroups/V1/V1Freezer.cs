using Runc.Cgroups.Fs;

namespace Runc.Cgroups.V1;

/// <summary>
/// v1 freezer. Freezing can stall in FREEZING while tasks keep forking, so, like runc, write FROZEN and
/// re-read many times, thawing briefly now and then to let stragglers settle; give up thawed.
/// </summary>
public static class V1Freezer
{
    public static void Freeze(string dir)
    {
        for (int i = 0; i < 1000; i++)
        {
            if (i % 50 == 49)
            {
                CgroupFile.Write(dir, "freezer.state", "THAWED");
                Thread.Sleep(10);
            }
            CgroupFile.Write(dir, "freezer.state", "FROZEN");
            if (i % 25 == 24) Thread.Sleep(1);
            string state = CgroupFile.Read(dir, "freezer.state").Trim();
            if (state == "FROZEN") return;
            if (state != "FREEZING") throw new RuncException("unexpected freezer state \"" + state + "\" while freezing");
        }
        CgroupFile.Write(dir, "freezer.state", "THAWED");
        throw new RuncException("unable to freeze");
    }

    public static void Thaw(string dir)
    {
        for (int i = 0; i < 1000; i++)
        {
            CgroupFile.Write(dir, "freezer.state", "THAWED");
            if (CgroupFile.Read(dir, "freezer.state").Trim() == "THAWED") return;
            Thread.Sleep(1);
        }
        throw new RuncException("unable to thaw");
    }

    public static FreezerState State(string dir)
    {
        string? s = CgroupFile.TryRead(dir, "freezer.state")?.Trim();
        return s switch
        {
            "FROZEN" => FreezerState.Frozen,
            "FREEZING" => FreezerState.Frozen, // runc reports a stuck FREEZING as paused-in-progress; treat as frozen
            "THAWED" => FreezerState.Thawed,
            _ => FreezerState.Undefined,
        };
    }
}
