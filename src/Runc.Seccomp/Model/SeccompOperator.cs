namespace Runc.Seccomp.Model;

/// <summary>The OCI <c>SCMP_CMP_*</c> operators. All compare the 64-bit argument as unsigned, like libseccomp.</summary>
internal enum SeccompOperator { NotEqual, LessThan, LessOrEqual, Equal, GreaterOrEqual, GreaterThan, MaskedEqual }

internal static class SeccompOperators
{
    public static SeccompOperator Parse(string op) => op switch
    {
        "SCMP_CMP_NE" => SeccompOperator.NotEqual,
        "SCMP_CMP_LT" => SeccompOperator.LessThan,
        "SCMP_CMP_LE" => SeccompOperator.LessOrEqual,
        "SCMP_CMP_EQ" => SeccompOperator.Equal,
        "SCMP_CMP_GE" => SeccompOperator.GreaterOrEqual,
        "SCMP_CMP_GT" => SeccompOperator.GreaterThan,
        "SCMP_CMP_MASKED_EQ" => SeccompOperator.MaskedEqual,
        _ => throw new SpecException($"string {op} is not a valid operator for seccomp"),
    };
}
