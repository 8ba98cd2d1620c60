using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// Seccomp in real containers, differentially: the same bundle with a seccomp profile runs
/// <c>Assets/syscall-probe.c</c> (built at test time with <c>gcc -static</c>, copied into the rootfs) under the oracle
/// (Debian's runc 1.1.5 + libseccomp 2.5.4) and under the runtime under test. The probe makes each listed syscall in
/// a forked child and prints <c>ok RET</c> / <c>errno N</c> / <c>trap</c> / <c>killed SIG</c> / <c>thread-killed</c>;
/// the two outputs must be equal line for line. A few expectations are asserted on the oracle's output first, so a
/// broken probe cannot pass by comparing two nothings.
/// </summary>
public sealed class SeccompTests(ITestOutputHelper output) : ScopedTest(output)
{
    // x86_64 numbers (the suite runs on x86_64; i386 numbers where the call is marked i386:).
    const int Getpid = 39, Getppid = 110, Getuid = 102, Getgid = 104, Geteuid = 107, Getegid = 108, SchedYield = 24,
        Getpgrp = 111, Gettid = 186, Getsid = 124, Personality = 135, Socket = 41, Clone = 56, Clone3 = 435, Mount = 165,
        Keyctl = 250, Bpf = 321, Mkdir = 83, Chmod = 90, Umask = 95, Unshare = 272, KexecLoad = 246, Uname = 63,
        Ptrace = 101, Reboot = 169, Setns = 308, Fchmodat2 = 452, Cachestat = 451, Mseal = 462;
    const int I386Getpid = 20, I386Getppid = 64, I386KexecLoad = 283, I386Mount = 21;

    /// <summary>LABEL=SPEC calls for the probe (see the probe's header for the syntax).</summary>
    sealed class Calls
    {
        public readonly List<string> Specs = [];
        /// <summary>Labels whose success value is a pid (runc's init was a multi-threaded Go program that used up pid
        /// numbers in the container's namespace, nrunc's was not): compared as "ok pid".</summary>
        public readonly HashSet<string> PidValued = [];
        public Calls Add(string label, int nr, params object[] args) => Raw(label, nr.ToString(), args);
        public Calls I386(string label, int nr, params object[] args) => Raw(label, "i386:" + nr, args);
        public Calls X32(string label, int nr, params object[] args) => Raw(label, "x32:" + nr, args);
        public Calls Thread(string label, int nr, params object[] args) => Raw(label, "thread:" + nr, args);

        Calls Raw(string label, string nr, object[] args)
        {
            if (nr is "39" or "186" or "thread:39" or "thread:186" or "i386:20" or "i386:224") PidValued.Add(label);
            var parts = new List<string> { nr };
            foreach (var a in args)
                parts.Add(a switch
                {
                    string s => "s:" + s,
                    ulong u => "0x" + u.ToString("x"),
                    long l => "0x" + ((ulong)l).ToString("x"),
                    int i => i.ToString(),
                    uint u => u.ToString(),
                    _ => throw new ArgumentException($"unsupported argument {a}"),
                });
            Specs.Add($"{label}={string.Join(',', parts)}");
            return this;
        }
    }

    // ---------------------------------------------------------------- the differential runs

