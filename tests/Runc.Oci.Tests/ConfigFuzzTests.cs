using System.Diagnostics;
using System.Text;
using Runc;
using Runc.Oci;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Oci.Tests;

/// <summary>
/// Issue 8 §11: a seeded, time-bounded random-mutation loop over the config parser and validator (a poor man's
/// fuzzer; NRUNC_FUZZ_SECONDS, default 20). Any outcome but a parsed spec or a RuncException (SpecException and
/// friends) is a failure: no NullReferenceException, IndexOutOfRange, stack overflow or hang on hostile bytes.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper output)
{
    static readonly string[] Tokens = ["null", "-1", "1e999", "\"\"", "[]", "{}", "[null]", "{\"a\":", "\"\\u0000\"", "true", "18446744073709551616", "\"/..\"", ",", ":", "\"\\ud800\""];

    [Fact]
    public void RandomMutations_OnlyParseOrFailWithARuncException()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("NRUNC_FUZZ_SECONDS"), out var s) && s > 0 ? s : 20;
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden");
        var seeds = Directory.EnumerateFiles(dir, "*.json").Select(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(seeds);
        var bundle = Directory.CreateTempSubdirectory("nrunc-fuzz-").FullName;
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        var rng = new Random(20261127);
        var sw = Stopwatch.StartNew();
        long runs = 0, parsed = 0;
        try
        {
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                var input = Mutate(seeds[rng.Next(seeds.Length)], rng);
                runs++;
                try
                {
                    var spec = SpecLoader.Parse(input, "config.json");
                    SpecValidator.Validate(spec, bundle);
                    parsed++;
                }
                catch (RuncException) { }
                catch (Exception e)
                {
                    var path = Path.Combine(Path.GetTempPath(), $"nrunc-fuzz-crash-{runs}.json");
                    File.WriteAllBytes(path, input);
                    Assert.Fail($"run {runs}: {e.GetType().Name}: {e.Message} (input saved to {path})\n{e}");
                }
            }
        }
        finally { Directory.Delete(bundle, recursive: true); }
        output.WriteLine($"{runs} inputs in {sw.Elapsed.TotalSeconds:0.0} s, {parsed} parsed and validated");
    }

    static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = new List<byte>(seed);
        for (int n = rng.Next(1, 6); n > 0 && b.Count > 0; n--)
        {
            int at = rng.Next(b.Count);
            switch (rng.Next(6))
            {
                case 0: b[at] = (byte)rng.Next(256); break;
                case 1: b.RemoveRange(at, Math.Min(rng.Next(1, 32), b.Count - at)); break;
                case 2: b.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[rng.Next(Tokens.Length)])); break;
                case 3:
                {
                    int from = rng.Next(b.Count), len = Math.Min(rng.Next(1, 64), b.Count - from);
                    b.InsertRange(at, b.GetRange(from, len));
                    break;
                }
                case 4:
                {
                    // Replace a JSON value after a colon with a hostile token.
                    int colon = b.IndexOf((byte)':', at);
                    if (colon < 0) break;
                    int end = colon + 1;
                    while (end < b.Count && b[end] is not ((byte)',' or (byte)'}' or (byte)']')) end++;
                    b.RemoveRange(colon + 1, end - colon - 1);
                    b.InsertRange(colon + 1, Encoding.UTF8.GetBytes(Tokens[rng.Next(Tokens.Length)]));
                    break;
                }
                default: b.Insert(at, (byte)"[{\"]},:"[rng.Next(7)]); break;
            }
        }
        return b.ToArray();
    }
}
