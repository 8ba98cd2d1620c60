namespace Runc;

internal static class Program
{
    private static int Main(string[] args) => Cli.App.Run(args, Commands.Dispatcher.Dispatch);
}
