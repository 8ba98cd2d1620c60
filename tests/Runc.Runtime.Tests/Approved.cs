namespace Runc.Runtime.Tests;

/// <summary>
/// A small approved-file helper (Verify is not available here): compares text with Golden/NAME; when the file is
/// missing or NRUNC_UPDATE_GOLDEN=1 it writes it into the source tree instead, and the test fails so that a
/// human looks at the new file before it is committed.
/// </summary>
internal static class Approved
{
    public static void Check(string name, string actual)
    {
        string dir = Path.Combine(SourceDir(), "Golden");
        string path = Path.Combine(dir, name);
        if (!File.Exists(path) || Environment.GetEnvironmentVariable("NRUNC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(path, actual);
            Assert.Fail($"golden file {path} written; review and commit it");
        }
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