    [PrivilegedFact]
    public void DockerDefaultProfile_SameResults()
    {
        var calls = new Calls()
            .Add("getpid", Getpid)
            .Add("uname-null", Uname, 0) // allowed; the kernel answers EFAULT
            .Add("mkdir-ro", Mkdir, "/probe-dir", 0x1ed) // allowed; read-only rootfs
            .Add("chmod-missing", Chmod, "/no/such", 0x1ed)
            .Add("socket-unix", Socket, 1, 1, 0) // AF_UNIX < 38
            .Add("socket-39", Socket, 39, 1, 0)
            .Add("socket-vsock", Socket, 40, 1, 0) // AF_VSOCK: the only family docker denies
            .Add("socket-41", Socket, 41, 1, 0)
            .Add("personality-query", Personality, 0xffffffffL)
            .Add("personality-linux", Personality, 0)
            .Add("personality-addr-no-rnd", Personality, 0x40000)
            .Add("personality-high-bits", Personality, 0x1_0000_0000L) // EQ 0 must see the high word
            .Add("clone-sighand-only", Clone, 0x800) // MASKED_EQ(0x7e020000) == 0: allowed, the kernel says EINVAL
            .Add("clone-newns", Clone, 0x20000) // a namespace flag: denied
            .Add("clone-newuser-high", Clone, 0x1_1000_0000L)
            .Add("clone3", Clone3, 0, 0) // errnoRet 38 without CAP_SYS_ADMIN
            .Add("mount", Mount, "none", "/", "tmpfs", 0, 0)
            .Add("unshare", Unshare, 0x10000000)
            .Add("setns", Setns, -1L, 0)
            .Add("keyctl", Keyctl, 0, 0)
            .Add("bpf", Bpf, 0, 0, 0)
            .Add("kexec_load", KexecLoad, 0, 0, 0, 0)
            .Add("reboot", Reboot, 0, 0, 0)
            .Add("ptrace-bad-pid", Ptrace, 16, 999999) // PTRACE_ATTACH, allowed on kernels >= 4.8
            .Add("umask-64", Umask, 0x1_0000_0022L)
            .Add("nr-500", 500) // beyond every table: runc's ENOSYS stub
            .Add("nr-1000", 1000)
            .Add("nr-huge", unchecked((int)0x3fff_ffff))
            .I386("i386-getpid", I386Getpid)
            .I386("i386-getppid", I386Getppid)
            .I386("i386-kexec_load", I386KexecLoad)
            .I386("i386-mount", I386Mount, 0, 0, 0, 0, 0)
            .I386("i386-nr-1000", 1000)
            .X32("x32-getpid", Getpid)
            .X32("x32-kexec_load", KexecLoad);
        var o = RunBoth(DockerProfile(), calls);
        Assert.StartsWith("ok ", o["getpid"]);
        Assert.Equal("errno 1", o["socket-vsock"]);
        Assert.Equal("errno 38", o["clone3"]);
        Assert.Equal("errno 1", o["kexec_load"]);
        Assert.Equal("errno 22", o["clone-sighand-only"]);
    }

    /// <summary>Syscalls added after libseccomp 2.5.4 (runc 1.1.5's tables end before them): docker's profile allows
    /// them, nrunc knows them, runc 1.1.5 answers ENOSYS (its stub for "newer than the profile"). Not differential: nrunc
    /// is expected to let them through to the kernel.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void DockerDefaultProfile_NewerSyscalls_ReachTheKernel()
    {
        var calls = new Calls()
            .Add("cachestat", Cachestat, -1L, 0, 0, 0) // bad fd: EBADF from the kernel
            .Add("fchmodat2", Fchmodat2, -100L, "/no/such", 0x1ed, 0)
            .Add("mseal", Mseal, 0, 0, 0);
        var b = ProbeBundle(DockerProfile(), calls);
        var r = _s.Runtime().Run("run", "--bundle", b.Dir, _s.NewId("sn"));
        Check.Ok(r);
        var t = Parse(r.Stdout);
        Assert.Equal("errno 9", t["cachestat"]);
        Assert.Equal("errno 2", t["fchmodat2"]);
        Assert.Equal("ok 0", t["mseal"]);
    }

    [PrivilegedFact]
    public void ErrnoAndErrnoRet_SameResults()
    {
        var profile = Profile("SCMP_ACT_ALLOW",
            Rule(["getppid"], "SCMP_ACT_ERRNO", errnoRet: 42),
            Rule(["sched_yield"], "SCMP_ACT_ERRNO"), // EPERM by default
            Rule(["getgid"], "SCMP_ACT_ERRNO", errnoRet: 0), // "success" without running the syscall
            Rule(["getuid", "geteuid"], "SCMP_ACT_ERRNO", errnoRet: 4094),
            Rule(["mkdir"], "SCMP_ACT_ERRNO", errnoRet: 17),
            Rule(["no_such_syscall_name", "getegid"], "SCMP_ACT_ERRNO", errnoRet: 7)); // unknown names are skipped
        var calls = new Calls()
            .Add("getpid", Getpid).Add("getppid", Getppid).Add("sched_yield", SchedYield).Add("getgid", Getgid)
            .Add("getuid", Getuid).Add("geteuid", Geteuid).Add("mkdir", Mkdir, "/x", 0x1ed).Add("getegid", Getegid)
            .Thread("thread-getppid", Getppid).I386("i386-getppid", I386Getppid);
        var o = RunBoth(profile, calls);
        Assert.Equal("errno 42", o["getppid"]);
        Assert.Equal("errno 1", o["sched_yield"]);
        Assert.Equal("errno 17", o["mkdir"]);
    }

