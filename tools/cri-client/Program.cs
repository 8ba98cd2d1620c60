using System.Text;
using CriClient;
using CriClient.Api;
using Google.Protobuf;

// A minimal Kubernetes CRI client: one RPC per subcommand, configs in the CRI's JSON form (the proto3 JSON mapping, so
// crictl's pod/container config files work when they only use fields of cri.proto), results as plain text for scripts.
const string Usage = """
usage: cri-client --socket PATH [--timeout SECONDS] COMMAND [ARGS]
  version                           runtime name, version and CRI API version
  image-status IMAGE                image id and tags (fails if the CRI does not know IMAGE)
  runp [--handler NAME] POD.json    RunPodSandbox; prints the sandbox id
  pod-status POD_ID                 PodSandboxStatus: state, runtime handler
  pods                              ListPodSandbox: id state name handler
  stopp POD_ID | rmp POD_ID         StopPodSandbox | RemovePodSandbox
  create POD_ID CONTAINER.json POD.json   CreateContainer; prints the container id
  start ID | rm ID                  StartContainer | RemoveContainer
  stop [--timeout SECONDS] ID       StopContainer (SIGTERM, then SIGKILL after the grace period; default 10)
  status [--verbose] ID             ContainerStatus: state, exit_code, reason, message (--verbose: the info map too)
  ps [POD_ID]                       ListContainers: id pod state name
  update ID RESOURCES.json          UpdateContainerResources (RESOURCES.json: LinuxContainerResources)
  exec [--timeout SECONDS] ID CMD [ARG...]   ExecSync; prints the command's stdout and stderr, exits with its status
  cleanup                           stops and removes every container and pod sandbox (for test teardown)
Exit status 125 on any error of the client itself (usage, input, RPC); `exec` otherwise exits with the command's status.
""";

try
{
    return await Run(args);
}
catch (CriException e)
{
    Console.Error.WriteLine($"cri-client: {e.Message}");
    return 125;
}

