using Runc.Cli;
using Runc.Oci;
using Runc.Oci.Kernel;

namespace Runc.Commands;

/// <summary>runtime-spec features.json: only what nrunc really does (CRI-O and containerd gate behaviour on it).</summary>
internal static class FeaturesCommand
{
    public static int Run(Invocation inv)
    {
        bool idmap = Runc.Runtime.Launch.IdmappedMounts.Supported();
        var mountOptions = new List<string>();
        foreach (var name in MountOptions.KnownNames)
            if (idmap || name is not ("idmap" or "ridmap")) mountOptions.Add(name);
        var features = new Features
        {
            OciVersionMin = SpecVersion.Minimum,
            OciVersionMax = "1.2.1",
            Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
            MountOptions = mountOptions,
            Linux = new FeaturesLinux
            {
                Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
                Capabilities = new(Capabilities.All),
                Cgroup = new FeaturesCgroup { V1 = true, V2 = true, Systemd = true, SystemdUser = false, Rdma = true },
                Seccomp = new FeaturesSeccomp
                {
                    // Probed on the running kernel, as runc/libseccomp do for the flags (and the kernel's
                    // SECCOMP_GET_ACTION_AVAIL for the actions): a list clients can rely on here.
                    Enabled = Runc.Seccomp.SeccompFeatures.KernelHasFilters(),
                    Actions = new(Runc.Seccomp.SeccompFeatures.ActionsOnThisKernel()),
                    Operators = new(Runc.Seccomp.SeccompFeatures.Operators),
                    Archs = new(Runc.Seccomp.SeccompFeatures.Archs),
                    KnownFlags = new(Runc.Seccomp.SeccompFeatures.KnownFlags),
                    SupportedFlags = new(Runc.Seccomp.SeccompFeatures.FlagsOnThisKernel()),
                },
                Apparmor = new FeaturesEnabled { Enabled = false },
                Selinux = new FeaturesEnabled { Enabled = false },
                IntelRdt = new FeaturesIntelRdt { Enabled = false },
                MountExtensions = new FeaturesMountExtensions { Idmap = new FeaturesEnabled { Enabled = idmap } },
            },
            Annotations = new Dictionary<string, string>
            {
                ["org.opencontainers.runc.version"] = VersionInfo.Version,
                ["io.github.nrunc.version"] = VersionInfo.Version,
            },
        };
        Dispatcher.Out(OciJson.SerializeFeatures(features));
        return 0;
    }
}