    [PrivilegedFact]
    public void DefaultErrnoRet_WithAllowList_SameResults()
    {
        var profile = Profile("SCMP_ACT_ERRNO", ProbeNeeds(), Rule(["getpid", "uname"], "SCMP_ACT_ALLOW"));
        profile["defaultErrnoRet"] = 99;
        // Listed: runc 1.1.5 builds its ENOSYS stub only for the listed architectures (see
        // DefaultErrnoRet_NoArchitectures_StubStillCoversNative).
        profile["architectures"] = Bundle.Strings(["SCMP_ARCH_X86_64"]);
        var calls = new Calls().Add("getpid", Getpid).Add("getppid", Getppid).Add("uname", Uname, 0)
            .Add("mkdir", Mkdir, "/x", 0x1ed).Add("nr-1000", 1000).I386("i386-getpid", I386Getpid);
        var o = RunBoth(profile, calls);
        Assert.Equal("errno 99", o["getppid"]);
        Assert.StartsWith("ok ", o["getpid"]);
    }

    /// <summary>runc 1.1.5 adds its ENOSYS stub ("syscall newer than the profile") only for the architectures the
    /// profile lists, so a profile without <c>architectures</c> gets the default errno for unknown numbers; later runc
    /// always includes the native architecture (Docker leaves it out on ppc64le), and so does nrunc.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void DefaultErrnoRet_NoArchitectures_StubStillCoversNative()
    {
        var profile = Profile("SCMP_ACT_ERRNO", ProbeNeeds(), Rule(["getpid"], "SCMP_ACT_ALLOW"));
        profile["defaultErrnoRet"] = 99;
        var b = ProbeBundle(profile, new Calls().Add("getppid", Getppid).Add("nr-1000", 1000));
        var r = _s.Runtime().Run("run", "--bundle", b.Dir, _s.NewId("sa"));
        Check.Ok(r);
        var t = Parse(r.Stdout);
        Assert.Equal("errno 99", t["getppid"]);
        Assert.Equal("errno 38", t["nr-1000"]);
    }

    [PrivilegedFact]
    public void KillTrapLogActions_SameResults()
    {
        var profile = Profile("SCMP_ACT_ALLOW",
            Rule(["getppid"], "SCMP_ACT_KILL"),
            Rule(["getuid"], "SCMP_ACT_KILL_PROCESS"),
            Rule(["getgid"], "SCMP_ACT_KILL_THREAD"),
            Rule(["sched_yield"], "SCMP_ACT_TRAP"),
            Rule(["getpid"], "SCMP_ACT_LOG"));
        var calls = new Calls()
            .Add("getppid", Getppid).Add("getuid", Getuid).Add("getgid", Getgid).Add("sched_yield", SchedYield)
            .Add("getpid", Getpid).Add("geteuid", Geteuid)
            .Thread("thread-getppid", Getppid).Thread("thread-getuid", Getuid).Thread("thread-getgid", Getgid)
            .Thread("thread-sched_yield", SchedYield);
        var o = RunBoth(profile, calls);
        Assert.Equal("killed 31", o["getppid"]);
        Assert.Equal("trap", o["sched_yield"]);
        Assert.StartsWith("ok ", o["getpid"]);
    }

