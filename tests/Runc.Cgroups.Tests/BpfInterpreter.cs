using Runc.Cgroups.Devices.Ebpf;

namespace Runc.Cgroups.Tests;

/// <summary>Runs the instruction subset the device filter uses over a bpf_cgroup_dev_ctx, like the kernel would.</summary>
public static class BpfInterpreter
{
    public static int Run(IReadOnlyList<BpfInsn> prog, int type, int access, uint major, uint minor)
    {
        var ctx = new uint[] { (uint)((access << 16) | type), major, minor };
        var r = new ulong[11];
        const ulong CtxBase = 0x1000;
        r[1] = CtxBase;
        for (int pc = 0, steps = 0; ; pc++, steps++)
        {
            if (pc < 0 || pc >= prog.Count || steps > 10000) throw new InvalidOperationException("pc out of range: " + pc);
            var i = prog[pc];
            switch (i.Code)
            {
                case 0x61: // ldxw dst, [src+off]
                    ulong addr = r[i.Src] + (ulong)(long)i.Off;
                    if (addr < CtxBase || (addr - CtxBase) % 4 != 0 || (addr - CtxBase) / 4 >= 3) throw new InvalidOperationException("bad load");
                    r[i.Dst] = ctx[(addr - CtxBase) / 4];
                    break;
                case 0x54: r[i.Dst] = (uint)((uint)r[i.Dst] & (uint)i.Imm); break; // and32 imm
                case 0x74: r[i.Dst] = (uint)r[i.Dst] >> i.Imm; break; // rsh32 imm
                case 0xb4: r[i.Dst] = (uint)i.Imm; break; // mov32 imm
                case 0xbc: r[i.Dst] = (uint)r[i.Src]; break; // mov32 reg
                case 0x55: if (r[i.Dst] != (ulong)(long)i.Imm) pc += i.Off; break; // jne imm
                case 0x5d: if (r[i.Dst] != r[i.Src]) pc += i.Off; break; // jne reg
                case 0x95: return (int)r[0]; // exit
                default: throw new InvalidOperationException("opcode 0x" + i.Code.ToString("x2"));
            }
        }
    }
}
