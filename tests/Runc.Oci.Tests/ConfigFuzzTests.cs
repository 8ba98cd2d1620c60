using System.Diagnostics;
using System.Text;
using Runc;
using Runc.Oci;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Oci.Tests;

/// <summary>
/// Issue 8 §11: a seeded, time-bounded mutation fuzzer over the config parser and validator (NRUNC_FUZZ_SECONDS,
/// default 20 in CI). Seeds: the corpus in FuzzCorpus/ (kept in the repo) plus the Golden configs. Guidance is by
/// outcome, not by branch coverage: an input whose outcome has a shape not seen before (the error sentence with its
/// quoted values and numbers blanked, or "valid") joins the working corpus and is mutated further, so the fuzzer climbs
/// into deeper validator rules instead of re-hitting the syntax checker. NRUNC_FUZZ_SAVE=DIR writes each new-shape
/// input there (to grow FuzzCorpus/ from a long manual run). Any outcome but a parsed spec or a RuncException is a
/// failure: no NullReferenceException, IndexOutOfRange, stack overflow or hang on hostile bytes.
/// </summary>
public sealed partial class ConfigFuzzTests(ITestOutputHelper output)
{
    static readonly string[] Tokens = ["null", "-1", "1e999", "\"\"", "[]", "{}", "[null]", "{\"a\":", "\"\\u0000\"", "true", "18446744073709551616", "\"/..\"", ",", ":", "\"\\ud800\"", "{\"x\":null}", "[{}]", "\"rel/path\""];

    [System.Text.RegularExpressions.GeneratedRegex("[^ ]+")]
    private static partial System.Text.RegularExpressions.Regex Word();

    [System.Text.RegularExpressions.GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"?|'(?:[^'\\\\]|\\\\.)*'?")]
    private static partial System.Text.RegularExpressions.Regex Quoted();

    /// <summary>The rule an outcome comes from: the last sentence of the message (after the JSON path), keeping only
    /// plain lowercase words outside quotes; names, quoted values (spaces and all), numbers and anything else the input can
    /// shape become "_".</summary>
    static string Shape(string message)
    {
        var sentence = message[(message.LastIndexOf(": ", StringComparison.Ordinal) + 1)..];
        return Word().Replace(Quoted().Replace(sentence, "_"), m => m.Value.TrimEnd(',').All(char.IsAsciiLetterLower) ? m.Value : "_");
    }

    [Fact]
    public void RandomMutations_OnlyParseOrFailWithARuncException()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("NRUNC_FUZZ_SECONDS"), out var s) && s > 0 ? s : 20;
        var save = Environment.GetEnvironmentVariable("NRUNC_FUZZ_SAVE");
        var corpus = new[] { "FuzzCorpus", "Golden" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, d), "*.json", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.True(corpus.Count >= 10, $"the fuzz corpus has only {corpus.Count} seeds");
        var seeds = corpus.Count;
        var bundle = Directory.CreateTempSubdirectory("nrunc-fuzz-").FullName;
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        var shapes = new HashSet<string>(StringComparer.Ordinal);
        var rng = new Random(20261127);
        var sw = Stopwatch.StartNew();
        long runs = 0, parsed = 0;
        try
        {
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                var input = Mutate(corpus[rng.Next(corpus.Count)], rng);
                runs++;
                string outcome;
                try
                {
                    var spec = SpecLoader.Parse(input, "config.json");
                    var result = SpecValidator.Validate(spec, bundle);
                    outcome = result.Errors.Count == 0 ? "valid" : "invalid: " + Shape(result.Errors[0]);
                    parsed++;
                }
                catch (RuncException e) { outcome = "refused: " + Shape(e.Message); }
                catch (Exception e)
                {
                    var path = Path.Combine(Path.GetTempPath(), $"nrunc-fuzz-crash-{runs}.json");
                    File.WriteAllBytes(path, input);
                    Assert.Fail($"run {runs}: {e.GetType().Name}: {e.Message} (input saved to {path})\n{e}");
                    throw;
                }
                // Bounded: should the shape function ever let the input mint shapes, memory and NRUNC_FUZZ_SAVE stay sane.
                if (shapes.Add(outcome) && input.Length < 1 << 20 && corpus.Count < 10_000)
                {
                    corpus.Add(input);
                    if (save is not null) File.WriteAllBytes(Path.Combine(save, $"shape-{shapes.Count:D5}.json"), input);
                }
            }
        }
        finally { Directory.Delete(bundle, recursive: true); }
        output.WriteLine($"{runs} inputs in {sw.Elapsed.TotalSeconds:0.0} s, {parsed} parsed, {shapes.Count} outcome shapes, corpus {seeds} -> {corpus.Count}");
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
