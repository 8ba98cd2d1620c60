using System.Text;
using Runc.Runtime.Logging;
using Runc.Oci;

namespace Runc.Cli.Tests;

public class LogLineTests
{
    private static readonly DateTimeOffset Utc = new(2026, 11, 27, 6, 19, 1, 123, TimeSpan.Zero);

    [Fact]
    public void Json_line_has_sorted_keys_and_rfc3339_seconds()
    {
        Assert.Equal("{\"level\":\"error\",\"msg\":\"nrunc create failed: container with given ID already exists\",\"time\":\"2026-11-27T06:19:01Z\"}\n",
            LogLine.Json(Utc, LogLevel.Error, "nrunc create failed: container with given ID already exists", null));
    }

    [Fact]
    public void Json_escapes_like_go()
    {
        string line = LogLine.Json(Utc, LogLevel.Warning, "a<b>&\"c\"\\\n\t\u0001\u2028é😀", null);
        Assert.Equal("{\"level\":\"warning\",\"msg\":\"a\\u003cb\\u003e\\u0026\\\"c\\\"\\\\\\n\\t\\u0001\\u2028é😀\",\"time\":\"2026-11-27T06:19:01Z\"}\n", line);
        Assert.Contains("\\ufffd", LogLine.Json(Utc, LogLevel.Error, "bad\ud800half", null));
    }

    [Fact]
    public void Json_with_caller_puts_file_and_func_first()
    {
        Assert.Equal("{\"file\":\"Runc/Cli/App.cs:42\",\"func\":\"Run\",\"level\":\"debug\",\"msg\":\"x\",\"time\":\"2026-11-27T06:19:01Z\"}\n",
            LogLine.Json(Utc, LogLevel.Debug, "x", new LogLine.Caller("Run", "Runc/Cli/App.cs:42")));
    }

    [Fact]
    public void Time_keeps_the_local_offset()
    {
        var local = new DateTimeOffset(2026, 11, 27, 7, 19, 1, TimeSpan.FromHours(1));
        Assert.Equal("2026-11-27T07:19:01+01:00", LogLine.Rfc3339(local));
        Assert.Equal("2026-11-27T01:49:01-05:30", LogLine.Rfc3339(new DateTimeOffset(2026, 11, 27, 1, 49, 1, TimeSpan.FromMinutes(-330))));
        Assert.Equal("2026-11-27T06:19:01Z", LogLine.Rfc3339(Utc));
    }

    [Fact]
    public void Text_line_is_logrus_text()
    {
        Assert.Equal("time=\"2026-11-27T06:17:46Z\" level=error msg=\"File config.json exists. Remove it first\"\n",
            LogLine.Text(new DateTimeOffset(2026, 11, 27, 6, 17, 46, TimeSpan.Zero), LogLevel.Error, "File config.json exists. Remove it first", null));
    }

    [Theory]
    [InlineData("plain", "msg=plain")]
    [InlineData("a/b.c-d_e@f^g+h", "msg=a/b.c-d_e@f^g+h")]
    [InlineData("two words", "msg=\"two words\"")]
    [InlineData("nrunc: \"create\" requires", "msg=\"nrunc: \\\"create\\\" requires\"")]
    [InlineData("No help topic for 'x'\n", "msg=\"No help topic for 'x'\\n\"")]
    [InlineData("tab\there\u0007\u007f", "msg=\"tab\\there\\a\\x7f\"")]
    [InlineData("nbsp\u00a0é", "msg=\"nbsp\\u00a0é\"")]
    public void Text_quotes_only_when_logrus_would(string message, string expected)
    {
        Assert.Contains(" " + expected + "\n", LogLine.Text(Utc, LogLevel.Error, message, null));
    }

    [Fact]
    public void Text_leaves_out_an_empty_message_and_adds_caller_fields_last()
    {
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=info\n", LogLine.Text(Utc, LogLevel.Info, "", null));
        Assert.Equal("time=\"2026-11-27T06:19:01Z\" level=error msg=\"container does not exist\" func=\"Fatal()\" file=\"Runc/Cli/App.cs:61\"\n",
            LogLine.Text(Utc, LogLevel.Error, "container does not exist", new LogLine.Caller("Fatal", "Runc/Cli/App.cs:61")));
    }

    [Fact]
    public void Go_quote_handles_astral_and_controls()
    {
        Assert.Equal("\"😀\"", GoStrings.Quote("😀"));
        Assert.Equal("\"\\x00\\u200b\"", GoStrings.Quote("\0\u200b"));
        var sb = new StringBuilder();
        GoStrings.AppendJsonString(sb, "\b\f\u001f");
        Assert.Equal("\"\\u0008\\u000c\\u001f\"", sb.ToString());
    }

    [Theory]
    [InlineData("", LogFormat.Text)]
    [InlineData("text", LogFormat.Text)]
    [InlineData("json", LogFormat.Json)]
    public void Log_format_names(string name, LogFormat expected) => Assert.Equal(expected, LogFormats.Parse(name));

    [Fact]
    public void Unknown_log_format_has_runc_wording()
    {
        Assert.Equal("invalid log-format: xml", Assert.Throws<RuncException>(() => LogFormats.Parse("xml")).Message);
    }
}
