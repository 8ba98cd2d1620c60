using Runc;
using Runc.Oci;
using Xunit;

namespace Runc.Oci.Tests;

public sealed class SpecValidatorTests : IDisposable
{
    private readonly TempDir _bundle = new();

    public SpecValidatorTests()
    {
        Directory.CreateDirectory(_bundle.Combine("rootfs"));
        File.WriteAllText(_bundle.Combine("afile"), "");
    }

    public void Dispose() => _bundle.Dispose();

    /// <summary>A minimal config that passes: each case breaks exactly one rule of it.</summary>
    private static Spec Valid() => new()
    {
        OciVersion = "1.0.2-dev",
        Process = new Process { Args = ["sh"], Cwd = "/", Env = ["PATH=/bin"] },
        Root = new Root { Path = "rootfs" },
        Hostname = "box",
        Linux = new Linux
        {
            Namespaces = [new() { Type = "pid" }, new() { Type = "network" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" }],
        },
    };

    private static Linux L(Spec s) => s.Linux!;
    private static LinuxNamespace Ns(string type, string? path = null) => new() { Type = type, Path = path };
    private static void DropNs(Spec s, string type) => L(s).Namespaces!.RemoveAll(n => n.Type == type);
    private static LinuxSeccomp Seccomp(params LinuxSyscall[] rules) => new() { DefaultAction = "SCMP_ACT_ERRNO", Syscalls = [.. rules] };
    private static LinuxSyscall Rule(string action, params string[] names) => new() { Action = action, Names = [.. names] };

    [Fact]
    public void TheBaseConfigIsValid()
    {
        var result = SpecValidator.Validate(Valid(), _bundle.Path);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    public static TheoryData<string, Action<Spec>, string> BadConfigs => new()
    {
        // process
        { "no process", s => s.Process = null, "config.json: process: process property must not be empty" },
        { "args null", s => s.Process!.Args = null, "config.json: process.args: args must not be empty" },
        { "args empty", s => s.Process!.Args = [], "config.json: process.args: args must not be empty" },
        { "cwd relative", s => s.Process!.Cwd = "tmp", "config.json: process.cwd: Cwd must be an absolute path, not \"tmp\"" },
        { "cwd empty", s => s.Process!.Cwd = "", "config.json: process.cwd: Cwd must be an absolute path, not \"\"" },
        { "env without =", s => s.Process!.Env = ["PATH=/bin", "FOO"], "config.json: process.env[1]: invalid environment variable \"FOO\": missing '='" },
        { "env empty name", s => s.Process!.Env = ["=x"], "config.json: process.env[0]: invalid environment variable \"=x\": name cannot be empty" },
        { "duplicate rlimit", s => s.Process!.Rlimits = [new() { Type = "RLIMIT_NOFILE", Hard = 2, Soft = 1 }, new() { Type = "RLIMIT_NOFILE", Hard = 2, Soft = 2 }],
            "config.json: process.rlimits[1]: duplicate rlimit type \"RLIMIT_NOFILE\"" },
        { "unknown rlimit", s => s.Process!.Rlimits = [new() { Type = "RLIMIT_FOO", Hard = 1, Soft = 1 }], "config.json: process.rlimits[0]: wrong rlimit value: RLIMIT_FOO" },
        { "lowercase rlimit", s => s.Process!.Rlimits = [new() { Type = "rlimit_nofile", Hard = 1, Soft = 1 }], "config.json: process.rlimits[0]: wrong rlimit value: rlimit_nofile" },
        { "soft > hard", s => s.Process!.Rlimits = [new() { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 2048 }],
            "config.json: process.rlimits[0]: soft limit 2048 is greater than hard limit 1024 for \"RLIMIT_NOFILE\"" },
        { "oom too high", s => s.Process!.OomScoreAdj = 5000, "config.json: process.oomScoreAdj: 5000 is out of range [-1000, 1000]" },
        { "oom too low", s => s.Process!.OomScoreAdj = -1001, "config.json: process.oomScoreAdj: -1001 is out of range [-1000, 1000]" },
        { "ioprio class", s => s.Process!.IoPriority = new() { Class = "IOPRIO_CLASS_X" }, "config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\"" },
        { "ioprio priority", s => s.Process!.IoPriority = new() { Class = "IOPRIO_CLASS_BE", Priority = 8 }, "config.json: process.ioPriority.priority: 8 is out of range [0, 7]" },
        { "scheduler policy", s => s.Process!.Scheduler = new() { Policy = "SCHED_FAST" }, "config.json: process.scheduler.policy: unknown policy \"SCHED_FAST\"" },
        // root
        { "no root", s => s.Root = null, "config.json: root: root must be specified" },
        { "root path empty", s => s.Root!.Path = "", "config.json: root.path: invalid rootfs: path must not be empty" },
        // mounts
        { "mount destination empty", s => s.Mounts = [new() { Destination = "", Type = "tmpfs" }], "config.json: mounts[0].destination: must not be empty" },
        { "mount null", s => s.Mounts = [null!], "config.json: mounts[0]: must not be null" },
        { "sysctl value null", s => L(s).Sysctl = new() { ["net.ipv4.ip_forward"] = null! }, "config.json: linux.sysctl.net.ipv4.ip_forward: must not be null" },
        { "netDevice null", s => L(s).NetDevices = new() { ["eth0"] = null! }, "config.json: linux.netDevices.eth0: must not be null" },
        { "annotation value null", s => s.Annotations = new() { ["a"] = null! }, "config.json: annotations.a: must not be null" },
        { "unified value null", s => L(s).Resources = new() { Unified = new() { ["pids.max"] = null! } }, "config.json: linux.resources.unified.pids.max: must not be null" },
        { "idmap mappings without option", s => s.Mounts = [new() { Destination = "/x", UidMappings = [new() { Size = 1 }], GidMappings = [new() { Size = 1 }] }],
            "config.json: mounts[0]: uidMappings/gidMappings need the \"idmap\" or \"ridmap\" option" },
        { "idmap only uid", s => s.Mounts = [new() { Destination = "/x", Options = ["idmap"], UidMappings = [new() { Size = 1 }] }],
            "config.json: mounts[0]: an idmapped mount needs both uidMappings and gidMappings" },
        // hooks
        { "hook relative", s => s.Hooks = new() { Prestart = [new() { Path = "hook.sh" }] }, "config.json: hooks.prestart[0].path: \"hook.sh\" is not an absolute path" },
        { "hook empty path", s => s.Hooks = new() { CreateRuntime = [new() { Path = "" }] }, "config.json: hooks.createRuntime[0].path: \"\" is not an absolute path" },
        { "hook timeout zero", s => s.Hooks = new() { Poststop = [new() { Path = "/bin/true" }, new() { Path = "/bin/true", Timeout = 0 }] },
            "config.json: hooks.poststop[1].timeout: must be greater than zero, not 0" },
        { "hook timeout negative", s => s.Hooks = new() { StartContainer = [new() { Path = "/bin/true", Timeout = -5 }] },
            "config.json: hooks.startContainer[0].timeout: must be greater than zero, not -5" },
        // hostname
        { "hostname without uts", s => DropNs(s, "uts"), "config.json: hostname: unable to set hostname without a private UTS namespace" },
        { "domainname without uts", s => { s.Hostname = null; s.Domainname = "example.org"; DropNs(s, "uts"); },
            "config.json: domainname: unable to set domainname without a private UTS namespace" },
        { "empty annotation key", s => s.Annotations = new() { [""] = "x" }, "config.json: annotations: keys must not be empty" },
        // namespaces
        { "duplicate namespace", s => L(s).Namespaces![2] = Ns("pid"), "config.json: linux.namespaces[2]: duplicate namespace \"pid\"" },
        { "unknown namespace", s => L(s).Namespaces!.Add(Ns("foo")), "config.json: linux.namespaces[5]: unknown namespace type \"foo\"" },
        { "namespace net spelled net", s => L(s).Namespaces![1] = Ns("net"), "config.json: linux.namespaces[1]: unknown namespace type \"net\"" },
        { "namespace path relative", s => L(s).Namespaces![1] = Ns("network", "proc/1/ns/net"),
            "config.json: linux.namespaces[1].path: \"proc/1/ns/net\" is not an absolute path" },
        { "uid mappings without userns", s => L(s).UidMappings = [new() { HostId = 1000, Size = 1 }],
            "config.json: linux.uidMappings: user namespace mappings specified, but user namespace isn't enabled" },
        { "gid mappings without userns", s => L(s).GidMappings = [new() { HostId = 1000, Size = 1 }],
            "config.json: linux.gidMappings: user namespace mappings specified, but user namespace isn't enabled" },
        { "userns without uid mappings", s => { L(s).Namespaces!.Add(Ns("user")); L(s).GidMappings = [new() { Size = 1 }]; },
            "config.json: linux.uidMappings: user namespaces enabled, but no uid mappings found" },
        { "mapping size zero", s => { L(s).Namespaces!.Add(Ns("user")); L(s).UidMappings = [new() { Size = 0 }]; L(s).GidMappings = [new() { Size = 1 }]; },
            "config.json: linux.uidMappings[0].size: must be greater than zero" },
        { "mapping overflow", s => { L(s).Namespaces!.Add(Ns("user")); L(s).UidMappings = [new() { Size = 1 }]; L(s).GidMappings = [new() { HostId = uint.MaxValue, Size = 2 }]; },
            "config.json: linux.gidMappings[0]: range overflows 32-bit ids" },
        { "time offsets without timens", s => L(s).TimeOffsets = new() { ["monotonic"] = new() { Secs = 10 } },
            "config.json: linux.timeOffsets: time offsets specified, but time namespace isn't enabled" },
        { "time offsets with joined timens", s => { L(s).Namespaces!.Add(Ns("time", "/proc/1/ns/time")); L(s).TimeOffsets = new() { ["boottime"] = new() { Secs = 1 } }; },
            "config.json: linux.timeOffsets: time offsets cannot be set on a joined time namespace (namespace path given)" },
        { "time offsets unknown clock", s => { L(s).Namespaces!.Add(Ns("time")); L(s).TimeOffsets = new() { ["realtime"] = new() { Secs = 1 } }; },
            "config.json: linux.timeOffsets.realtime: unknown clock, must be monotonic or boottime" },
        { "time offsets nanosecs", s => { L(s).Namespaces!.Add(Ns("time")); L(s).TimeOffsets = new() { ["boottime"] = new() { Nanosecs = 1_000_000_000 } }; },
            "config.json: linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range [0, 999999999]" },
        { "net devices without netns", s => { DropNs(s, "network"); L(s).NetDevices = new() { ["eth1"] = new() }; },
            "config.json: linux.netDevices: unable to move network devices without a private network namespace" },
        { "net device bad name", s => L(s).NetDevices = new() { ["a/b"] = new() }, "config.json: linux.netDevices: invalid network device name \"a/b\"" },
        // sysctl
        { "sysctl host-wide", s => L(s).Sysctl = new() { ["kernel.core_pattern"] = "x" }, "config.json: linux.sysctl: sysctl \"kernel.core_pattern\" is not in a separate kernel namespace" },
        { "sysctl ipc without ipcns", s => { DropNs(s, "ipc"); L(s).Sysctl = new() { ["kernel.shmmax"] = "1" }; },
            "config.json: linux.sysctl: sysctl \"kernel.shmmax\" is not allowed in the hosts ipc namespace" },
        { "sysctl msg without ipcns", s => { DropNs(s, "ipc"); L(s).Sysctl = new() { ["kernel.msgmax"] = "1" }; },
            "config.json: linux.sysctl: sysctl \"kernel.msgmax\" is not allowed in the hosts ipc namespace" },
        { "sysctl mqueue without ipcns", s => { DropNs(s, "ipc"); L(s).Sysctl = new() { ["fs.mqueue.msg_max"] = "1" }; },
            "config.json: linux.sysctl: sysctl \"fs.mqueue.msg_max\" is not allowed in the hosts ipc namespace" },
        { "sysctl net without netns", s => { DropNs(s, "network"); L(s).Sysctl = new() { ["net.ipv4.ip_forward"] = "1" }; },
            "config.json: linux.sysctl: sysctl \"net.ipv4.ip_forward\" is not allowed in the hosts network namespace" },
        { "sysctl slash form", s => { DropNs(s, "network"); L(s).Sysctl = new() { ["net/ipv4/ip_forward"] = "1" }; },
            "config.json: linux.sysctl: sysctl \"net/ipv4/ip_forward\" is not allowed in the hosts network namespace" },
        { "sysctl hostname", s => L(s).Sysctl = new() { ["kernel.hostname"] = "x" },
            "config.json: linux.sysctl: sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field" },
        { "sysctl domainname without uts", s => { s.Hostname = null; DropNs(s, "uts"); L(s).Sysctl = new() { ["kernel.domainname"] = "x" }; },
            "config.json: linux.sysctl: sysctl \"kernel.domainname\" is not in a separate kernel namespace" },
        { "sysctl user without userns", s => L(s).Sysctl = new() { ["user.max_user_namespaces"] = "0" },
            "config.json: linux.sysctl: sysctl \"user.max_user_namespaces\" is not in a separate kernel namespace" },
        // paths, propagation, devices, personality, memory policy
        { "bad propagation", s => L(s).RootfsPropagation = "sideways", "config.json: linux.rootfsPropagation: rootfsPropagation=sideways is not supported" },
        { "masked relative", s => L(s).MaskedPaths = ["/proc/kcore", "proc/keys"], "config.json: linux.maskedPaths[1]: \"proc/keys\" is not an absolute path" },
        { "readonly relative", s => L(s).ReadonlyPaths = ["sys"], "config.json: linux.readonlyPaths[0]: \"sys\" is not an absolute path" },
        { "device type", s => L(s).Devices = [new() { Path = "/dev/fuse", Type = "x" }], "config.json: linux.devices[0].type: unknown device type \"x\", must be c, b, u or p" },
        { "device path relative", s => L(s).Devices = [new() { Path = "dev/fuse", Type = "c", Major = 10, Minor = 229 }], "config.json: linux.devices[0].path: \"dev/fuse\" is not an absolute path" },
        { "device rule type", s => L(s).Resources = new() { Devices = [new() { Allow = true, Type = "u" }] },
            "config.json: linux.resources.devices[0].type: unknown device type \"u\", must be a, b or c" },
        { "device rule access", s => L(s).Resources = new() { Devices = [new() { Allow = true, Access = "rwx" }] },
            "config.json: linux.resources.devices[0].access: invalid access \"rwx\", must be a combination of r, w and m" },
        { "personality domain", s => L(s).Personality = new() { Domain = "BOGUS" }, "config.json: linux.personality.domain: unknown domain \"BOGUS\", must be LINUX or LINUX32" },
        { "personality flags", s => L(s).Personality = new() { Domain = "LINUX", Flags = ["X"] }, "config.json: linux.personality.flags: personality flags are not supported" },
        { "memory policy mode", s => L(s).MemoryPolicy = new() { Mode = "MPOL_X", Nodes = "0" }, "config.json: linux.memoryPolicy.mode: unknown mode \"MPOL_X\"" },
        { "memory policy flag", s => L(s).MemoryPolicy = new() { Mode = "MPOL_BIND", Nodes = "0", Flags = ["MPOL_F_X"] }, "config.json: linux.memoryPolicy.flags: unknown flag \"MPOL_F_X\"" },
        // seccomp
        { "seccomp default action", s => L(s).Seccomp = new() { DefaultAction = "SCMP_ACT_MAYBE" }, "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_MAYBE\"" },
        { "seccomp default action missing", s => L(s).Seccomp = new(), "config.json: linux.seccomp.defaultAction: unknown action \"\"" },
        { "seccomp default notify", s => L(s).Seccomp = new() { DefaultAction = "SCMP_ACT_NOTIFY", ListenerPath = "/run/l.sock" },
            "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action" },
        { "seccomp default errno on allow", s => L(s).Seccomp = new() { DefaultAction = "SCMP_ACT_ALLOW", DefaultErrnoRet = 1 },
            "config.json: linux.seccomp.defaultErrnoRet: errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
        { "seccomp arch", s => L(s).Seccomp = new() { DefaultAction = "SCMP_ACT_ALLOW", Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"] },
            "config.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"" },
        { "seccomp flag", s => L(s).Seccomp = new() { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["SECCOMP_FILTER_FLAG_FAST"] },
            "config.json: linux.seccomp.flags[0]: seccomp flag \"SECCOMP_FILTER_FLAG_FAST\" is not supported" },
        { "seccomp names empty", s => L(s).Seccomp = Seccomp(new LinuxSyscall { Action = "SCMP_ACT_ALLOW", Names = [] }), "config.json: linux.seccomp.syscalls[0].names: must not be empty" },
        { "seccomp names null", s => L(s).Seccomp = Seccomp(new LinuxSyscall { Action = "SCMP_ACT_ALLOW" }), "config.json: linux.seccomp.syscalls[0].names: must not be empty" },
        { "seccomp name blank", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_ALLOW", "read", "")), "config.json: linux.seccomp.syscalls[0].names: syscall names must not be empty strings" },
        { "seccomp rule action", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_ALLOW", "read"), Rule("ALLOW", "write")), "config.json: linux.seccomp.syscalls[1].action: unknown action \"ALLOW\"" },
        { "seccomp errno on allow", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_ALLOW", "read") with { ErrnoRet = 1 }),
            "config.json: linux.seccomp.syscalls[0].errnoRet: errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
        { "seccomp errno on kill", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_KILL", "read") with { ErrnoRet = 1 }),
            "config.json: linux.seccomp.syscalls[0].errnoRet: errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL" },
        { "seccomp operator", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_ALLOW", "personality") with { Args = [new() { Index = 0, Value = 8, Op = "SCMP_CMP_MAYBE" }] }),
            "config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_MAYBE\"" },
        { "seccomp arg index", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_ALLOW", "personality") with { Args = [new() { Index = 6, Op = "SCMP_CMP_EQ" }] }),
            "config.json: linux.seccomp.syscalls[0].args[0].index: 6 is out of range [0, 5]" },
        { "seccomp notify without listener", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_NOTIFY", "mount")),
            "config.json: linux.seccomp.listenerPath: SCMP_ACT_NOTIFY is used but no listenerPath is given" },
        { "seccomp notify on write", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_NOTIFY", "write")) with { ListenerPath = "/run/l.sock" },
            "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY cannot be used for the write syscall" },
        { "seccomp listener relative", s => L(s).Seccomp = Seccomp() with { ListenerPath = "l.sock" }, "config.json: linux.seccomp.listenerPath: \"l.sock\" is not an absolute path" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void BadConfigGivesExactlyOneError(string because, Action<Spec> breakIt, string expected)
    {
        var spec = Valid();
        breakIt(spec);
        var result = SpecValidator.Validate(spec, _bundle.Path);
        Assert.True(result.Errors.Count == 1 && result.Errors[0] == expected,
            $"{because}: expected [{expected}] got [{string.Join(" | ", result.Errors)}]");
    }

    [Fact]
    public void MissingRootfsUsesRuncWording()
    {
        var spec = Valid();
        spec.Root!.Path = "nope";
        Assert.Equal([$"config.json: root.path: invalid rootfs: stat {_bundle.Combine("nope")}: no such file or directory"],
            SpecValidator.Validate(spec, _bundle.Path).Errors);
    }

    [Fact]
    public void RootfsThatIsAFileIsRejected()
    {
        var spec = Valid();
        spec.Root!.Path = _bundle.Combine("afile");
        Assert.Equal([$"config.json: root.path: invalid rootfs: \"{_bundle.Combine("afile")}\" is not a directory"],
            SpecValidator.Validate(spec, _bundle.Path).Errors);
    }

    [Fact]
    public void RootfsUnderAFileIsMissing()
    {
        var spec = Valid();
        spec.Root!.Path = "afile/x";
        Assert.Equal([$"config.json: root.path: invalid rootfs: stat {_bundle.Combine("afile", "x")}: no such file or directory"],
            SpecValidator.Validate(spec, _bundle.Path).Errors);
    }

    [Fact]
    public void UnknownCapabilityIsOnlyAWarning()
    {
        var spec = Valid();
        spec.Process!.Capabilities = new() { Bounding = ["CAP_KILL", "CAP_BOGUS"], Effective = ["CAP_BOGUS", "CAP_ZZZ"], Ambient = ["cap_kill"] };
        var result = SpecValidator.Validate(spec, _bundle.Path);
        Assert.Empty(result.Errors);
        Assert.Equal(["config.json: process.capabilities: ignoring unknown or unavailable capabilities: [CAP_BOGUS CAP_ZZZ cap_kill]"], result.Warnings);
    }

    [Fact]
    public void RelativeMountDestinationIsOnlyAWarning()
    {
        var spec = Valid();
        spec.Mounts = [new() { Destination = "tmp", Type = "tmpfs", Source = "tmpfs" }];
        var result = SpecValidator.Validate(spec, _bundle.Path);
        Assert.Empty(result.Errors);
        Assert.Equal(["config.json: mounts[0].destination: \"tmp\" is not absolute; it is taken relative to \"/\""], result.Warnings);
    }

    [Fact]
    public void AllProblemsAreReportedInDocumentOrder()
    {
        var spec = Valid();
        spec.Process!.Args = [];
        spec.Process.Cwd = "x";
        L(spec).Namespaces!.Add(Ns("pid"));
        var errors = SpecValidator.Validate(spec, _bundle.Path).Errors;
        Assert.Equal(
        [
            "config.json: process.args: args must not be empty",
            "config.json: process.cwd: Cwd must be an absolute path, not \"x\"",
            "config.json: linux.namespaces[5]: duplicate namespace \"pid\"",
        ], errors);
    }

    [Fact]
    public void ThrowIfInvalidThrowsTheFirstError()
    {
        var spec = Valid();
        spec.Process = null;
        var e = Assert.Throws<SpecException>(() => SpecValidator.ThrowIfInvalid(spec, _bundle.Path));
        Assert.Equal("config.json: process: process property must not be empty", e.Message);
    }

    [Fact]
    public void ThrowIfInvalidReturnsWarnings()
    {
        var spec = Valid();
        spec.Process!.Capabilities = new() { Bounding = ["CAP_BOGUS"] };
        Assert.Single(SpecValidator.ThrowIfInvalid(spec, _bundle.Path));
    }

    public static TheoryData<string, Action<Spec>> GoodConfigs => new()
    {
        { "namespaced sysctls", s => L(s).Sysctl = new() { ["kernel.shmmax"] = "1", ["kernel.sem"] = "1 2 3 4", ["fs.mqueue.queues_max"] = "1", ["net.ipv4.ip_forward"] = "1", ["kernel.domainname"] = "x" } },
        { "user sysctl with userns", s => { L(s).Namespaces!.Add(Ns("user")); L(s).UidMappings = [new() { Size = 1 }]; L(s).GidMappings = [new() { Size = 1 }]; L(s).Sysctl = new() { ["user.max_user_namespaces"] = "0" }; } },
        { "joined userns without mappings", s => L(s).Namespaces!.Add(Ns("user", "/proc/1/ns/user")) },
        { "joined netns", s => L(s).Namespaces![1] = Ns("network", "/var/run/netns/x") },
        { "console size without terminal", s => s.Process!.ConsoleSize = new() { Height = 24, Width = 80 } },
        { "time offsets with new timens", s => { L(s).Namespaces!.Add(Ns("time")); L(s).TimeOffsets = new() { ["monotonic"] = new() { Secs = -5, Nanosecs = 999_999_999 } }; } },
        { "recursive propagation", s => L(s).RootfsPropagation = "rslave" },
        { "errno rule", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_ERRNO", "mount") with { ErrnoRet = 1 }, Rule("SCMP_ACT_TRACE", "ptrace") with { ErrnoRet = 2 }) },
        { "notify with listener", s => L(s).Seccomp = Seccomp(Rule("SCMP_ACT_NOTIFY", "mount")) with { ListenerPath = "/run/l.sock" } },
        { "idmapped mount", s => s.Mounts = [new() { Destination = "/x", Options = ["rbind", "ridmap"], UidMappings = [new() { Size = 1 }], GidMappings = [new() { Size = 1 }] }] },
        { "empty namespace path means new", s => L(s).Namespaces![0] = Ns("pid", "") },
        { "no hostname without uts", s => { s.Hostname = null; DropNs(s, "uts"); } },
        { "device rule wildcard", s => L(s).Resources = new() { Devices = [new() { Allow = false, Access = "rwm" }, new() { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rw" }] } },
    };

    [Theory]
    [MemberData(nameof(GoodConfigs))]
    public void GoodConfigsPass(string because, Action<Spec> change)
    {
        var spec = Valid();
        change(spec);
        var result = SpecValidator.Validate(spec, _bundle.Path);
        Assert.True(result.Errors.Count == 0, $"{because}: {string.Join(" | ", result.Errors)}");
    }
}
