namespace Runc.Cli;

/// <summary>
/// A command line that does not fit the command (unknown or duplicate flag, bad value, wrong
/// argument count). The front door prints "Incorrect Usage" and the help on stdout, logs the message, exit 1.
/// </summary>
public sealed class UsageException(string message) : RuncException(message);