    [PrivilegedTheory]
    [InlineData(true)]
    [InlineData(false)] // seccomp loaded before the capabilities are dropped
    public void ArgumentConditions_SameResults(bool noNewPrivileges)
    {
        const ulong Big = 0x1_0000_0005;
        var profile = Profile("SCMP_ACT_ALLOW",
            Rule(["getppid"], "SCMP_ACT_ERRNO", 10, Arg(0, "SCMP_CMP_EQ", Big)),
            Rule(["getuid"], "SCMP_ACT_ERRNO", 11, Arg(1, "SCMP_CMP_MASKED_EQ", 0x0000_ff00_0000_00ff, 0x0000_1200_0000_0034)),
            Rule(["getgid"], "SCMP_ACT_ERRNO", 12, Arg(0, "SCMP_CMP_GT", 0xffff_ffff)),
            Rule(["geteuid"], "SCMP_ACT_ERRNO", 13, Arg(0, "SCMP_CMP_LT", 0x1_0000_0000), Arg(1, "SCMP_CMP_GE", 7)),
            Rule(["getegid"], "SCMP_ACT_ERRNO", 14, Arg(2, "SCMP_CMP_LE", 0x1_0000_0000)),
            Rule(["sched_yield"], "SCMP_ACT_ERRNO", 15, Arg(0, "SCMP_CMP_NE", 3)),
            Rule(["umask"], "SCMP_ACT_ERRNO", 16, Arg(0, "SCMP_CMP_MASKED_EQ", 0xffff_ffff_0000_0000, 0xdead_beef_0000_0000)),
            // Several rules for one syscall (OR), in profile order.
            Rule(["getpgrp"], "SCMP_ACT_ERRNO", 21, Arg(0, "SCMP_CMP_EQ", 1)),
            Rule(["getpgrp"], "SCMP_ACT_ERRNO", 22, Arg(0, "SCMP_CMP_EQ", 2)),
            Rule(["getpgrp"], "SCMP_ACT_ERRNO", 23, Arg(1, "SCMP_CMP_EQ", 7)),
            // Two conditions on one argument: runc turns them into separate rules (OR).
            Rule(["gettid"], "SCMP_ACT_ERRNO", 24, Arg(0, "SCMP_CMP_EQ", 1), Arg(0, "SCMP_CMP_EQ", 2)));
        var calls = new Calls()
            .Add("eq-small", Getppid, 5).Add("eq-big", Getppid, (long)Big).Add("eq-other-high", Getppid, 0x2_0000_0005L)
            .Add("masked-hit", Getuid, 0, 0x7777_1200_9999_9934L).Add("masked-miss-high", Getuid, 0, 0x0000_1300_0000_0034L)
            .Add("masked-miss-low", Getuid, 0, 0x0000_1200_0000_0035L)
            .Add("gt-equal", Getgid, 0xffff_ffffL).Add("gt-above", Getgid, 0x1_0000_0000L).Add("gt-far", Getgid, unchecked((long)0xffff_ffff_ffff_ffff))
            .Add("lt-ge-both", Geteuid, 0xffff_ffffL, 7).Add("lt-fails", Geteuid, 0x1_0000_0000L, 7).Add("ge-fails", Geteuid, 1, 6)
            .Add("le-equal", Getegid, 0, 0, 0x1_0000_0000L).Add("le-above", Getegid, 0, 0, 0x1_0000_0001L).Add("le-zero", Getegid, 0, 0, 0)
            .Add("ne-3", SchedYield, 3).Add("ne-high-3", SchedYield, 0x1_0000_0003L).Add("ne-4", SchedYield, 4)
            .Add("masked-high-hit", Umask, unchecked((long)0xdead_beef_0000_0022)).Add("masked-high-miss", Umask, 0x22)
            .Add("or-1", Getpgrp, 1, 0).Add("or-2", Getpgrp, 2, 0).Add("or-arg1", Getpgrp, 3, 7).Add("or-both", Getpgrp, 1, 7)
            .Add("or-none", Getpgrp, 3, 8)
            .Add("same-arg-1", Gettid, 1).Add("same-arg-2", Gettid, 2).Add("same-arg-3", Gettid, 3)
            .I386("i386-eq-small", I386Getppid, 5);
        var o = RunBoth(profile, calls, b => b.Edit(c => c["process"]!["noNewPrivileges"] = noNewPrivileges));
        Assert.Equal("errno 10", o["eq-big"]);
        Assert.StartsWith("ok ", o["eq-small"]);
        Assert.Equal("errno 11", o["masked-hit"]);
        Assert.Equal("errno 22", o["or-2"]);
    }

    /// <summary>A conditional rule and an unconditional one for the same syscall, with different actions.</summary>
    [PrivilegedFact]
    public void ConditionalAndUnconditionalRulesForOneSyscall_SameResults()
    {
        var profile = Profile("SCMP_ACT_ALLOW",
            Rule(["getsid"], "SCMP_ACT_ERRNO", 25, Arg(0, "SCMP_CMP_EQ", 1)),
            Rule(["getsid"], "SCMP_ACT_ERRNO", 26),
            Rule(["getpgrp"], "SCMP_ACT_ERRNO", 27),
            Rule(["getpgrp"], "SCMP_ACT_ERRNO", 28, Arg(0, "SCMP_CMP_EQ", 1)),
            Rule(["getppid"], "SCMP_ACT_ALLOW", null, Arg(0, "SCMP_CMP_EQ", 1)),
            Rule(["getppid"], "SCMP_ACT_ERRNO", 29));
        var calls = new Calls().Add("getsid-1", Getsid, 1).Add("getsid-0", Getsid, 0)
            .Add("getpgrp-1", Getpgrp, 1).Add("getpgrp-0", Getpgrp, 0)
            .Add("getppid-1", Getppid, 1).Add("getppid-0", Getppid, 0);
        RunBoth(profile, calls);
    }

