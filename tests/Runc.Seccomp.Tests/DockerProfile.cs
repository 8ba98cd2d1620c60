using System.Text.Json;
using Runc.Oci;

namespace Runc.Seccomp.Tests;

/// <summary>
/// Turns Docker's default profile template into the OCI profile dockerd hands the runtime: the
/// native arch's archMap entry becomes <c>architectures</c>, rules are kept or dropped by their
/// includes/excludes (arches, caps, minKernel), as moby's profiles/seccomp does.
/// </summary>
internal static class DockerProfile
{
    public static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "Assets", "docker-default.json");

    /// <param name="goArch">Docker's arch name (amd64, arm64, s390x, ppc64le, riscv64 ...).</param>
    /// <param name="scmpArch">The matching SCMP_ARCH_* for the archMap.</param>
    public static LinuxSeccomp Load(string goArch = "amd64", string scmpArch = "SCMP_ARCH_X86_64", string[]? caps = null, int kernelMajor = 6, int kernelMinor = 8)
    {
        caps ??= DefaultCapabilities;
        using var doc = JsonDocument.Parse(File.ReadAllText(TemplatePath));
        var root = doc.RootElement;
        var profile = new LinuxSeccomp
        {
            DefaultAction = root.GetProperty("defaultAction").GetString()!,
            DefaultErrnoRet = root.TryGetProperty("defaultErrnoRet", out var der) ? der.GetUInt32() : null,
            Architectures = [],
            Syscalls = [],
        };
        foreach (var entry in root.GetProperty("archMap").EnumerateArray())
        {
            if (entry.GetProperty("architecture").GetString() != scmpArch) continue;
            profile.Architectures.Add(scmpArch);
            if (entry.GetProperty("subArchitectures").ValueKind == JsonValueKind.Array)
                profile.Architectures.AddRange(entry.GetProperty("subArchitectures").EnumerateArray().Select(a => a.GetString()!));
        }
        foreach (var rule in root.GetProperty("syscalls").EnumerateArray())
        {
            if (!Included(rule, goArch, caps, kernelMajor, kernelMinor)) continue;
            var syscall = new LinuxSyscall
            {
                Names = rule.GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToList(),
                Action = rule.GetProperty("action").GetString()!,
                ErrnoRet = rule.TryGetProperty("errnoRet", out var er) ? er.GetUInt32() : null,
            };
            if (rule.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
            {
                syscall.Args = args.EnumerateArray().Select(a => new LinuxSeccompArg
                {
                    Index = a.GetProperty("index").GetUInt32(),
                    Value = a.GetProperty("value").GetUInt64(),
                    ValueTwo = a.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0,
                    Op = a.GetProperty("op").GetString()!,
                }).ToList();
            }
            profile.Syscalls.Add(syscall);
        }
        return profile;
    }

    private static bool Included(JsonElement rule, string goArch, string[] caps, int major, int minor)
    {
        if (rule.TryGetProperty("includes", out var inc))
        {
            if (inc.TryGetProperty("arches", out var arches) && !arches.EnumerateArray().Any(a => a.GetString() == goArch)) return false;
            if (inc.TryGetProperty("caps", out var need) && !need.EnumerateArray().All(c => caps.Contains(c.GetString()))) return false;
            if (inc.TryGetProperty("minKernel", out var mk))
            {
                var parts = mk.GetString()!.Split('.');
                int wantMajor = int.Parse(parts[0]), wantMinor = int.Parse(parts[1]);
                if (major < wantMajor || (major == wantMajor && minor < wantMinor)) return false;
            }
        }
        if (rule.TryGetProperty("excludes", out var exc))
        {
            if (exc.TryGetProperty("arches", out var arches) && arches.EnumerateArray().Any(a => a.GetString() == goArch)) return false;
            if (exc.TryGetProperty("caps", out var have) && have.EnumerateArray().Any(c => caps.Contains(c.GetString()))) return false;
        }
        return true;
    }
}
