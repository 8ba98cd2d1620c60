using Runc.Oci.Kernel;

namespace Runc.Oci;

public static partial class SpecValidator
{
    private static void ValidateSeccomp(LinuxSeccomp? seccomp, Findings findings)
    {
        if (seccomp == null) return;

        if (!SeccompNames.Actions.Contains(seccomp.DefaultAction))
            findings.Error("linux.seccomp.defaultAction", $"unknown action {Q(seccomp.DefaultAction)}");
        else if (seccomp.DefaultAction == "SCMP_ACT_NOTIFY")
            // The notify listener itself runs in the container: it would be blocked by its own filter.
            findings.Error("linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be used as default action");
        if (seccomp.DefaultErrnoRet != null && !SeccompNames.TakesErrno(seccomp.DefaultAction))
            findings.Error("linux.seccomp.defaultErrnoRet", $"errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not {seccomp.DefaultAction}");

        for (int i = 0; i < (seccomp.Architectures?.Count ?? 0); i++)
            if (!SeccompNames.Architectures.Contains(seccomp.Architectures![i] ?? ""))
                findings.Error($"linux.seccomp.architectures[{i}]", $"unknown architecture {Q(seccomp.Architectures[i] ?? "")}");

        for (int i = 0; i < (seccomp.Flags?.Count ?? 0); i++)
            if (!SeccompNames.Flags.Contains(seccomp.Flags![i] ?? ""))
                findings.Error($"linux.seccomp.flags[{i}]", $"seccomp flag {Q(seccomp.Flags[i] ?? "")} is not supported");

        bool usesNotify = false;
        for (int i = 0; i < (seccomp.Syscalls?.Count ?? 0); i++)
        {
            var rule = seccomp.Syscalls![i];
            string path = $"linux.seccomp.syscalls[{i}]";
            if (rule == null) { findings.Error(path, "must not be null"); continue; }
            if (rule.Names is not { Count: > 0 })
                findings.Error(path + ".names", "must not be empty");
            else if (rule.Names.Exists(string.IsNullOrEmpty))
                findings.Error(path + ".names", "syscall names must not be empty strings");

            if (!SeccompNames.Actions.Contains(rule.Action))
                findings.Error(path + ".action", $"unknown action {Q(rule.Action)}");
            else if (rule.Action == "SCMP_ACT_NOTIFY")
            {
                usesNotify = true;
                // Notifying on write(2) would deadlock: the agent's reply path may need it.
                if (rule.Names?.Contains("write") == true)
                    findings.Error(path + ".action", "SCMP_ACT_NOTIFY cannot be used for the write syscall");
            }
            if (rule.ErrnoRet != null && !SeccompNames.TakesErrno(rule.Action))
                findings.Error(path + ".errnoRet", $"errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not {rule.Action}");

            for (int j = 0; j < (rule.Args?.Count ?? 0); j++)
            {
                var arg = rule.Args![j];
                string argPath = $"{path}.args[{j}]";
                if (arg == null) { findings.Error(argPath, "must not be null"); continue; }
                if (arg.Index > 5)
                    findings.Error(argPath + ".index", $"{arg.Index} is out of range [0, 5]");
                if (!SeccompNames.Operators.Contains(arg.Op))
                    findings.Error(argPath + ".op", $"unknown operator {Q(arg.Op)}");
            }
        }

        if (usesNotify && string.IsNullOrEmpty(seccomp.ListenerPath))
            findings.Error("linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY is used but no listenerPath is given");
        if (!string.IsNullOrEmpty(seccomp.ListenerPath) && !seccomp.ListenerPath.StartsWith('/'))
            findings.Error("linux.seccomp.listenerPath", $"{Q(seccomp.ListenerPath)} is not an absolute path");
    }
}
