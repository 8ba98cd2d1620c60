using System.Runtime.CompilerServices;

namespace Runc.Linux;

/// <summary>
/// One fd in an SCM_RIGHTS control message (struct cmsghdr { size_t len; int level; int type; } + int, padded:
/// CMSG_SPACE(sizeof(int)) = 24 bytes on 64-bit). Pointer writes only: usable in the spawn child.
/// </summary>
public static unsafe class ScmRights
{
    /// <summary>Bytes of control buffer for one fd (msg_controllen).</summary>
    public const int Space = 24;

    /// <summary>Fills a <see cref="Space"/>-byte control buffer carrying <paramref name="fd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(long* control, int fd)
    {
        control[0] = 16 + 4;
        ((int*)control)[2] = K.SOL_SOCKET;
        ((int*)control)[3] = K.SCM_RIGHTS;
        ((int*)control)[4] = fd;
        ((int*)control)[5] = 0;
    }

    /// <summary>The fd a received control buffer carries, or -1 (recvmsg's msg_controllen is <paramref name="length"/>).</summary>
    public static int Read(long* control, nint length) =>
        length >= 20 && ((int*)control)[2] == K.SOL_SOCKET && ((int*)control)[3] == K.SCM_RIGHTS ? ((int*)control)[4] : -1;
}
