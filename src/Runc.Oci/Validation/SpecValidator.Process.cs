using Runc.Oci.Kernel;

namespace Runc.Oci;

public static partial class SpecValidator
{
    private static readonly HashSet<string> IoPriorityClasses = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"];

    private static readonly HashSet<string> SchedulerPolicies =
        ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

    private static void ValidateProcess(Process? process, Findings findings)
    {
        // Wording of runc@v1.1.5:utils_linux.go validateProcessSpec.
        if (process == null)
        {
            findings.Error("process", "process property must not be empty");
            return;
        }
        if (process.Args is not { Count: > 0 })
            findings.Error("process.args", "args must not be empty");
        if (!process.Cwd.StartsWith('/'))
            findings.Error("process.cwd", $"Cwd must be an absolute path, not {Q(process.Cwd)}");

        for (int i = 0; i < (process.Env?.Count ?? 0); i++)
        {
            string entry = process.Env![i] ?? "";
            int eq = entry.IndexOf('=');
            if (eq < 0) findings.Error($"process.env[{i}]", $"invalid environment variable {Q(entry)}: missing '='");
            else if (eq == 0) findings.Error($"process.env[{i}]", $"invalid environment variable {Q(entry)}: name cannot be empty");
        }

        ValidateRlimits(process.Rlimits, findings);
        ValidateCapabilities(process.Capabilities, findings);

        if (process.OomScoreAdj is int oom && (oom < -1000 || oom > 1000))
            findings.Error("process.oomScoreAdj", $"{oom} is out of range [-1000, 1000]");

        if (process.IoPriority is { } io)
        {
            if (!IoPriorityClasses.Contains(io.Class))
                findings.Error("process.ioPriority.class", $"unknown class {Q(io.Class)}");
            if (io.Priority is < 0 or > 7)
                findings.Error("process.ioPriority.priority", $"{io.Priority} is out of range [0, 7]");
        }

        if (process.Scheduler is { } sched && !SchedulerPolicies.Contains(sched.Policy))
            findings.Error("process.scheduler.policy", $"unknown policy {Q(sched.Policy)}");
    }

    private static void ValidateRlimits(List<PosixRlimit>? rlimits, Findings findings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (rlimits?.Count ?? 0); i++)
        {
            var limit = rlimits![i];
            string path = $"process.rlimits[{i}]";
            if (limit == null) { findings.Error(path, "must not be null"); continue; }
            // The spec says duplicates MUST error; runc 1.1.5 silently keeps the last one.
            if (!seen.Add(limit.Type)) findings.Error(path, $"duplicate rlimit type {Q(limit.Type)}");
            if (!RlimitTypes.TryGetResource(limit.Type, out _)) findings.Error(path, $"wrong rlimit value: {limit.Type}");
            if (limit.Soft > limit.Hard)
                findings.Error(path, $"soft limit {limit.Soft} is greater than hard limit {limit.Hard} for {Q(limit.Type)}");
        }
    }

    private static void ValidateCapabilities(LinuxCapabilities? caps, Findings findings)
    {
        if (caps == null) return;
        // runc warns once with the sorted set of unknown names across all five sets and carries on.
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var set in new[] { caps.Bounding, caps.Effective, caps.Inheritable, caps.Permitted, caps.Ambient })
            foreach (var name in set ?? [])
                if (!Capabilities.TryGetNumber(name ?? "", out _)) unknown.Add(name ?? "");
        if (unknown.Count > 0)
            findings.Warn("process.capabilities", $"ignoring unknown or unavailable capabilities: [{string.Join(' ', unknown)}]");
    }
}
