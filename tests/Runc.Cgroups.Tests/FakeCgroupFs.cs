namespace Runc.Cgroups.Tests;

/// <summary>A temp directory that looks like cgroupfs: directories plus pre-created control files.</summary>
public sealed class FakeCgroupFs : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("nrunc-fakecg-").FullName;

    public string Dir(string rel)
    {
        string d = Path.Combine(Root, rel.TrimStart('/'));
        Directory.CreateDirectory(d);
        return d;
    }

    public void File(string rel, string content = "")
    {
        string p = Path.Combine(Root, rel.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllText(p, content);
    }

    public string Read(string rel) => System.IO.File.ReadAllText(Path.Combine(Root, rel.TrimStart('/')));

    public void Dispose()
    {
        // Only ever our own mkdtemp'd directory.
        if (Root.Contains("nrunc-fakecg-")) Directory.Delete(Root, recursive: true);
    }
}
