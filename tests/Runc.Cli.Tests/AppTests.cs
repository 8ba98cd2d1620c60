using System.Text;
using Runc.Cli;
using Runc.Runtime.Logging;

namespace Runc.Cli.Tests;

/// <summary>The static logger is process-wide: tests that drive it run one at a time.</summary>
[CollectionDefinition("Logger", DisableParallelization = true)]
public sealed class LoggerCollection;

/// <summary>End to end through <see cref="App"/>: stdout, stderr, log file contents and exit status.</summary>
[Collection("Logger")]
public sealed class AppTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 6, 19, 1, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("nrunc-cli-test-").FullName;
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();

    public void Dispose()
    {
        Logger.Reset();
        Directory.Delete(_dir, recursive: true);
    }

    private string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());
    private string Stderr => Encoding.UTF8.GetString(_stderr.ToArray());
    private string LogPath => Path.Combine(_dir, "log.json");

    private int Run(Func<Invocation, int> dispatch, params string[] argv) =>
        App.Run(argv, dispatch, new App.Io(_stdout, _stderr, () => Now), TestHost.With());

    private static int Throw(RuncException e) => throw e;

    [Fact]
    public void Success_prints_nothing_but_creates_the_log_file()
    {
        Invocation? seen = null;
        int rc = Run(inv => { seen = inv; return 0; }, "--root", _dir, "--log", LogPath, "--log-format", "json",
            "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "c1");
        Assert.Equal(0, rc);
        Assert.Equal("c1", seen!.ContainerId);
        Assert.Equal("", Stdout);
        Assert.Equal("", Stderr);
        Assert.True(File.Exists(LogPath));
        Assert.Equal("", File.ReadAllText(LogPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(LogPath) & ~(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)); // 0644 less umask
    }

    [Fact]
    public void Dispatch_status_is_the_exit_status()
    {
        Assert.Equal(137, Run(_ => 137, "--root", _dir, "run", "r1"));
    }

    [Fact]
    public void Create_failure_goes_to_the_json_log_and_bare_to_stderr()
    {
        File.WriteAllText(LogPath, "{\"level\":\"info\",\"msg\":\"earlier call\",\"time\":\"2026-11-27T06:00:00Z\"}\n");
        int rc = Run(_ => Throw(ContainerException.Exists()), "--root", _dir, "--log", LogPath, "--log-format", "json", "create", "c1");
        Assert.Equal(1, rc);
        Assert.Equal("nrunc create failed: container with given ID already exists\n", Stderr);
        Assert.Equal("{\"level\":\"info\",\"msg\":\"earlier call\",\"time\":\"2026-11-27T06:00:00Z\"}\n" +
                     "{\"level\":\"error\",\"msg\":\"nrunc create failed: container with given ID already exists\",\"time\":\"2026-11-27T06:19:01Z\"}\n",
            File.ReadAllText(LogPath)); // appended, never truncated: containerd shares one log.json between calls
    }

    [Fact]
    public void Json_without_log_file_goes_to_stderr_once()
    {
        int rc = Run(_ => Throw(ContainerException.NotFound()), "--root", _dir, "--log-format", "json", "kill", "c1", "9");
        Assert.Equal(1, rc);
        Assert.Equal("{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\"2026-11-27T06:19:01Z\"}\n", Stderr);
    }

    [Fact]
    public void Text_log_file_gets_logrus_line_and_stderr_the_bare_message()
    {
        int rc = Run(_ => Throw(new RuncException("chdir /nonexist: no such file or directory")), "--root", _dir, "--log", LogPath, "run", "r1");
        Assert.Equal(1, rc);
        Assert.Equal("nrunc run failed: chdir /nonexist: no such file or directory\n", Stderr);
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"nrunc run failed: chdir /nonexist: no such file or directory\"\n", File.ReadAllText(LogPath));
    }

    [Fact]
    public void Default_logger_is_text_on_stderr()
    {
        int rc = Run(_ => Throw(ContainerException.NotRunning()), "--root", _dir, "pause", "c1");
        Assert.Equal(1, rc);
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"container not running\"\n", Stderr);
    }

    [Theory]
    [InlineData("create", "nrunc create failed: ", 1)]
    [InlineData("run", "nrunc run failed: ", 1)]
    [InlineData("exec", "exec failed: ", 255)]
    [InlineData("start", "", 1)]
    [InlineData("kill", "", 1)]
    [InlineData("delete", "", 1)]
    [InlineData("state", "", 1)]
    [InlineData("pause", "", 1)]
    [InlineData("resume", "", 1)]
    [InlineData("update", "", 1)]
    [InlineData("events", "", 1)]
    [InlineData("ps", "", 1)]
    [InlineData("checkpoint", "", 1)]
    [InlineData("restore", "", 1)]
    public void Failure_prefix_and_exit_code_per_command(string command, string prefix, int exitCode)
    {
        int rc = Run(_ => Throw(ContainerException.NotFound()), "--root", _dir, "--log", LogPath, command, "c1");
        Assert.Equal(exitCode, rc);
        Assert.Equal(prefix + "container does not exist\n", Stderr);
    }

    [Fact]
    public void Other_exceptions_still_end_in_one_error_record()
    {
        int rc = Run(_ => throw new InvalidOperationException("boom"), "--root", _dir, "--log-format", "json", "exec", "c1", "sh");
        Assert.Equal(255, rc);
        Assert.Equal("{\"level\":\"error\",\"msg\":\"exec failed: boom\",\"time\":\"2026-11-27T06:19:01Z\"}\n", Stderr);
    }

    [Fact]
    public void Usage_error_prints_help_on_stdout_and_logs_the_error()
    {
        bool called = false;
        int rc = Run(_ => { called = true; return 0; }, "--root", _dir, "--log", LogPath, "--log-format", "json", "create");
        Assert.Equal(1, rc);
        Assert.False(called);
        Assert.StartsWith("Incorrect Usage.\n\nNAME:\n   nrunc create - create a container\n", Stdout);
        Assert.Equal("nrunc: \"create\" requires exactly 1 argument(s)\n", Stderr);
        Assert.Equal("{\"level\":\"error\",\"msg\":\"nrunc: \\\"create\\\" requires exactly 1 argument(s)\",\"time\":\"2026-11-27T06:19:01Z\"}\n",
            File.ReadAllText(LogPath));
    }

    [Fact]
    public void Exec_usage_errors_exit_1_not_255()
    {
        Assert.Equal(1, Run(_ => 0, "--root", _dir, "exec", "-e", "A", "--env=B", "c1", "sh"));
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"Cannot use two forms of the same flag: e env\"\n", Stderr);
    }

    [Fact]
    public void Unknown_command_exits_3_with_cli_text()
    {
        Assert.Equal(3, Run(_ => 0, "--root", _dir, "--log", LogPath, "frobnicate"));
        Assert.Equal("No help topic for 'frobnicate'\n", Stderr);
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"No help topic for 'frobnicate'\\n\"\n", File.ReadAllText(LogPath));
        Assert.Equal("", Stdout);
    }

    [Fact]
    public void Global_parse_error_ignores_the_requested_log_setup()
    {
        Assert.Equal(1, Run(_ => 0, "--log", LogPath, "--log-format", "json", "--frob", "list"));
        Assert.False(File.Exists(LogPath));
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"flag provided but not defined: -frob\"\n", Stderr);
        Assert.StartsWith("Incorrect Usage. flag provided but not defined: -frob\n\n", Stdout);
    }

    [Fact]
    public void Invalid_log_format_is_reported_in_text()
    {
        Assert.Equal(1, Run(_ => 0, "--log-format", "xml", "list"));
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"invalid log-format: xml\"\n", Stderr);
    }

    [Fact]
    public void Unopenable_log_file_fails_the_call()
    {
        Assert.Equal(1, Run(_ => 0, "--root", _dir, "--log", Path.Combine(_dir, "missing", "log"), "list"));
        Assert.Contains("no such file or directory", Stderr);
    }

    [Fact]
    public void Help_and_version_exit_0_without_touching_the_log()
    {
        Assert.Equal(0, Run(_ => 1, "--log", LogPath, "--version"));
        Assert.StartsWith("nrunc version ", Stdout);
        Assert.Equal(0, Run(_ => 1, "--log", LogPath, "--help"));
        Assert.False(File.Exists(LogPath));
        Assert.Equal(0, Run(_ => 1, "--root", _dir, "--log", LogPath, "checkpoint", "--help"));
        Assert.True(File.Exists(LogPath)); // like runc: the log is opened before command help
        Assert.Equal("", Stderr);
    }

    [Fact]
    public void Podman_restore_probe_says_flag_needs_an_argument()
    {
        Assert.Equal(1, Run(_ => 0, "--root", _dir, "restore", "--lsm-mount-context"));
        Assert.Contains("flag needs an argument", Stdout + Stderr);
    }

    [Fact]
    public void Debug_enables_debug_lines_with_caller()
    {
        int rc = Run(_ => { Logger.Debug("spawning init"); Logger.Info("info line"); return 0; },
            "--root", _dir, "--debug", "--log", LogPath, "--log-format", "json", "state", "c1");
        Assert.Equal(0, rc);
        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(2, lines.Length);
        Assert.Matches("^\\{\"file\":\"[^\"]*AppTests.cs:\\d+\",\"func\":\"[^\"]+\",\"level\":\"debug\",\"msg\":\"spawning init\",\"time\":\"2026-11-27T06:19:01Z\"\\}$", lines[0]);
        Assert.Contains("\"level\":\"info\"", lines[1]);
    }

    [Fact]
    public void Without_debug_debug_lines_are_dropped_and_warnings_kept()
    {
        Run(_ => { Logger.Debug("hidden"); Logger.Warn("kernel memory is not supported, ignoring"); return 0; },
            "--root", _dir, "--log-format", "json", "update", "c1");
        Assert.Equal("{\"level\":\"warning\",\"msg\":\"kernel memory is not supported, ignoring\",\"time\":\"2026-11-27T06:19:01Z\"}\n", Stderr);
    }

    [Fact]
    public void Xdg_root_is_created_private_and_sticky()
    {
        var host = TestHost.With(new() { ["XDG_RUNTIME_DIR"] = _dir }, euid: 1000);
        GlobalOptions? globals = null;
        int rc = App.Run(["list"], inv => { globals = inv.Globals; return 0; }, new App.Io(_stdout, _stderr, () => Now), host);
        Assert.Equal(0, rc);
        string root = Path.Combine(_dir, "nrunc");
        Assert.Equal(root, globals!.Root);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.StickyBit, File.GetUnixFileMode(root));
    }
}
