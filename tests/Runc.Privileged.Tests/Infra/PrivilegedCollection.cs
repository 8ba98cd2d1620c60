using Xunit;

namespace Runc.Privileged.Tests.Infra;

/// <summary>All privileged test classes share one collection: they run one at a time (they scan the host for
/// leftovers) and the rootfs cache lives exactly as long as the collection.</summary>
[CollectionDefinition(Name)]
public sealed class PrivilegedCollection : ICollectionFixture<RootfsLifetime>
{
    public const string Name = "privileged";
}

public sealed class RootfsLifetime : IDisposable
{
    public void Dispose() => RootfsCache.Release();
}
