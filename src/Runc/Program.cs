namespace Runc;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Out.Write("nrunc version 0.1.0\n");
        return 0;
    }
}
