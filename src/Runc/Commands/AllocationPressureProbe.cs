namespace Runc.Commands;

/// <summary>
/// Test hook for the clone-point guard (DESIGN §3): with NRUNC_TEST_ALLOCATION_PRESSURE=1 a background thread
/// allocates without pause, the situation in which a clone could deadlock its child. The privileged suite
/// uses it to show that nrunc refuses to clone instead of hanging. Nothing else starts threads in nrunc.
/// </summary>
internal static class AllocationPressureProbe
{
    private static volatile object? s_sink;

    public static void StartIfAsked()
    {
        if (Environment.GetEnvironmentVariable("NRUNC_TEST_ALLOCATION_PRESSURE") != "1") return;
        var t = new Thread(() => { while (true) s_sink = new byte[4096]; }) { IsBackground = true };
        t.Start();
        while (s_sink is null) Thread.Yield();
    }
}
