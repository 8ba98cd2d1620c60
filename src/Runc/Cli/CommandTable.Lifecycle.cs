namespace Runc.Cli;

// Commands that make, start, enter, signal and remove containers.
public static partial class CommandTable
{
    private const string BundleDescription = """
        The create command makes an instance of a container from a bundle: a directory
        holding a specification file named "config.json" and a root filesystem.

        The "args" of the specification's "process" say what runs once the container is
        started; see "nrunc spec --help".
        """;

    public static readonly CommandDef CreateCommand = new()
    {
        Name = "create",
        Usage = "create a container",
        ArgsUsage = IdArgsNewContainer,
        Description = BundleDescription,
        Flags = [BundleFlag, ConsoleSocketFlag, PidfdSocketFlag, PidFileFlag, NoPivotFlag, NoNewKeyringFlag, PreserveFdsFlag],
        Args = ArgRule.Exactly(1),
        ErrorPrefix = "nrunc create failed: ",
    };

    public static readonly CommandDef RunCommand = new()
    {
        Name = "run",
        Usage = "create and run a container",
        ArgsUsage = IdArgsNewContainer,
        Description = BundleDescription.Replace("The create command makes", "The run command makes", StringComparison.Ordinal)
            + "\nThe container is started at once; nrunc waits for it unless --detach is given.",
        Flags = [BundleFlag, ConsoleSocketFlag, PidfdSocketFlag, DetachFlag, FlagDef.Bool("keep", "do not delete the container after it exits"),
            PidFileFlag, NoSubreaperFlag, NoPivotFlag, NoNewKeyringFlag, PreserveFdsFlag],
        Args = ArgRule.Exactly(1),
        ErrorPrefix = "nrunc run failed: ",
    };

    public static readonly CommandDef StartCommand = new()
    {
        Name = "start",
        Usage = "executes the user defined process in a created container",
        ArgsUsage = IdArgsNewContainer,
        Description = "The start command runs the user defined process of a created container.",
        Args = ArgRule.Exactly(1),
    };

    public static readonly CommandDef ExecCommand = new()
    {
        Name = "exec",
        Usage = "execute new process inside the container",
        ArgsUsage = """
            <container-id> <command> [command options]  || -p process.json <container-id>

            Where "<container-id>" is the name for the instance of the container and
            "<command>" is the command to be executed in the container.
            "<command>" can't be empty unless a "-p" flag provided.

            EXAMPLE:
            To list the processes of a container whose image has ps(1):

                   # nrunc exec <container-id> ps
            """,
        Flags =
        [
            ConsoleSocketFlag,
            PidfdSocketFlag,
            FlagDef.String("cwd", "current working directory in the container"),
            FlagDef.Strings("env, e", "set environment variables"),
            FlagDef.Bool("tty, t", "allocate a pseudo-TTY"),
            FlagDef.String("user, u", "UID (format: <uid>[:<gid>])"),
            FlagDef.Strings("additional-gids, g", "additional gids"),
            FlagDef.String("process, p", "path to the process.json"),
            DetachFlag,
            PidFileFlag,
            FlagDef.String("process-label", "set the asm process label for the process commonly used with selinux"),
            FlagDef.String("apparmor", "set the apparmor profile for the process"),
            FlagDef.Bool("no-new-privs", "set the no new privileges value for the process"),
            FlagDef.Strings("cap, c", "add a capability to the bounding set for the process"),
            PreserveFdsFlag,
            FlagDef.Strings("cgroup", "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>."),
            FlagDef.Bool("ignore-paused", "allow exec in a paused container"),
        ],
        Args = ArgRule.Minimum(1),
        SkipArgReorder = true,
        ErrorPrefix = "exec failed: ",
        // runc: fatalWithCode(err, 255), so callers can tell a failed exec from the workload's own status.
        FailureExitCode = 255,
    };

    public static readonly CommandDef KillCommand = new()
    {
        Name = "kill",
        Usage = "kill sends the specified signal (default: SIGTERM) to the container's init process",
        ArgsUsage = """
            <container-id> [signal]

            Where "<container-id>" is the name for the instance of the container and
            "[signal]" is the signal to be sent to the init process.

            EXAMPLE:
            To send KILL to the init process of container "ubuntu01":

                   # nrunc kill ubuntu01 KILL
            """,
        Flags = [FlagDef.Bool("all, a", "send the specified signal to all processes inside the container")],
        Args = ArgRule.Between(1, 2),
    };

    public static readonly CommandDef DeleteCommand = new()
    {
        Name = "delete",
        Usage = "delete any resources held by the container often used with detached container",
        ArgsUsage = """
            <container-id>

            Where "<container-id>" is the name for the instance of the container.

            EXAMPLE:
            Once "nrunc list" shows container "ubuntu01" as "stopped", this removes what it
            still holds and drops it from the list:

                   # nrunc delete ubuntu01
            """,
        Flags = [FlagDef.Bool("force, f", "Forcibly deletes the container if it is still running (uses SIGKILL)")],
        Args = ArgRule.Exactly(1),
    };

    /// <summary>The container's first process, started by nrunc itself; not for people (hidden, as in runc).</summary>
    public static readonly CommandDef InitCommand = new()
    {
        Name = "init",
        Usage = "initialize the namespaces and launch the process (do not call it outside of nrunc)",
        Hidden = true,
    };
}
