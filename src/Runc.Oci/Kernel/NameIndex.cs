namespace Runc.Oci.Kernel;

/// <summary>Lookup for the kernel name tables that are indexed by number (capabilities, rlimits).</summary>
internal static class NameIndex
{
    /// <summary>name → its index in <paramref name="names"/>, exact and case-sensitive; a repeated name throws.</summary>
    public static Dictionary<string, int> Of(string[] names)
    {
        var byName = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) byName.Add(names[i], i);
        return byName;
    }
}