    public static TheoryData<string> ArchLists => new()
    {
        "none", "x86_64", "x86_64,x86", "x86_64,x32", "x86", "aarch64,x86_64", "aarch64", "arm,aarch64,x86",
    };

    [PrivilegedTheory]
    [MemberData(nameof(ArchLists))]
    public void ArchitectureLists_SameResults(string list)
    {
        var profile = Profile("SCMP_ACT_ALLOW", Rule(["getppid"], "SCMP_ACT_ERRNO", 33), Rule(["kexec_load"], "SCMP_ACT_ERRNO", 34));
        if (list != "none")
            profile["architectures"] = Bundle.Strings(list.Split(',').Select(a => "SCMP_ARCH_" + a.ToUpperInvariant()));
        var calls = new Calls().Add("getppid", Getppid).Add("getpid", Getpid)
            .I386("i386-getpid", I386Getpid).I386("i386-getppid", I386Getppid).I386("i386-kexec_load", I386KexecLoad)
            .X32("x32-getpid", Getpid).X32("x32-getppid", Getppid)
            .Thread("thread-getppid", Getppid);
        var o = RunBoth(profile, calls);
        Assert.Equal("errno 33", o["getppid"]);
    }

    /// <summary>errno values libseccomp refuses (MAX_ERRNO and above): both runtimes refuse the container.</summary>
    [PrivilegedTheory]
    [InlineData(4095, false)]
    [InlineData(40000, false)]
    [InlineData(4095, true)]
    public void ErrnoRetOutOfRange_RefusedByBoth(int errno, bool asDefault)
    {
        var profile = asDefault
            ? Profile("SCMP_ACT_ERRNO", ProbeNeeds())
            : Profile("SCMP_ACT_ALLOW", Rule(["getppid"], "SCMP_ACT_ERRNO", errno));
        if (asDefault) profile["defaultErrnoRet"] = errno;
        var b = ProbeBundle(profile, new Calls().Add("getppid", Getppid));
        var id = _s.NewId("se");
        var oracle = _s.Oracle().Run("run", "--bundle", b.Dir, id);
        Check.Rc(1, oracle, "the oracle refuses the errno");
        var nrunc = _s.Runtime().Run("run", "--bundle", b.Dir, id);
        Check.Rc(1, nrunc, "the runtime under test refuses the errno");
        if (!Env.RuntimeIsOracle) Assert.Contains("4094", nrunc.Stderr);
        Assert.Empty(_s.LeftoversFor(_s.Runtime(), id));
    }

    /// <summary>runc 1.1.5 refuses every seccomp flag ("seccomp flags are not yet supported by runc"); nrunc passes
    /// them to seccomp(2). The filter must load with them and behave the same as without.</summary>
    [PrivilegedTheory(StrongerThanRunc = true)]
    [InlineData("SECCOMP_FILTER_FLAG_LOG")]
    [InlineData("SECCOMP_FILTER_FLAG_SPEC_ALLOW")]
    [InlineData("SECCOMP_FILTER_FLAG_TSYNC")]
    [InlineData("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")]
    [InlineData("SECCOMP_FILTER_FLAG_LOG,SECCOMP_FILTER_FLAG_SPEC_ALLOW,SECCOMP_FILTER_FLAG_TSYNC")]
    public void Flags_LoadAndFilter(string flags)
    {
        var profile = Profile("SCMP_ACT_ALLOW", Rule(["getppid"], "SCMP_ACT_ERRNO", 35), Rule(["getuid"], "SCMP_ACT_LOG"));
        profile["flags"] = Bundle.Strings(flags.Split(','));
        var calls = new Calls().Add("getppid", Getppid).Add("getuid", Getuid);
        var b = ProbeBundle(profile, calls).Args(
            ["/bin/sh", "-c", "grep -E '^(Seccomp|Seccomp_filters|Speculation_Store_Bypass):' /proc/self/status | sed 's/\\t/ /g; s/^\\([^:]*\\): */status-\\1 /'; exec /syscall-probe \"$@\"", "sh", .. calls.Specs]);
        var r = _s.Runtime().Run("run", "--bundle", b.Dir, _s.NewId("sf"));
        Check.Ok(r);
        var t = Parse(r.Stdout);
        Assert.Equal("2", t["status-Seccomp"]);
        Assert.Equal("errno 35", t["getppid"]);
        Assert.Equal("ok 0", t["getuid"]);
        if (flags.Contains("SPEC_ALLOW")) Assert.DoesNotContain("force mitigated", t.GetValueOrDefault("status-Speculation_Store_Bypass", ""));
    }

