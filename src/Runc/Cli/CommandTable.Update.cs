namespace Runc.Cli;

public static partial class CommandTable
{
    public static readonly CommandDef UpdateCommand = new()
    {
        Name = "update",
        Usage = "update container resource constraints",
        ArgsUsage = "<container-id>",
        Flags =
        [
            FlagDef.String("resources, r", """
                path to the file containing the resources to update or '-' to read from the standard input

                The accepted format is as follow (unchanged values can be omitted):

                {
                  "memory": {
                    "limit": 0,
                    "reservation": 0,
                    "swap": 0
                  },
                  "cpu": {
                    "shares": 0,
                    "quota": 0,
                    "period": 0,
                    "realtimeRuntime": 0,
                    "realtimePeriod": 0,
                    "cpus": "",
                    "mems": ""
                  },
                  "blockIO": {
                    "weight": 0
                  }
                }

                Note: if data is to be read from a file or the standard input, all
                other options are ignored.

                """),
            FlagDef.Uint("blkio-weight", "Specifies per cgroup weight, range is from 10 to 1000"),
            // The numbers below are strings on purpose (as in runc): update parses them itself, "-1" and sizes included.
            FlagDef.String("cpu-period", "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"),
            FlagDef.String("cpu-quota", "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"),
            FlagDef.String("cpu-share", "CPU shares (relative weight vs. other containers)"),
            FlagDef.String("cpu-rt-period", "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"),
            FlagDef.String("cpu-rt-runtime", "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"),
            FlagDef.String("cpuset-cpus", "CPU(s) to use"),
            FlagDef.String("cpuset-mems", "Memory node(s) to use"),
            // Accepted for old callers and ignored with a warning: kernel memory accounting is gone from the kernel.
            FlagDef.String("kernel-memory", "Kernel memory limit (in bytes)", hidden: true),
            FlagDef.String("kernel-memory-tcp", "Kernel memory limit for tcp buffer (in bytes)", hidden: true),
            FlagDef.String("memory", "Memory limit (in bytes)"),
            FlagDef.String("memory-reservation", "Memory reservation or soft_limit (in bytes)"),
            FlagDef.String("memory-swap", "Total memory usage (memory + swap); set '-1' to enable unlimited swap"),
            FlagDef.Int("pids-limit", "Maximum number of pids allowed in the container"),
            FlagDef.String("l3-cache-schema", "The string of Intel RDT/CAT L3 cache schema"),
            FlagDef.String("mem-bw-schema", "The string of Intel RDT/MBA memory bandwidth schema"),
        ],
        Args = ArgRule.Exactly(1),
    };
}
