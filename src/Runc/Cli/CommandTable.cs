namespace Runc.Cli;

/// <summary>
/// Every command and flag nrunc accepts: runc 1.1.5's set (checked against `runc CMD --help`), plus
/// <c>--pidfd-socket</c> from runc 1.2. The order of <see cref="Commands"/> is the order of the help listing.
/// Commands live in the partial files CommandTable.*.cs, grouped by what they do.
/// </summary>
public static partial class CommandTable
{
    /// <summary>Default state directory when neither --root nor the XDG rule applies.</summary>
    public const string DefaultRoot = "/run/nrunc";

    public static readonly FlagDef Debug = FlagDef.Bool("debug", "enable debug logging");
    public static readonly FlagDef Log = FlagDef.String("log", "set the log file to write nrunc logs to (default is '/dev/stderr')");
    public static readonly FlagDef LogFormat = FlagDef.String("log-format", "set the log format ('text' (default), or 'json')", "text");
    public static readonly FlagDef Root = FlagDef.String("root", "root directory for storage of container state (this should be located in tmpfs)", DefaultRoot);
    public static readonly FlagDef Criu = FlagDef.String("criu", "path to the criu binary used for checkpoint and restore", "criu");
    public static readonly FlagDef SystemdCgroup = FlagDef.Bool("systemd-cgroup",
        "enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\" for e.g. \"system.slice:nrunc:434234\"");
    public static readonly FlagDef Rootless = FlagDef.String("rootless", "ignore cgroup permission errors ('true', 'false', or 'auto')", "auto");
    public static readonly FlagDef Help = FlagDef.Bool("help, h", "show help");
    public static readonly FlagDef Version = FlagDef.Bool("version, v", "print the version");

    /// <summary>Flags accepted before the command name, in help order.</summary>
    public static readonly IReadOnlyList<FlagDef> GlobalFlags = [Debug, Log, LogFormat, Root, Criu, SystemdCgroup, Rootless, Help, Version];

    /// <summary>cli adds a hidden "help, h" bool to every command: <c>nrunc create -h</c> shows create's help.</summary>
    public static readonly FlagDef CommandHelp = FlagDef.Bool("help, h", "show help", hidden: true);

    // Built on first use: static fields of the other partial files may not be initialised yet when this file's are.
    private static IReadOnlyList<CommandDef>? _commands;

    public static IReadOnlyList<CommandDef> Commands => _commands ??=
    [
        CheckpointCommand, CreateCommand, DeleteCommand, EventsCommand, ExecCommand, KillCommand, ListCommand,
        PauseCommand, PsCommand, RestoreCommand, ResumeCommand, RunCommand, SpecCommand, StartCommand, StateCommand,
        UpdateCommand, FeaturesCommand, InitCommand,
    ];

    /// <summary>The command called <paramref name="name"/> (hidden ones included), or null.</summary>
    public static CommandDef? Find(string name)
    {
        foreach (var c in Commands)
            if (c.Name == name) return c;
        return null;
    }

    // Help texts and flags shared by several commands. The flags are properties, not fields, so that
    // command definitions in any partial file can use them whatever order the static initialisers run in.
    private const string IdArgsNewContainer = """
        <container-id>

        Where "<container-id>" is your name for the instance of the container that you
        are starting. The name you provide for the container instance must be unique on
        your host.
        """;

    private static string IdArgs(string purpose) => $"""
        <container-id>

        Where "<container-id>" is the name for the instance of the container {purpose}
        """;

    private static FlagDef BundleFlag => FlagDef.String("bundle, b", "path to the root of the bundle directory, defaults to the current directory");
    private static FlagDef ConsoleSocketFlag => FlagDef.String("console-socket",
        "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal");
    private static FlagDef PidfdSocketFlag => FlagDef.String("pidfd-socket",
        "path to an AF_UNIX socket which will receive a file descriptor referencing the init process");
    private static FlagDef PidFileFlag => FlagDef.String("pid-file", "specify the file to write the process id to");
    private static FlagDef NoPivotFlag => FlagDef.Bool("no-pivot",
        "do not use pivot root to jail process inside rootfs.  This should be used whenever the rootfs is on top of a ramdisk");
    private static FlagDef NoNewKeyringFlag => FlagDef.Bool("no-new-keyring",
        "do not create a new session keyring for the container.  This will cause the container to inherit the calling processes session key");
    private static FlagDef PreserveFdsFlag => FlagDef.Int("preserve-fds",
        "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)");
    private static FlagDef DetachFlag => FlagDef.Bool("detach, d", "detach from the container's process");
    private static FlagDef NoSubreaperFlag => FlagDef.Bool("no-subreaper", "disable the use of the subreaper used to reap reparented processes");
}