    // ---------------------------------------------------------------- machinery

    /// <summary>Runs the probe under the oracle, then under the runtime under test; asserts equal output and
    /// status; returns the oracle's results by label.</summary>
    Dictionary<string, string> RunBoth(JsonObject profile, Calls calls, Action<Bundle>? edit = null)
    {
        var b = ProbeBundle(profile, calls);
        edit?.Invoke(b);
        var id = _s.NewId("sc");
        var oracle = _s.Oracle().Run("run", "--bundle", b.Dir, id);
        Check.Ok(oracle, "the oracle must run the probe (else the test is wrong)");
        var nrunc = _s.Runtime().Run("run", "--bundle", b.Dir, id);
        Check.Ok(nrunc, "the runtime under test must run the probe");
        var o = Parse(oracle.Stdout, calls.PidValued);
        var t = Parse(nrunc.Stdout, calls.PidValued);
        Assert.Equal(calls.Specs.Count, o.Keys.Count(k => !k.StartsWith("status-", StringComparison.Ordinal)));
        var diffs = o.Where(kv => !t.TryGetValue(kv.Key, out var v) || v != kv.Value)
            .Select(kv => $"  {kv.Key}: oracle \"{kv.Value}\", nrunc \"{t.GetValueOrDefault(kv.Key, "(missing)")}\"")
            .Concat(t.Keys.Except(o.Keys).Select(k => $"  {k}: only nrunc \"{t[k]}\""))
            .ToList();
        _s.Log("oracle:\n" + oracle.Stdout);
        if (diffs.Count > 0)
            throw new XunitException($"seccomp results differ from the oracle ({diffs.Count}):\n{string.Join('\n', diffs)}");
        return o;
    }

    Bundle ProbeBundle(JsonObject profile, Calls calls)
    {
        var b = _s.Bundle();
        var dest = Path.Combine(b.RootfsDir, "syscall-probe");
        File.Copy(Probe.Value, dest);
        File.SetUnixFileMode(dest, (UnixFileMode)0b111_101_101);
        b.Args(["/syscall-probe", .. calls.Specs]);
        b.Edit(c => c["linux"]!["seccomp"] = profile.DeepClone());
        return b;
    }

