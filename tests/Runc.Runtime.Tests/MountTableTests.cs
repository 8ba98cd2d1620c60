using Runc.Runtime.Launch;

namespace Runc.Runtime.Tests;

public class MountTableTests
{
    private const string Info =
        "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n" +
        "30 22 0:26 / /tmp rw shared:5 - tmpfs tmpfs rw\n" +
        "31 30 0:27 / /tmp/with\\040space rw - tmpfs tmpfs rw\n" +
        "32 22 0:28 / /tmpfoo rw - tmpfs tmpfs rw\n";

    [Theory]
    [InlineData("/tmp/b/rootfs", "/tmp")]
    [InlineData("/tmp", "/tmp")]
    [InlineData("/tmpfoo/x", "/tmpfoo")]
    [InlineData("/tmpx/x", "/")]
    [InlineData("/tmp/with space/r", "/tmp/with space")]
    public void MountPointIsTheLongestContainingMount(string path, string expected) =>
        Assert.Equal(expected, MountTable.MountPointOf(path, Info));
}
