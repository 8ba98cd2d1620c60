namespace Runc.Oci;

/// <summary>The runtime-spec versions nrunc speaks.</summary>
public static class SpecVersion
{
    /// <summary>
    /// What nrunc writes as <c>ociVersion</c> (in <c>spec</c>, <c>state</c>, hook state). It is the value
    /// Debian's runc 1.1.5 (our reference) reports, so differential tests compare equal; the model
    /// itself also reads the 1.1-1.3 fields.
    /// </summary>
    public const string Runtime = "1.0.2-dev";

    /// <summary>The oldest spec version nrunc accepts (<c>features.ociVersionMin</c>).</summary>
    public const string Minimum = "1.0.0";
}
