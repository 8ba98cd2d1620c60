namespace Runc.Cli;

// Commands that look at containers, freeze them, or describe nrunc itself.
public static partial class CommandTable
{
    public static readonly CommandDef StateCommand = new()
    {
        Name = "state",
        Usage = "output the state of a container",
        ArgsUsage = """
            <container-id>

            Where "<container-id>" is your name for the instance of the container.
            """,
        Description = "The state command prints the current state of a container as JSON.",
        Args = ArgRule.Exactly(1),
    };

    public static readonly CommandDef ListCommand = new()
    {
        Name = "list",
        Usage = "lists containers started by nrunc with the given root",
        ArgsUsage = $"""


            The root is the global option "--root" (default: "{DefaultRoot}").

            EXAMPLE 1:
            To list containers under the default "--root":
                   # nrunc list

            EXAMPLE 2:
            To list containers under another root:
                   # nrunc --root value list
            """,
        Flags =
        [
            FlagDef.String("format, f", "select one of: table or json", "table"),
            FlagDef.Bool("quiet, q", "display only container IDs"),
        ],
        Args = ArgRule.Exactly(0),
    };

    public static readonly CommandDef PsCommand = new()
    {
        Name = "ps",
        Usage = "ps displays the processes running inside a container",
        ArgsUsage = "<container-id> [ps options]",
        Flags = [FlagDef.String("format, f", "select one of: table or json", "table")],
        Args = ArgRule.Minimum(1),
        // Everything after the id is handed to ps(1), so "-o pid,comm" must not be read as our flags.
        SkipArgReorder = true,
    };

    public static readonly CommandDef EventsCommand = new()
    {
        Name = "events",
        Usage = "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
        ArgsUsage = """
            <container-id>

            Where "<container-id>" is the name for the instance of the container.
            """,
        Description = """
            The events command prints what happens to a container (statistics, OOM
            notifications) as JSON lines. By default statistics come every 5 seconds.
            """,
        Flags =
        [
            FlagDef.Duration("interval", "set the stats collection interval", "5s"),
            FlagDef.Bool("stats", "display the container's stats then exit"),
        ],
        Args = ArgRule.Exactly(1),
    };

    public static readonly CommandDef PauseCommand = new()
    {
        Name = "pause",
        Usage = "pause suspends all processes inside the container",
        ArgsUsage = IdArgs("to be\npaused."),
        Description = """
            The pause command freezes every process of a container.

            Use nrunc list to see containers and their status.
            """,
        Args = ArgRule.Exactly(1),
    };

    public static readonly CommandDef ResumeCommand = new()
    {
        Name = "resume",
        Usage = "resumes all processes that have been previously paused",
        ArgsUsage = IdArgs("to be\nresumed."),
        Description = """
            The resume command thaws every process of a paused container.

            Use nrunc list to see containers and their status.
            """,
        Args = ArgRule.Exactly(1),
    };

    public static readonly CommandDef SpecCommand = new()
    {
        Name = "spec",
        Usage = "create a new specification file",
        Description = """
            The spec command writes a starter "config.json" into the bundle directory (the
            current directory unless --bundle is given). It refuses to overwrite one.

            The starter runs "sh" in a terminal; edit "process.args" for anything else, for
            example:

                mkdir -p hello/rootfs && cd hello
                tar -C rootfs -xf busybox.tar
                nrunc spec
                sed -i 's;"sh";"/bin/echo", "hello";' config.json
                nrunc run container1

            "container1" is the name of this instance of the container; it must be unique
            on the host.

            With --rootless the file is made for a container run by an unprivileged user
            (user namespace with the caller's uid/gid mapped to root). It is not needed when
            nrunc already runs as root inside a user namespace.

            """,
        Flags =
        [
            FlagDef.String("bundle, b", "path to the root of the bundle directory"),
            FlagDef.Bool("rootless", "generate a configuration for a rootless container"),
        ],
        Args = ArgRule.Exactly(0),
    };

    public static readonly CommandDef FeaturesCommand = new()
    {
        Name = "features",
        Usage = "show the enabled features",
        Description = """
            Show the enabled features.
               The result is JSON, in the runtime-spec "features" format.

            """,
        Args = ArgRule.Exactly(0),
    };
}
