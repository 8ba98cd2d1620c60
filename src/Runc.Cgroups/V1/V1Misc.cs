using Runc.Cgroups.Fs;
using Runc.Oci;

namespace Runc.Cgroups.V1;

/// <summary>The small v1 controllers: pids, blkio, hugetlb, net_cls, net_prio, rdma.</summary>
public static class V1Misc
{
    /// <summary>runc: 0 leaves the limit alone, a negative value means "max".</summary>
    public static void ApplyPids(string dir, LinuxPids p)
    {
        if (p.Limit == 0) return;
        CgroupFile.Write(dir, "pids.max", p.Limit > 0 ? p.Limit.ToString() : "max");
    }

    public static void ApplyBlkio(string dir, LinuxBlockIo b)
    {
        // Kernels without CFQ only have the BFQ files (this host: blkio.bfq.weight); runc picks whichever exists.
        bool bfq = !CgroupFile.Exists(dir, "blkio.weight") && CgroupFile.Exists(dir, "blkio.bfq.weight");
        string weightFile = bfq ? "blkio.bfq.weight" : "blkio.weight";
        string weightDeviceFile = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
        if (b.Weight is ushort w && w != 0) CgroupFile.Write(dir, weightFile, w.ToString());
        if (b.LeafWeight is ushort lw && lw != 0) CgroupFile.Write(dir, "blkio.leaf_weight", lw.ToString());
        foreach (var wd in b.WeightDevice ?? [])
        {
            if (wd.Weight is ushort dw && dw != 0) CgroupFile.Write(dir, weightDeviceFile, wd.Major + ":" + wd.Minor + " " + dw);
            if (wd.LeafWeight is ushort dl && dl != 0) CgroupFile.Write(dir, "blkio.leaf_weight_device", wd.Major + ":" + wd.Minor + " " + dl);
        }
        Throttle(dir, "blkio.throttle.read_bps_device", b.ThrottleReadBpsDevice);
        Throttle(dir, "blkio.throttle.write_bps_device", b.ThrottleWriteBpsDevice);
        Throttle(dir, "blkio.throttle.read_iops_device", b.ThrottleReadIopsDevice);
        Throttle(dir, "blkio.throttle.write_iops_device", b.ThrottleWriteIopsDevice);
    }

    private static void Throttle(string dir, string file, List<LinuxThrottleDevice>? list)
    {
        foreach (var t in list ?? []) CgroupFile.Write(dir, file, t.Major + ":" + t.Minor + " " + t.Rate);
    }

    public static void ApplyHugetlb(string dir, List<LinuxHugepageLimit> limits)
    {
        foreach (var h in limits) CgroupFile.Write(dir, "hugetlb." + h.Pagesize + ".limit_in_bytes", h.Limit.ToString());
    }

    public static void ApplyNetCls(string dir, LinuxNetwork n)
    {
        if (n.ClassId is uint id && id != 0) CgroupFile.Write(dir, "net_cls.classid", id.ToString());
    }

    public static void ApplyNetPrio(string dir, LinuxNetwork n)
    {
        foreach (var p in n.Priorities ?? []) CgroupFile.Write(dir, "net_prio.ifpriomap", p.Name + " " + p.Priority);
    }

    /// <summary>rdma.max lines "mlx4_0 hca_handle=2 hca_object=2000" (v1 and v2 share the format).</summary>
    public static void ApplyRdma(string dir, Dictionary<string, LinuxRdma> rdma)
    {
        foreach (var (device, r) in rdma)
        {
            string line = device;
            if (r.HcaHandles is uint h) line += " hca_handle=" + h;
            if (r.HcaObjects is uint o) line += " hca_object=" + o;
            CgroupFile.Write(dir, "rdma.max", line);
        }
    }
}