async Task<int> Run(string[] argv)
{
    string? socket = null;
    var timeout = TimeSpan.FromSeconds(20);
    int i = 0;
    for (; i < argv.Length && argv[i].StartsWith("--", StringComparison.Ordinal); i++)
    {
        switch (argv[i])
        {
            case "--socket": socket = Value(argv, ++i, "--socket"); break;
            case "--timeout": timeout = Seconds(Value(argv, ++i, "--timeout")); break;
            case "--help": Console.Out.Write(Usage); return 0;
            default: throw new CriException($"unknown option {argv[i]}\n{Usage}");
        }
    }
    if (socket is null) throw new CriException($"--socket is required\n{Usage}");
    if (i >= argv.Length) throw new CriException($"no command\n{Usage}");
    string command = argv[i];
    var rest = new List<string>(argv[(i + 1)..]);

    using var cri = new CriChannel(socket, timeout);
    var rt = cri.Runtime;
    switch (command)
    {
        case "version":
        {
            Args(rest, 0, command);
            var v = await cri.Call("Version", o => rt.VersionAsync(new VersionRequest { Version = "v1" }, o));
            Console.Out.WriteLine($"runtime_name: {v.RuntimeName}\nruntime_version: {v.RuntimeVersion}\nruntime_api_version: {v.RuntimeApiVersion}");
            return 0;
        }
        case "image-status":
        {
            Args(rest, 1, command);
            var r = await cri.Call("ImageStatus", o => cri.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = rest[0] } }, o));
            if (r.Image is null) throw new CriException($"ImageStatus: image {rest[0]} not found");
            Console.Out.WriteLine($"id: {r.Image.Id}\nrepo_tags: {string.Join(' ', r.Image.RepoTags)}\nsize: {r.Image.Size}");
            return 0;
        }
        case "runp":
        {
            string handler = Flag(rest, "--handler") ?? "";
            Args(rest, 1, command);
            var req = new RunPodSandboxRequest { Config = Load<PodSandboxConfig>(rest[0]), RuntimeHandler = handler };
            var r = await cri.Call("RunPodSandbox", o => rt.RunPodSandboxAsync(req, o));
            Console.Out.WriteLine(r.PodSandboxId);
            return 0;
        }
        case "pod-status":
        {
            Args(rest, 1, command);
            var r = await cri.Call("PodSandboxStatus", o => rt.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = rest[0] }, o));
            Console.Out.WriteLine($"id: {r.Status.Id}\nstate: {r.Status.State.ToWire()}\nruntime_handler: {r.Status.RuntimeHandler}");
            return 0;
        }
        case "pods":
        {
            Args(rest, 0, command);
            var r = await cri.Call("ListPodSandbox", o => rt.ListPodSandboxAsync(new ListPodSandboxRequest(), o));
            foreach (var p in r.Items) Console.Out.WriteLine($"{p.Id} {p.State.ToWire()} {p.Metadata?.Name} {p.RuntimeHandler}");
            return 0;
        }
        case "stopp":
            Args(rest, 1, command);
            await cri.Call("StopPodSandbox", o => rt.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = rest[0] }, o));
            return 0;
        case "rmp":
            Args(rest, 1, command);
            await cri.Call("RemovePodSandbox", o => rt.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = rest[0] }, o));
            return 0;
        case "create":
        {
            Args(rest, 3, command);
            var req = new CreateContainerRequest
            {
                PodSandboxId = rest[0],
                Config = Load<ContainerConfig>(rest[1]),
                SandboxConfig = Load<PodSandboxConfig>(rest[2]),
            };
            var r = await cri.Call("CreateContainer", o => rt.CreateContainerAsync(req, o));
            Console.Out.WriteLine(r.ContainerId);
            return 0;
        }
        case "start":
            Args(rest, 1, command);
            await cri.Call("StartContainer", o => rt.StartContainerAsync(new StartContainerRequest { ContainerId = rest[0] }, o));
            return 0;
        case "stop":
        {
            long grace = WholeSeconds(Flag(rest, "--timeout") ?? "10");
            Args(rest, 1, command);
            // the RPC itself may take the whole grace period: give it that much on top of the channel's deadline
            await cri.Call("StopContainer", o => rt.StopContainerAsync(new StopContainerRequest { ContainerId = rest[0], Timeout = grace }, o),
                timeout + TimeSpan.FromSeconds(grace));
            return 0;
        }
        case "rm":
            Args(rest, 1, command);
            await cri.Call("RemoveContainer", o => rt.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = rest[0] }, o));
            return 0;
        case "status":
        {
            bool verbose = rest.Count > 0 && rest[0] == "--verbose";
            if (verbose) rest.RemoveAt(0);
            Args(rest, 1, command);
            var r = await cri.Call("ContainerStatus", o => rt.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = rest[0], Verbose = verbose }, o));
            var s = r.Status;
            Console.Out.WriteLine($"id: {s.Id}\nname: {s.Metadata?.Name}\nstate: {s.State.ToWire()}\nexit_code: {s.ExitCode}\n" +
                $"reason: {s.Reason}\nmessage: {s.Message}\nstarted_at: {s.StartedAt}\nfinished_at: {s.FinishedAt}");
            foreach (var (k, v) in r.Info) Console.Out.WriteLine($"info.{k}: {v}");
            return 0;
        }
        case "ps":
        {
            if (rest.Count > 1) throw new CriException($"ps: takes at most one argument (POD_ID)\n{Usage}");
            var filter = new ContainerFilter();
            if (rest.Count == 1) filter.PodSandboxId = rest[0];
            var r = await cri.Call("ListContainers", o => rt.ListContainersAsync(new ListContainersRequest { Filter = filter }, o));
            foreach (var c in r.Containers) Console.Out.WriteLine($"{c.Id} {c.PodSandboxId} {c.State.ToWire()} {c.Metadata?.Name}");
            return 0;
        }
        case "update":
        {
            Args(rest, 2, command);
            var req = new UpdateContainerResourcesRequest { ContainerId = rest[0], Linux = Load<LinuxContainerResources>(rest[1]) };
            await cri.Call("UpdateContainerResources", o => rt.UpdateContainerResourcesAsync(req, o));
            return 0;
        }
        case "exec":
        {
            long execTimeout = WholeSeconds(Flag(rest, "--timeout") ?? "0");
            if (rest.Count < 2) throw new CriException($"exec: needs ID and CMD\n{Usage}");
            var req = new ExecSyncRequest { ContainerId = rest[0], Timeout = execTimeout };
            req.Cmd.AddRange(rest.Skip(1));
            var r = await cri.Call("ExecSync", o => rt.ExecSyncAsync(req, o),
                execTimeout > 0 ? timeout + TimeSpan.FromSeconds(execTimeout) : timeout);
            using (var stdout = Console.OpenStandardOutput()) r.Stdout.WriteTo(stdout);
            using (var stderr = Console.OpenStandardError()) r.Stderr.WriteTo(stderr);
            return r.ExitCode;
        }
        case "cleanup":
        {
            Args(rest, 0, command);
            var failures = new List<string>();
            var cs = await cri.Call("ListContainers", o => rt.ListContainersAsync(new ListContainersRequest(), o));
            foreach (var c in cs.Containers)
            {
                await Try(failures, () => cri.Call("StopContainer", o => rt.StopContainerAsync(new StopContainerRequest { ContainerId = c.Id, Timeout = 0 }, o)));
                await Try(failures, () => cri.Call("RemoveContainer", o => rt.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = c.Id }, o)));
            }
            var ps = await cri.Call("ListPodSandbox", o => rt.ListPodSandboxAsync(new ListPodSandboxRequest(), o));
            foreach (var p in ps.Items)
            {
                await Try(failures, () => cri.Call("StopPodSandbox", o => rt.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = p.Id }, o)));
                await Try(failures, () => cri.Call("RemovePodSandbox", o => rt.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = p.Id }, o)));
            }
            Console.Out.WriteLine($"removed {cs.Containers.Count} container(s), {ps.Items.Count} pod sandbox(es)");
            if (failures.Count > 0) throw new CriException("cleanup: " + string.Join("; ", failures));
            return 0;
        }
        default:
            throw new CriException($"unknown command {command}\n{Usage}");
    }
}

