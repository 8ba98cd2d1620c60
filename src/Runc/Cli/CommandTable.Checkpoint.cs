namespace Runc.Cli;

// CRIU-based commands. podman probes both: `checkpoint --help` must exit 0 and
// `restore --lsm-mount-context` must say "flag needs an argument".
public static partial class CommandTable
{
    private static FlagDef WorkPathFlag => FlagDef.String("work-path", "path for saving work files and logs");
    private static FlagDef TcpEstablishedFlag => FlagDef.Bool("tcp-established", "allow open tcp connections");
    private static FlagDef ExtUnixSkFlag => FlagDef.Bool("ext-unix-sk", "allow external unix sockets");
    private static FlagDef ShellJobFlag => FlagDef.Bool("shell-job", "allow shell jobs");
    private static FlagDef LazyPagesFlag => FlagDef.Bool("lazy-pages", "use userfaultfd to lazily restore memory pages");
    private static FlagDef FileLocksFlag => FlagDef.Bool("file-locks", "handle file locks, for safety");
    private static FlagDef ManageCgroupsModeFlag => FlagDef.String("manage-cgroups-mode", "cgroups mode: 'soft' (default), 'full' and 'strict'");
    private static FlagDef EmptyNsFlag => FlagDef.Strings("empty-ns", "create a namespace, but don't restore its properties");
    private static FlagDef AutoDedupFlag => FlagDef.Bool("auto-dedup", "enable auto deduplication of memory images");

    public static readonly CommandDef CheckpointCommand = new()
    {
        Name = "checkpoint",
        Usage = "checkpoint a running container",
        ArgsUsage = IdArgs("to be\ncheckpointed."),
        Description = "The checkpoint command saves the state of a running container with CRIU.",
        Flags =
        [
            FlagDef.String("image-path", "path for saving criu image files"),
            WorkPathFlag,
            FlagDef.String("parent-path", "path for previous criu image files in pre-dump"),
            FlagDef.Bool("leave-running", "leave the process running after checkpointing"),
            TcpEstablishedFlag,
            ExtUnixSkFlag,
            ShellJobFlag,
            LazyPagesFlag,
            FlagDef.Int("status-fd", "criu writes \\0 to this FD once lazy-pages is ready", -1),
            FlagDef.String("page-server", "ADDRESS:PORT of the page server"),
            FileLocksFlag,
            FlagDef.Bool("pre-dump", "dump container's memory information only, leave the container running after this"),
            ManageCgroupsModeFlag,
            EmptyNsFlag,
            AutoDedupFlag,
        ],
        Args = ArgRule.Exactly(1),
    };

    public static readonly CommandDef RestoreCommand = new()
    {
        Name = "restore",
        Usage = "restore a container from a previous checkpoint",
        ArgsUsage = IdArgs("to be\nrestored."),
        Description = "The restore command brings back a container saved by \"nrunc checkpoint\".",
        Flags =
        [
            ConsoleSocketFlag,
            FlagDef.String("image-path", "path to criu image files for restoring"),
            WorkPathFlag,
            TcpEstablishedFlag,
            ExtUnixSkFlag,
            ShellJobFlag,
            FileLocksFlag,
            ManageCgroupsModeFlag,
            FlagDef.String("bundle, b", "path to the root of the bundle directory"),
            DetachFlag,
            PidFileFlag,
            NoSubreaperFlag,
            NoPivotFlag,
            EmptyNsFlag,
            AutoDedupFlag,
            LazyPagesFlag,
            FlagDef.String("lsm-profile", "Specify an LSM profile to be used during restore in the form of TYPE:NAME."),
            FlagDef.String("lsm-mount-context", "Specify an LSM mount context to be used during restore."),
        ],
        Args = ArgRule.Exactly(1),
    };
}
