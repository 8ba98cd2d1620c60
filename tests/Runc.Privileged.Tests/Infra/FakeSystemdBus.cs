using System.Diagnostics;
using System.Security.Cryptography;

namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// A private D-Bus system bus (Debian's dbus-daemon with its own config and socket in a temp dir) with the fake systemd
/// manager (tools/fake-systemd) on it, and wrapper scripts that run a runtime against it: DBUS_SYSTEM_BUS_ADDRESS set,
/// and in a private mount namespace whose /run is a fresh tmpfs holding /run/systemd/system (runc's IsRunningSystemd),
/// so the host is never told that systemd runs. Units get a slice of their own name ("nrunctestHEX.slice") that the
/// fake removes from every hierarchy when it stops.
/// </summary>
public sealed class FakeSystemdBus : IDisposable
{
    readonly Process _dbus;
    readonly Process _fake;
    readonly string _dir;

    /// <param name="fail">"" or a fake-systemd failure flag: "--fail-start", "--fail-set".</param>
    /// <param name="privateSocket">Also serve systemd's private socket (direct connections, no bus) at <see cref="PrivateSocket"/>.</param>
    public FakeSystemdBus(TestScope scope, string fail = "", bool privateSocket = false)
    {
        _dir = scope.NewDir("bus");
        PrivateSocket = Path.Combine(_dir, "private.sock");
        Slice = "nrunctest" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".slice";
        Socket = Path.Combine(_dir, "bus.sock");
        Address = "unix:path=" + Socket;
        LogPath = Path.Combine(_dir, "calls.log");
        File.WriteAllText(LogPath, "");
        string conf = Path.Combine(_dir, "bus.conf");
        File.WriteAllText(conf, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>custom</type>
              <listen>{Address}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """);
        _dbus = Start("dbus-daemon", ["--config-file=" + conf, "--nofork", "--nosyslog"]);
        for (int i = 0; i < 500 && !File.Exists(Socket); i++) Thread.Sleep(10);
        if (!File.Exists(Socket)) throw new Xunit.Sdk.XunitException("dbus-daemon did not create " + Socket);

        string dll = Path.Combine(AppContext.BaseDirectory, "fake-systemd.dll");
        List<string> args = [dll, Address, LogPath];
        if (fail.Length > 0) args.Add(fail);
        if (privateSocket) args.AddRange(["--private", PrivateSocket]);
        _fake = Start("dotnet", args, redirect: true);
        string? line = _fake.StandardOutput.ReadLine();
        if (line != "ready") throw new Xunit.Sdk.XunitException("fake systemd did not start: " + line + _fake.StandardError.ReadToEnd());
    }

    public string Slice { get; }
    public string Socket { get; }
    public string Address { get; }
    public string LogPath { get; }
    /// <summary>Where the fake serves systemd's private socket when asked to (the wrappers link /run/systemd/private to it).</summary>
    public string PrivateSocket { get; }

    /// <summary>The calls recorded so far (see tools/fake-systemd).</summary>
    public string[] Calls() => File.ReadAllLines(LogPath);

    /// <summary>A script that runs <paramref name="bin"/> against this bus (or <paramref name="address"/>) as described above;
    /// with <paramref name="linkPrivate"/> its /run/systemd/private is a link to <see cref="PrivateSocket"/>.</summary>
    public string Wrapper(string bin, string tag, string? address = null, bool linkPrivate = false)
    {
        string path = Path.Combine(_dir, "with-fake-systemd-" + tag);
        string link = linkPrivate ? " && ln -s \"" + PrivateSocket + "\" /run/systemd/private" : "";
        File.WriteAllText(path, $"""
            #!/bin/sh
            export DBUS_SYSTEM_BUS_ADDRESS='{address ?? Address}'
            exec unshare -m --propagation private -- sh -c 'mount -t tmpfs -o size=1m,mode=755 nrunc-fake-run /run && mkdir -p /run/systemd/system{link} && exec "$@"' sh '{bin}' "$@"

            """);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    static Process Start(string file, IEnumerable<string> args, bool redirect = false)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = redirect, RedirectStandardError = redirect };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new Xunit.Sdk.XunitException("cannot start " + file);
    }

    /// <summary>The slice's directories still present in any hierarchy.</summary>
    public List<string> SliceLeftovers() =>
        Directory.EnumerateDirectories(Leftovers.CgroupRoot).Select(h => Path.Combine(h, Slice)).Where(Directory.Exists).ToList();

    public void Dispose()
    {
        try
        {
            _fake.StandardInput.Close(); // the fake stops its units and removes its slices
            if (!_fake.WaitForExit(20_000)) _fake.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        try { _dbus.Kill(); _dbus.WaitForExit(5_000); } catch (InvalidOperationException) { }
        _fake.Dispose();
        _dbus.Dispose();
    }
}
