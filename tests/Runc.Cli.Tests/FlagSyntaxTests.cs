using Runc.Cli;

namespace Runc.Cli.Tests;

/// <summary>Go flag + urfave/cli v1 syntax (contract §1), each case checked against Debian's runc 1.1.5.</summary>
public class FlagSyntaxTests
{
    [Theory]
    [InlineData("--bundle", "/b")]
    [InlineData("-bundle", "/b")]
    [InlineData("--bundle=/b", null)]
    [InlineData("-bundle=/b", null)]
    [InlineData("-b", "/b")]
    [InlineData("--b=/b", null)]
    public void One_or_two_dashes_equals_or_next_argument(string flag, string? value)
    {
        string[] argv = value is null ? ["create", flag, "c1"] : ["create", flag, value, "c1"];
        Assert.Equal("/b", TestHost.Run(argv).GetString("bundle"));
    }

    [Fact]
    public void Value_is_taken_blindly_even_if_it_looks_like_a_flag()
    {
        Assert.Equal("--pid-file", TestHost.Run("create", "--bundle", "--pid-file", "c1").GetString("bundle"));
        Assert.Equal("-", TestHost.Run("create", "--pid-file", "-", "c1").GetString("pid-file"));
    }

    [Theory]
    [InlineData("--detach=false", false)]
    [InlineData("-d=false", false)]
    [InlineData("-d=0", false)]
    [InlineData("-d=F", false)]
    [InlineData("-d=T", true)]
    [InlineData("-d=1", true)]
    [InlineData("--detach=TRUE", true)]
    [InlineData("-d", true)]
    public void Bool_takes_only_the_equals_form(string flag, bool expected)
    {
        var inv = TestHost.Run("run", flag, "c1");
        Assert.Equal(expected, inv.GetBool("detach"));
        Assert.True(inv.IsSet("detach"));
    }

    [Fact]
    public void Bool_followed_by_false_makes_false_a_positional()
    {
        var r = TestHost.Parse("run", "--detach", "false", "c1");
        Assert.Equal(ParseOutcome.UsageError, r.Outcome);
        Assert.Equal("nrunc: \"run\" requires exactly 1 argument(s)", r.Error);
    }

