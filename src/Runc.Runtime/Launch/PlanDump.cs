using System.Globalization;
using System.Text;

namespace Runc.Runtime.Launch;

/// <summary>A readable listing of a plan: one line per op with its sentence and decoded operands (golden tests, --debug).</summary>
public static class PlanDump
{
    public static string Render(PlanBuilder plan)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < plan.Ops.Count; i++)
        {
            var op = plan.Ops[i];
            sb.Append(CultureInfo.InvariantCulture, $"{i,3} {op.Code,-20} {plan.Descriptions[i]}");
            if (op.Flags != 0) sb.Append(CultureInfo.InvariantCulture, $" [flags 0x{op.Flags:x}]");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
