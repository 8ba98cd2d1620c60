using System.Runtime.Versioning;
using Xunit;

[assembly: SupportedOSPlatform("linux")]

// One test at a time: tests look for leftover processes of the runtime binary and for cgroups, which a parallel
// test would create; and containers are heavy on a 2-CPU machine anyway.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