static async Task Try<T>(List<string> failures, Func<Task<T>> call)
{
    try { await call(); }
    catch (CriException e) { failures.Add(e.Message); }
}

static string Value(string[] argv, int i, string name) =>
    i < argv.Length ? argv[i] : throw new CriException($"{name} needs a value");

static TimeSpan Seconds(string s) =>
    double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0
        ? TimeSpan.FromSeconds(d)
        : throw new CriException($"--timeout {s}: not a positive number of seconds");

// Takes a leading `NAME VALUE` off args (options come before the positional arguments, so an exec'd command's own
// arguments are never mistaken for ours) and returns VALUE, or null when args does not start with NAME.
static string? Flag(List<string> args, string name)
{
    if (args.Count == 0 || args[0] != name) return null;
    if (args.Count < 2) throw new CriException($"{name} needs a value");
    string v = args[1];
    args.RemoveRange(0, 2);
    return v;
}

static long WholeSeconds(string s) =>
    long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
        ? n
        : throw new CriException($"--timeout {s}: not a whole number of seconds");

static void Args(List<string> rest, int n, string command)
{
    if (rest.Count != n) throw new CriException($"{command}: wants {n} argument(s), got {rest.Count}\n{Usage}");
}

static T Load<T>(string path) where T : IMessage<T>, new()
{
    string text;
    try { text = File.ReadAllText(path, Encoding.UTF8); }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CriException($"read {path}: {e.Message}"); }
    try
    {
        return new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(false)).Parse<T>(text);
    }
    catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
    {
        throw new CriException($"parse {path} as runtime.v1.{typeof(T).Name}: {e.Message}");
    }
}

internal static class EnumNames
{
    // The proto enum value names (what crictl and containerd print), not the C# member names.
    public static string ToWire(this ContainerState s) => s switch
    {
        ContainerState.ContainerCreated => "CONTAINER_CREATED",
        ContainerState.ContainerRunning => "CONTAINER_RUNNING",
        ContainerState.ContainerExited => "CONTAINER_EXITED",
        ContainerState.ContainerUnknown => "CONTAINER_UNKNOWN",
        _ => ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string ToWire(this PodSandboxState s) => s switch
    {
        PodSandboxState.SandboxReady => "SANDBOX_READY",
        PodSandboxState.SandboxNotready => "SANDBOX_NOTREADY",
        _ => ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