    static Dictionary<string, string> Parse(string stdout, IReadOnlySet<string>? pidValued = null)
    {
        var result = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var sp = line.IndexOf(' ');
            if (sp <= 0) continue;
            var (label, value) = (line[..sp], line[(sp + 1)..].Trim());
            if (pidValued?.Contains(label) == true && value.StartsWith("ok ", StringComparison.Ordinal)) value = "ok pid";
            result[label] = value;
        }
        return result;
    }

    static JsonObject Profile(string defaultAction, params JsonObject[] rules) => new()
    {
        ["defaultAction"] = defaultAction,
        ["syscalls"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
    };

    static JsonObject Rule(string[] names, string action, int? errnoRet = null, params JsonObject[] args)
    {
        var o = new JsonObject { ["names"] = Bundle.Strings(names), ["action"] = action };
        if (errnoRet is not null) o["errnoRet"] = errnoRet;
        if (args.Length > 0) o["args"] = new JsonArray(args.Select(a => (JsonNode)a).ToArray());
        return o;
    }

    static JsonObject Arg(int index, string op, ulong value, ulong valueTwo = 0) => new()
    {
        ["index"] = index, ["value"] = value, ["valueTwo"] = valueTwo, ["op"] = op,
    };

    /// <summary>What the static probe and the runtime's last steps need under a deny-by-default profile.</summary>
    static JsonObject ProbeNeeds() => Rule(
    [
        "execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "mprotect", "mmap",
        "munmap", "readlinkat", "readlink", "getrandom", "uname", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "clone",
        "clone3", "fork", "vfork", "wait4", "waitid", "write", "exit", "exit_group", "futex", "madvise", "newfstatat",
        "fstat", "close", "read", "openat", "fcntl", "capget", "capset", "prctl", "setgroups", "setresuid", "setresgid",
        "getdents64", "sendmsg", "sched_getaffinity", "statx", "sigaltstack",
        // runc's init (Go) after loading the filter: the fd sweep, the sync pipe, the Go runtime.
        "fstatfs", "nanosleep", "sched_yield", "tgkill", "gettid", "getpid", "epoll_ctl", "epoll_pwait", "pipe2",
    ], "SCMP_ACT_ALLOW");

    /// <summary>Docker's default profile (template in tests/Runc.Seccomp.Tests/Assets) as dockerd would pass it for
    /// amd64 with the default capabilities and this host's kernel version.</summary>
    static JsonObject DockerProfile()
    {
        string[] caps =
        [
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
        ];
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Split('.', '-');
        var kernel = (int.Parse(release[0]), int.Parse(release[1]));
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(Env.RepoRoot, "tests", "Runc.Seccomp.Tests", "Assets", "docker-default.json")))!.AsObject();
        var profile = new JsonObject { ["defaultAction"] = template["defaultAction"]!.DeepClone() };
        if (template["defaultErrnoRet"] is { } der) profile["defaultErrnoRet"] = der.DeepClone();
        var arches = new JsonArray();
        foreach (var e in template["archMap"]!.AsArray())
            if (e!["architecture"]!.GetValue<string>() == "SCMP_ARCH_X86_64")
            {
                arches.Add((JsonNode)"SCMP_ARCH_X86_64");
                foreach (var sub in e["subArchitectures"]!.AsArray()) arches.Add(sub!.DeepClone());
            }
        profile["architectures"] = arches;
        var rules = new JsonArray();
        foreach (var r in template["syscalls"]!.AsArray())
        {
            var rule = r!.AsObject();
            if (!Included(rule, caps, kernel)) continue;
            var copy = new JsonObject { ["names"] = rule["names"]!.DeepClone(), ["action"] = rule["action"]!.DeepClone() };
            if (rule["errnoRet"] is { } er) copy["errnoRet"] = er.DeepClone();
            if (rule["args"] is JsonArray args) copy["args"] = args.DeepClone();
            rules.Add(copy);
        }
        profile["syscalls"] = rules;
        return profile;
    }

    static bool Included(JsonObject rule, string[] caps, (int Major, int Minor) kernel)
    {
        static IEnumerable<string> List(JsonNode? n) => n is JsonArray a ? a.Select(x => x!.GetValue<string>()) : [];
        if (rule["includes"] is JsonObject inc)
        {
            if (inc["arches"] is JsonArray arches && !List(arches).Contains("amd64")) return false;
            if (inc["caps"] is JsonArray need && !List(need).All(caps.Contains)) return false;
            if (inc["minKernel"]?.GetValue<string>() is { } mk)
            {
                var p = mk.Split('.');
                if ((kernel.Major, kernel.Minor).CompareTo((int.Parse(p[0]), int.Parse(p[1]))) < 0) return false;
            }
        }
        if (rule["excludes"] is JsonObject exc)
        {
            if (List(exc["arches"]).Contains("amd64")) return false;
            if (List(exc["caps"]).Any(caps.Contains)) return false;
        }
        return true;
    }

    /// <summary>The probe, compiled once per test run into its own temp dir.</summary>
    internal static readonly Lazy<string> Probe = new(BuildProbe, LazyThreadSafetyMode.ExecutionAndPublication);

    static string BuildProbe()
    {
        TempDirs.RemoveStale("probe");
        var dir = TempDirs.Create("probe");
        TempDirs.MarkOwner(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TempDirs.Remove(dir);
        var src = Path.Combine(Env.RepoRoot, "tests", "Runc.Privileged.Tests", "Assets", "syscall-probe.c");
        var bin = Path.Combine(dir, "syscall-probe");
        var r = Subprocess.Run(dir, ["gcc", "-static", "-no-pie", "-O1", "-Wall", "-o", bin, src, "-lpthread"], timeout: TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0 || !File.Exists(bin)) throw new InvalidOperationException("building the syscall probe failed (gcc, libc6-dev)\n" + r.Describe());
        return bin;
    }
}
