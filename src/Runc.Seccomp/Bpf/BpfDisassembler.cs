using System.Globalization;
using System.Text;

namespace Runc.Seccomp.Bpf;

/// <summary>Readable listings of filters, for golden tests and debugging.</summary>
public static class BpfDisassembler
{
    public static string Format(BpfInstruction insn)
    {
        string k = "0x" + insn.K.ToString("x", CultureInfo.InvariantCulture);
        return insn.Code switch
        {
            BpfOpcodes.LdWAbs => $"ld [{insn.K}]",
            BpfOpcodes.AluAndK => $"and {k}",
            BpfOpcodes.JmpJa => $"ja +{insn.K}",
            BpfOpcodes.JmpJeqK => $"jeq {k} +{insn.Jt} +{insn.Jf}",
            BpfOpcodes.JmpJgtK => $"jgt {k} +{insn.Jt} +{insn.Jf}",
            BpfOpcodes.JmpJgeK => $"jge {k} +{insn.Jt} +{insn.Jf}",
            BpfOpcodes.JmpJsetK => $"jset {k} +{insn.Jt} +{insn.Jf}",
            BpfOpcodes.RetK => $"ret {k}",
            _ => $"op 0x{insn.Code:x} {insn.Jt} {insn.Jf} {k}",
        };
    }

    /// <summary>One numbered line per instruction.</summary>
    public static string Listing(ReadOnlySpan<byte> filter)
    {
        var sb = new StringBuilder();
        var insns = BpfInstruction.Decode(filter);
        for (int i = 0; i < insns.Length; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{i,4}: {Format(insns[i])}\n");
        return sb.ToString();
    }
}
