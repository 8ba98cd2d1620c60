using Runc;
using Runc.Oci;
using SharpFuzz;

// One AFL++ input = one config.json: parsed and validated. A RuncException is a correct refusal; any other exception
// escapes, and SharpFuzz reports it to AFL as a crash. The bundle dir holds an empty rootfs for root.path checks.
var bundle = Directory.CreateTempSubdirectory("nrunc-afl-").FullName;
Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
Fuzzer.OutOfProcess.Run(stream =>
{
    using var ms = new MemoryStream();
    stream.CopyTo(ms);
    try
    {
        var spec = SpecLoader.Parse(ms.ToArray(), "config.json");
        SpecValidator.Validate(spec, bundle);
    }
    catch (RuncException) { }
});
