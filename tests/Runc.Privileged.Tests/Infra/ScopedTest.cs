using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// What a privileged test class starts with: membership of the one <see cref="PrivilegedCollection"/> (classes run one
/// at a time and share the rootfs cache; the attribute is inherited) and a fresh <see cref="TestScope"/> for each test
/// (xUnit makes one instance per test), disposed after it, passed or failed. Classes that must clean up more around
/// the scope's disposal (CgroupTests, RootlessTests, ResourceExhaustionTests) keep their own.
/// </summary>
[Collection(PrivilegedCollection.Name)]
public abstract class ScopedTest(ITestOutputHelper output) : IDisposable
{
    protected readonly TestScope _s = new(output);

    public void Dispose()
    {
        _s.Dispose();
        GC.SuppressFinalize(this);
    }
}
