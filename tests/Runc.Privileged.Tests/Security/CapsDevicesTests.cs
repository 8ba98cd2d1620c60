using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests.Security;

/// <summary>CVE-2022-29162 (GHSA-f3fp-gc8g-vw66; crun CVE-2022-27650, youki CVE-2025-27612) and GHSA-g54h-m393-cpwq.</summary>
public sealed class CapsDevicesTests(ITestOutputHelper output) : ScopedTest(output)
{
    static string Field(string status, string name) =>
        status.Split('\n').First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim();

    /// <summary>CVE-2022-29162: with the default spec the inheritable and ambient sets are empty, and `spec` writes no
    /// inheritable list.</summary>
    [PrivilegedFact]
    public void DefaultSpec_InheritableAndAmbientAreEmpty()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("cat", "/proc/self/status");
        Assert.Null(b.Process["capabilities"]!["inheritable"]);
        var id = _s.NewId("cap");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        Check.Ok(r);
        Assert.Equal("0000000000000000", Field(r.Stdout, "CapInh"));
        Assert.Equal("0000000000000000", Field(r.Stdout, "CapAmb"));
    }

    /// <summary>CVE-2022-29162: `exec --cap CAP_NET_ADMIN --cap CAP_SYS_TIME` raises bounding, effective and permitted
    /// but never the inheritable set (nor, therefore, ambient); checked on the exec'd process from inside.</summary>
    [PrivilegedFact]
    public void ExecCap_NeverAddsInheritable()
    {
        var rt = _s.Runtime();
        var id = _s.NewId("cap");
        Check.Ok(rt.Run("run", "-d", "--bundle", _s.Bundle("sleep", "1000").Dir, id));
        var r = rt.Run("exec", "--cap", "CAP_NET_ADMIN", "--cap", "CAP_SYS_TIME", id, "cat", "/proc/self/status");
        rt.Run("delete", "-f", id);
        Check.Ok(r);
        const ulong added = (1UL << 12) | (1UL << 25); // CAP_NET_ADMIN, CAP_SYS_TIME
        foreach (var set in new[] { "CapBnd", "CapEff", "CapPrm" })
            Assert.Equal(added, Convert.ToUInt64(Field(r.Stdout, set), 16) & added);
        Assert.Equal("0000000000000000", Field(r.Stdout, "CapInh"));
        Assert.Equal("0000000000000000", Field(r.Stdout, "CapAmb"));
    }

    /// <summary>runtime-spec: unknown capability names are warned about, not fatal (runc capabilities.bats).</summary>
    [PrivilegedFact]
    public void UnknownCapability_WarnsAndContinues()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("true");
        b.Edit(c =>
        {
            foreach (var set in new[] { "bounding", "effective", "permitted" })
                c["process"]!["capabilities"]![set]!.AsArray().Add(System.Text.Json.Nodes.JsonValue.Create("CAP_BOGUS"));
        });
        var id = _s.NewId("cap");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        Check.Ok(r, "an unknown capability must not be fatal");
        Assert.Contains("CAP_BOGUS", r.Stderr);
    }

    /// <summary>GHSA-g54h-m393-cpwq: a device list without a deny-all entry is still an allow-list. With CAP_MKNOD the
    /// container can make block 8:0 and char 1:1 nodes but not open them.</summary>
    [PrivilegedFact]
    public void NoDenyAllRule_MknodWithCapMknod_CannotReadDevices()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle().Shell(
            "mknod /dev/xsda b 8 0; mknod /dev/xmem c 1 1; " +
            "head -c1 /dev/xsda >/dev/null 2>&1 && echo READ-SDA; head -c1 /dev/xmem >/dev/null 2>&1 && echo READ-MEM; echo DONE");
        b.Edit(c =>
        {
            foreach (var set in new[] { "bounding", "effective", "permitted" })
                c["process"]!["capabilities"]![set]!.AsArray().Add(System.Text.Json.Nodes.JsonValue.Create("CAP_MKNOD"));
            c["linux"]!["resources"] = new System.Text.Json.Nodes.JsonObject { ["devices"] = new System.Text.Json.Nodes.JsonArray() };
        });
        var id = _s.NewId("dev");
        var r = rt.Run("run", "--bundle", b.Dir, id);
        Check.Ok(r);
        Assert.Contains("DONE", r.Stdout);
        Assert.DoesNotContain("mknod:", r.Stderr); // the nodes are made (CAP_MKNOD), only opening them is denied
        Assert.DoesNotContain("READ-", r.Stdout);
    }
}
