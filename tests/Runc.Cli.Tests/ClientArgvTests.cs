using Runc.Cli;
using Runc.Runtime.Logging;

namespace Runc.Cli.Tests;

/// <summary>The argv shapes real clients send (runc-cli-contract §5), each parsed to what the handler must see.</summary>
public class ClientArgvTests
{
    [Fact]
    public void Containerd_create_with_globals_and_console_socket()
    {
        var inv = TestHost.Run("--root", "/run/containerd/runc/k8s.io", "--log", "/b/log.json", "--log-format", "json",
            "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "--console-socket", "/tmp/pty1/pty.sock", "c1");
        Assert.Equal("create", inv.Command.Name);
        Assert.Equal("/run/containerd/runc/k8s.io", inv.Globals.Root);
        Assert.True(inv.Globals.RootIsSet);
        Assert.Equal("/b/log.json", inv.Globals.LogFile);
        Assert.Equal(LogFormat.Json, inv.Globals.LogFormat);
        Assert.Equal("/b", inv.GetString("bundle"));
        Assert.Equal("/b", inv.GetString("b"));
        Assert.Equal("/b/init.pid", inv.GetString("pid-file"));
        Assert.Equal("/tmp/pty1/pty.sock", inv.GetString("console-socket"));
        Assert.Equal(["c1"], inv.Args);
        Assert.Equal("c1", inv.ContainerId);
        Assert.False(inv.IsSet("no-pivot"));
    }

    [Fact]
    public void Containerd_exec_detached_with_process_file()
    {
        var inv = TestHost.Run("--root", "R", "--log", "L", "--log-format", "json",
            "exec", "--process", "/tmp/runc-process1", "--detach", "--pid-file", "/b/e1.pid", "c1");
        Assert.Equal("/tmp/runc-process1", inv.GetString("process"));
        Assert.Equal("/tmp/runc-process1", inv.GetString("p"));
        Assert.True(inv.GetBool("detach"));
        Assert.Equal(["c1"], inv.Args);
        Assert.Equal(Path.GetFullPath("R"), inv.Globals.Root); // made absolute like runc's reviseRootDir
    }

    [Fact]
    public void Containerd_restore_with_single_dash_no_subreaper()
    {
        var inv = TestHost.Run("restore", "--image-path", "/ck", "--detach", "--pid-file", "/b/init.pid",
            "-no-subreaper", "--bundle", "/b", "c1");
        Assert.True(inv.GetBool("no-subreaper"));
        Assert.True(inv.GetBool("d"));
        Assert.Equal("/ck", inv.GetString("image-path"));
        Assert.Equal(["c1"], inv.Args);
    }

    [Fact]
    public void Containerd_kill_all_and_ps_json()
    {
        var kill = TestHost.Run("kill", "--all", "c1", "9");
        Assert.True(kill.GetBool("all"));
        Assert.Equal(["c1", "9"], kill.Args);

        var ps = TestHost.Run("ps", "--format", "json", "c1");
        Assert.Equal("json", ps.GetString("format"));
        Assert.Equal(["c1"], ps.Args);
    }

    [Theory]
    [InlineData("--resources", "-")]   // go-runc v1.0.0 (containerd 1.6/1.7), CRI-O
    [InlineData("--resources=-", "")]  // go-runc v1.1.0 (containerd 2.x)
    [InlineData("-r", "-")]
    [InlineData("-resources=-", "")]
    public void Update_resources_from_stdin(string flag, string value)
    {
        var inv = TestHost.Run(value.Length == 0 ? ["update", flag, "c1"] : ["update", flag, value, "c1"]);
        Assert.Equal("-", inv.GetString("resources"));
        Assert.Equal(["c1"], inv.Args);
    }

    [Fact]
    public void Podman_create_with_equals_log_format_and_no_root()
    {
        var inv = TestHost.Run("--log-format=json", "--log", "/run/u/oci-log", "create", "--bundle", "/u", "--pid-file", "/run/u/pidfile", "cid");
        Assert.Equal(LogFormat.Json, inv.Globals.LogFormat);
        Assert.Equal(CommandTable.DefaultRoot, inv.Globals.Root);
        Assert.False(inv.Globals.RootIsSet);
    }

    [Fact]
    public void Conmon_exec_with_tty_and_process_together()
    {
        var inv = TestHost.Run("--log-format=json", "--log", "/s/oci-log", "exec", "--pid-file", "/s/exec_pid",
            "--process", "/s/exec-process-1", "--detach", "--tty", "cid");
        Assert.True(inv.GetBool("tty"));
        Assert.True(inv.GetBool("t"));
        Assert.Equal("/s/exec-process-1", inv.GetString("p"));
    }

    [Fact]
    public void Podman_checkpoint_with_repeated_bool_and_update_with_file()
    {
        var ck = TestHost.Run("checkpoint", "--image-path", "/i", "--work-path", "/w", "--leave-running", "--leave-running", "cid");
        Assert.True(ck.GetBool("leave-running"));
        Assert.Equal(-1, ck.GetInt("status-fd")); // runc's default

        var up = TestHost.Run("update", "--resources=/var/tmp/podman1", "cid");
        Assert.Equal("/var/tmp/podman1", up.GetString("r"));
    }

    [Fact]
    public void Podman_runtime_opts_preserve_fds_and_lsm()
    {
        var inv = TestHost.Run("restore", "--bundle", "B", "--pid-file", "P", "--detach", "--image-path", "I", "--work-path", "B",
            "--lsm-profile=selinux:L", "--lsm-mount-context=C", "--file-locks", "--tcp-established", "cid");
        Assert.Equal("selinux:L", inv.GetString("lsm-profile"));
        Assert.Equal("C", inv.GetString("lsm-mount-context"));
    }

    [Fact]
    public void Crio_root_equals_form_kill_by_name_and_short_all()
    {
        var inv = TestHost.Run("--root=/run/crio-runc", "kill", "-a", "cid", "9");
        Assert.Equal("/run/crio-runc", inv.Globals.Root);
        Assert.True(inv.GetBool("all"));
        Assert.Equal(["cid", "9"], inv.Args);

        Assert.Equal(["cid", "KILL"], TestHost.Run("--root", "/r", "kill", "cid", "KILL").Args);
        Assert.True(TestHost.Run("--root", "/r", "--systemd-cgroup", "state", "cid").Globals.SystemdCgroup);
    }

    [Fact]
    public void Docker_version_and_features_need_no_state()
    {
        Assert.Equal(ParseOutcome.Info, TestHost.Parse("--version").Outcome);
        Assert.Empty(TestHost.Run("features").Args);
    }

    [Fact]
    public void Buildkit_foreground_run_with_keep()
    {
        var inv = TestHost.Run("--log", "/x/runc-log.json", "--log-format", "json", "run", "--bundle", "/b", "--no-pivot", "--keep", "id");
        Assert.True(inv.GetBool("keep"));
        Assert.True(inv.GetBool("no-pivot"));
        Assert.False(inv.GetBool("detach"));
    }

    [Fact]
    public void Containerd_16_criu_global_is_accepted()
    {
        var inv = TestHost.Run("--criu", "/usr/sbin/criu", "checkpoint", "c1");
        Assert.Equal("/usr/sbin/criu", inv.Globals.Criu);
        Assert.Equal("criu", TestHost.Run("state", "c1").Globals.Criu);
    }
}