    [Theory]
    [InlineData("0x0", 0)]
    [InlineData("0x10", 16)]
    [InlineData("010", 8)]
    [InlineData("0o10", 8)]
    [InlineData("0b101", 5)]
    [InlineData("1_000", 1000)]
    [InlineData("+3", 3)]
    [InlineData("-2", -2)]
    public void Ints_auto_detect_their_base(string text, long expected)
    {
        Assert.Equal(expected, TestHost.Run("create", "--preserve-fds=" + text, "c1").GetInt("preserve-fds"));
    }

    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m", 60_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0", 0)]
    [InlineData("-1s", -1_000)]
    public void Durations_use_go_syntax(string text, long expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), TestHost.Run("events", "--interval", text, "c1").GetDuration("interval"));
    }

    [Fact]
    public void Defaults_apply_when_flags_are_absent()
    {
        var ev = TestHost.Run("events", "c1");
        Assert.Equal(TimeSpan.FromSeconds(5), ev.GetDuration("interval"));
        Assert.False(ev.IsSet("interval"));
        Assert.Equal("table", TestHost.Run("list").GetString("format"));
        Assert.Equal(0, TestHost.Run("create", "c1").GetInt("preserve-fds"));
        Assert.Empty(TestHost.Run("exec", "c1", "sh").GetStrings("env"));
        Assert.Equal(0UL, TestHost.Run("update", "c1").GetUint("blkio-weight"));
    }

    [Fact]
    public void Slice_flags_repeat_in_order()
    {
        var inv = TestHost.Run("exec", "--env", "A=1", "-env=B=2", "--env", "C", "-g", "10", "-g", "20",
            "--cap", "CAP_X", "--cap", "CAP_Y", "--cgroup", "a", "--cgroup", "b", "c1", "sh");
        Assert.Equal(["A=1", "B=2", "C"], inv.GetStrings("env"));
        Assert.Equal(["10", "20"], inv.GetStrings("additional-gids"));
        Assert.Equal(["CAP_X", "CAP_Y"], inv.GetStrings("c"));
        Assert.Equal(["a", "b"], inv.GetStrings("cgroup"));
        Assert.Equal(["network", "ipc"], TestHost.Run("checkpoint", "--empty-ns", "network", "--empty-ns", "ipc", "c1").GetStrings("empty-ns"));
    }

    [Fact]
    public void Short_alias_meaning_depends_on_the_command()
    {
        Assert.Equal("P", TestHost.Run("exec", "-p", "P", "c1").GetString("process"));
        Assert.True(TestHost.Run("delete", "-f", "c1").GetBool("force"));
        Assert.Equal("json", TestHost.Run("list", "-f", "json").GetString("format"));
        Assert.True(TestHost.Run("list", "-q").GetBool("quiet"));
        Assert.Equal("0", TestHost.Run("exec", "-u", "0", "c1", "id").GetString("user"));
    }

    [Theory]
    [InlineData("delete", "c1", "--force")]
    [InlineData("create", "c1", "--bundle", "/b")]
    [InlineData("kill", "c1", "--all")]
    [InlineData("create", "c1", "--bundle=/b")]
    public void Flags_after_the_id_are_moved_in_front(params string[] argv)
    {
        var inv = TestHost.Run(argv);
        Assert.Equal("c1", inv.Args[0]);
        Assert.True(inv.Flags.VisitedNames.Count == 1);
    }

    [Fact]
    public void Reordering_carries_the_word_after_a_bool_flag_like_runc()
    {
        // runc 1.1.5: `kill q1 --all 0` signals container "0" (the word after --all travels with it).
        Assert.Equal(["0", "q1"], TestHost.Run("kill", "q1", "--all", "0").Args);
    }

    [Fact]
    public void Undefined_dash_words_after_the_id_stay_positional()
    {
        Assert.Equal(["c1", "-9"], TestHost.Run("kill", "c1", "-9").Args);
    }

    [Fact]
    public void Exec_stops_at_the_container_id()
    {
        var inv = TestHost.Run("exec", "c1", "-e", "X", "sh");
        Assert.Equal(["c1", "-e", "X", "sh"], inv.Args);
        Assert.Empty(inv.GetStrings("env"));

        Assert.Equal(["c1", "--", "echo", "hi"], TestHost.Run("exec", "c1", "--", "echo", "hi").Args);
        Assert.Equal(["c1", "echo", "hi"], TestHost.Run("exec", "--", "c1", "echo", "hi").Args);
        Assert.Equal(["c1", "--help"], TestHost.Run("exec", "c1", "--help").Args);
        Assert.Equal(["c1", "sh", "-c", "ls -l"], TestHost.Run("exec", "-t", "--cwd=/proc", "c1", "sh", "-c", "ls -l").Args);
    }

    [Fact]
    public void Ps_stops_at_the_container_id()
    {
        var inv = TestHost.Run("ps", "c1", "-o", "pid,comm");
        Assert.Equal(["c1", "-o", "pid,comm"], inv.Args);
        Assert.Equal("table", inv.GetString("format"));
        // `ps c1 --format json` hands --format to ps(1); go-runc therefore puts it first.
        Assert.Equal(["c1", "--format", "json"], TestHost.Run("ps", "c1", "--format", "json").Args);
    }

    [Fact]
    public void Double_dash_ends_flags()
    {
        Assert.Equal(["-x"], TestHost.Run("state", "--", "-x").Args);
        Assert.Equal(["c1"], TestHost.Run("delete", "--", "c1").Args);
        var r = TestHost.Parse("list", "--", "-q");
        Assert.Equal("nrunc: \"list\" requires exactly 0 argument(s)", r.Error);
    }

    [Fact]
    public void Dash_alone_is_a_positional()
    {
        Assert.Equal(["-"], TestHost.Run("state", "-").Args);
    }

    [Fact]
    public void Globals_stop_at_the_command_name()
    {
        var inv = TestHost.Run("--debug", "-root=/r", "--rootless=true", "list");
        Assert.True(inv.Globals.Debug);
        Assert.Equal("/r", inv.Globals.Root);
        Assert.True(inv.Globals.ParseRootless());
        Assert.Equal("list", inv.Command.Name);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("", null)]
    [InlineData("AUTO", null)]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("FALSE", false)]
    [InlineData("f", false)]
    public void Rootless_is_go_parsebool_or_auto(string text, bool? expected)
    {
        Assert.Equal(expected, TestHost.Run("--rootless", text, "list").Globals.ParseRootless());
    }

    [Fact]
    public void A_bad_rootless_value_only_fails_where_it_is_read()
    {
        var inv = TestHost.Run("--rootless", "maybe", "list"); // runc 1.1.5: list still works
        Assert.Throws<RuncException>(() => inv.Globals.ParseRootless());
    }

    [Fact]
    public void Hidden_flags_parse()
    {
        var inv = TestHost.Run("update", "--kernel-memory", "1M", "--kernel-memory-tcp=2M", "c1");
        Assert.Equal("1M", inv.GetString("kernel-memory"));
        Assert.Equal("2M", inv.GetString("kernel-memory-tcp"));
    }

    [Fact]
    public void Pidfd_socket_is_accepted_by_create_run_exec()
    {
        Assert.Equal("/s", TestHost.Run("create", "--pidfd-socket", "/s", "c1").GetString("pidfd-socket"));
        Assert.Equal("/s", TestHost.Run("run", "--pidfd-socket=/s", "c1").GetString("pidfd-socket"));
        Assert.Equal("/s", TestHost.Run("exec", "--pidfd-socket", "/s", "c1", "sh").GetString("pidfd-socket"));
    }

    [Fact]
    public void Init_is_hidden_but_runs()
    {
        Assert.Equal("init", TestHost.Run("init").Command.Name);
        Assert.DoesNotContain("\n   init ", HelpText.ForApp());
    }

    [Fact]
    public void Reading_an_undeclared_flag_is_a_programming_error()
    {
        var inv = TestHost.Run("state", "c1");
        Assert.Throws<ArgumentException>(() => inv.GetBool("force"));
        Assert.Throws<ArgumentException>(() => TestHost.Run("delete", "c1").GetString("force"));
    }
}
