using Runc.Cli;

namespace Runc.Cli.Tests;

public class HelpAndVersionTests
{
    private static string Golden(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-help")]
    public void Global_help_flag_prints_app_help_without_setup(string flag)
    {
        var r = TestHost.Parse("--log-format", "xml", flag); // help wins before the log format is checked
        Assert.Equal(ParseOutcome.Info, r.Outcome);
        Assert.Equal(HelpText.ForApp(), r.Stdout);
        Assert.Null(r.Globals);
    }

    [Theory]
    [InlineData]
    [InlineData("help")]
    [InlineData("h")]
    public void No_command_or_help_command_prints_app_help(params string[] argv)
    {
        var r = TestHost.Parse(argv);
        Assert.Equal(ParseOutcome.Info, r.Outcome);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(HelpText.ForApp(), r.Stdout);
        Assert.NotNull(r.Globals); // runc opens --log for these
    }

    [Theory]
    [InlineData("checkpoint", "--help")] // podman's capability probe: must exit 0
    [InlineData("create", "-h")]
    [InlineData("create", "-help")]
    [InlineData("create", "x", "y", "--help")] // help wins over the argument count
    [InlineData("help", "create")]
    [InlineData("h", "create")]
    public void Command_help(params string[] argv)
    {
        var r = TestHost.Parse(argv);
        Assert.Equal(ParseOutcome.Info, r.Outcome);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("NAME:\n   nrunc ", r.Stdout);
        Assert.Equal(HelpText.ForCommand(CommandTable.Find(argv[0] is "help" or "h" ? argv[1] : argv[0])!), r.Stdout);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    public void Version(string flag)
    {
        var r = TestHost.Parse(flag);
        Assert.Equal(ParseOutcome.Info, r.Outcome);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^nrunc version \d+\.\d+\.\d+", lines[0]);
        Assert.StartsWith("commit: ", lines[1]);
        Assert.Equal("spec: 1.2.1", lines[2]);
        // docker splits every line containing "version": only the first may.
        Assert.All(lines.Skip(1), l => Assert.DoesNotContain("version", l));
        Assert.EndsWith("\n", r.Stdout);
    }

    [Fact]
    public void Version_comes_from_the_informational_version()
    {
        Assert.Equal(("0.1.0", "abc123"), VersionInfo.Split("0.1.0+abc123"));
        Assert.Equal(("0.1.0", "unknown"), VersionInfo.Split("0.1.0"));
        Assert.Equal(("0.0.0", "unknown"), VersionInfo.Split(null));
        Assert.Equal("0.1.0", VersionInfo.Version);
        Assert.NotEqual("", VersionInfo.Commit);
    }

    /// <summary>
    /// The OPTIONS blocks must be byte-identical to Debian runc 1.1.5's (Golden/runc-1.1.5, captured from
    /// `runc CMD --help`), with our name for runc's and without the runc 1.2 --pidfd-socket line we add.
    /// </summary>
    [Theory]
    [InlineData("create")]
    [InlineData("run")]
    [InlineData("exec")]
    [InlineData("kill")]
    [InlineData("delete")]
    [InlineData("list")]
    [InlineData("ps")]
    [InlineData("update")]
    [InlineData("events")]
    [InlineData("spec")]
    [InlineData("checkpoint")]
    [InlineData("restore")]
    public void Command_options_match_runc(string command)
    {
        string expected = Golden($"runc-1.1.5/{command}.options.txt").Replace("runc", "nrunc", StringComparison.Ordinal);
        string help = HelpText.ForCommand(CommandTable.Find(command)!);
        string actual = help[(help.IndexOf("\nOPTIONS:\n", StringComparison.Ordinal) + 10)..];
        actual = string.Join('\n', actual.Split('\n').Where(l => !l.Contains("--pidfd-socket", StringComparison.Ordinal)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Global_options_match_runc()
    {
        string expected = Golden("runc-1.1.5/global.options.txt").Replace("runc", "nrunc", StringComparison.Ordinal);
        string help = HelpText.ForApp();
        Assert.Equal(expected, help[(help.IndexOf("\nGLOBAL OPTIONS:\n", StringComparison.Ordinal) + 17)..]);
    }

    [Fact]
    public void Commands_without_flags_have_no_options_section()
    {
        string help = HelpText.ForCommand(CommandTable.StartCommand);
        Assert.StartsWith("NAME:\n   nrunc start - executes the user defined process in a created container\n\nUSAGE:\n   nrunc start <container-id>\n", help);
        Assert.DoesNotContain("OPTIONS", help);
        Assert.EndsWith("container.\n", help);
    }

    [Fact]
    public void App_help_golden()
    {
        Assert.Equal(Golden("app-help.txt").Replace("@VERSION@", VersionInfo.Details, StringComparison.Ordinal), HelpText.ForApp());
    }

    [Fact]
    public void Create_help_golden()
    {
        Assert.Equal(Golden("create-help.txt"), HelpText.ForCommand(CommandTable.CreateCommand));
    }

    [Fact]
    public void Hidden_flags_are_not_listed()
    {
        string help = HelpText.ForCommand(CommandTable.UpdateCommand);
        Assert.DoesNotContain("kernel-memory", help);
        Assert.DoesNotContain("--help", help);
    }
}
