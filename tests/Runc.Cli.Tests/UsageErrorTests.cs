using Runc.Cli;

namespace Runc.Cli.Tests;

/// <summary>Refused command lines: exact message, exit status and stdout shape, as Debian's runc 1.1.5 prints them.</summary>
public class UsageErrorTests
{
    [Theory]
    [InlineData("flag provided but not defined: -frob", "create", "--frob", "c1")]
    [InlineData("flag provided but not defined: -root", "create", "--root", "/x", "c1")] // globals only before the command
    [InlineData("flag provided but not defined: -dt", "exec", "-dt", "c1", "sh")]        // no combined short flags
    [InlineData("flag needs an argument: -lsm-mount-context", "restore", "--lsm-mount-context")] // podman's probe
    [InlineData("flag needs an argument: -format", "list", "--format")]
    [InlineData("flag needs an argument: -resources", "update", "--resources")]
    [InlineData("Cannot use two forms of the same flag: e env", "exec", "-e", "A", "--env=B", "c1", "sh")]
    [InlineData("Cannot use two forms of the same flag: b bundle", "create", "-b", "a", "--bundle=b", "x")]
    [InlineData("Cannot use two forms of the same flag: f force", "delete", "--force", "-f", "x")]
    [InlineData("invalid value \"abc\" for flag -preserve-fds: parse error", "create", "--preserve-fds=abc", "x")]
    [InlineData("invalid value \"99999999999999999999\" for flag -preserve-fds: value out of range", "create", "--preserve-fds=99999999999999999999", "x")]
    [InlineData("invalid value \"xyz\" for flag -interval: parse error", "events", "--interval=xyz", "x")]
    [InlineData("invalid value \"-1\" for flag -blkio-weight: parse error", "update", "--blkio-weight", "-1", "x")]
    [InlineData("invalid value \"1__0\" for flag -pids-limit: parse error", "update", "--pids-limit", "1__0", "x")]
    [InlineData("invalid boolean value \"maybe\" for -force: parse error", "delete", "--force=maybe", "x")]
    [InlineData("bad flag syntax: ---bundle", "create", "---bundle", "x")]
    [InlineData("bad flag syntax: -=x", "create", "-=x", "y")]
    [InlineData("flag provided but not defined: -parent-path", "restore", "--parent-path", "X", "c1")] // containerd's rare ParentCheckpoint
    [InlineData("flag provided but not defined: -detach", "create", "--detach", "c1")]
    public void Command_flag_errors(string message, params string[] argv)
    {
        var r = TestHost.Parse(argv);
        Assert.Equal(ParseOutcome.UsageError, r.Outcome);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(message, r.Error);
        Assert.StartsWith($"Incorrect Usage: {message}\n\nNAME:\n   nrunc {argv[0]} - ", r.Stdout);
        Assert.NotNull(r.Globals); // runc's Before ran: the error goes to the configured logger
    }

    [Theory]
    [InlineData("nrunc: \"create\" requires exactly 1 argument(s)", "create")]
    [InlineData("nrunc: \"create\" requires exactly 1 argument(s)", "create", "a", "b")]
    [InlineData("nrunc: \"kill\" requires a minimum of 1 argument(s)", "kill", "--all")]
    [InlineData("nrunc: \"kill\" requires a maximum of 2 argument(s)", "kill", "a", "b", "c")]
    [InlineData("nrunc: \"exec\" requires a minimum of 1 argument(s)", "exec")]
    [InlineData("nrunc: \"ps\" requires a minimum of 1 argument(s)", "ps")]
    [InlineData("nrunc: \"list\" requires exactly 0 argument(s)", "list", "extra")]
    [InlineData("nrunc: \"spec\" requires exactly 0 argument(s)", "spec", "a", "b")]
    [InlineData("nrunc: \"features\" requires exactly 0 argument(s)", "features", "x")]
    [InlineData("nrunc: \"resume\" requires exactly 1 argument(s)", "resume", "a", "b")]
    [InlineData("nrunc: \"events\" requires exactly 1 argument(s)", "events")]
    [InlineData("nrunc: \"create\" requires exactly 1 argument(s)", "create", "--help=false")]
    public void Argument_count_errors(string message, params string[] argv)
    {
        var r = TestHost.Parse(argv);
        Assert.Equal(ParseOutcome.UsageError, r.Outcome);
        Assert.Equal(message, r.Error);
        Assert.Equal("Incorrect Usage.\n\n" + HelpText.ForCommand(CommandTable.Find(argv[0])!), r.Stdout);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("help", "frob")]
    [InlineData("--root", "/r", "frob", "--x")]
    public void Unknown_command_exits_3(params string[] argv)
    {
        var r = TestHost.Parse(argv);
        Assert.Equal(ParseOutcome.UnknownCommand, r.Outcome);
        Assert.Equal(3, r.ExitCode);
        Assert.Matches("^No help topic for '[a-z]+'\n$", r.Error);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Global_flag_errors_use_the_default_logger_and_app_help()
    {
        var r = TestHost.Parse("--log-format", "json", "--frob", "list");
        Assert.Equal(ParseOutcome.UsageError, r.Outcome);
        Assert.Equal("flag provided but not defined: -frob", r.Error);
        Assert.StartsWith("Incorrect Usage. flag provided but not defined: -frob\n\nNAME:\n   nrunc - ", r.Stdout);
        Assert.Null(r.Globals);

        Assert.Equal("flag needs an argument: -root", TestHost.Parse("--root").Error);
        Assert.Equal("invalid boolean value \"maybe\" for -debug: parse error", TestHost.Parse("--debug=maybe", "list").Error);
    }

    [Fact]
    public void Global_two_forms_prints_without_incorrect_usage()
    {
        var r = TestHost.Parse("-v", "--version");
        Assert.Equal("Cannot use two forms of the same flag: v version", r.Error);
        Assert.StartsWith("Cannot use two forms of the same flag: v version\nNAME:", r.Stdout);
    }

    [Fact]
    public void Bad_log_format_fails_before_the_command_is_looked_at()
    {
        var r = TestHost.Parse("--log-format", "xml", "frob");
        Assert.Equal(ParseOutcome.Failed, r.Outcome);
        Assert.Equal("invalid log-format: xml", r.Error);
        Assert.Equal(1, r.ExitCode);
        Assert.Null(r.Globals);
        Assert.Equal("", r.Stdout);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/tmp/..")]
    [InlineData("")]
    public void Root_of_slash_or_empty_is_refused(string root)
    {
        var r = TestHost.Parse("--root", root, "list");
        Assert.Equal(ParseOutcome.Failed, r.Outcome);
        Assert.StartsWith("invalid --root", r.Error);
    }
}
