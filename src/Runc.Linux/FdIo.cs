namespace Runc.Linux;

/// <summary>Whole-buffer reads and writes on raw fds, retrying EINTR and short counts.</summary>
public static unsafe class FdIo
{
    public static void WriteAll(SafeFd fd, ReadOnlySpan<byte> bytes, string what) => WriteAll(fd.Fd, bytes, what);

    public static void WriteAll(int fd, ReadOnlySpan<byte> bytes, string what)
    {
        fixed (byte* p = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = Interop.Libc.Write(fd, p + done, (nuint)(bytes.Length - done));
                if (n < 0)
                {
                    int e = Errno.Last;
                    if (e == Errno.EINTR) continue;
                    throw new SyscallException($"write \"{what}\"", e);
                }
                done += (int)n;
            }
        }
    }

    /// <summary>Read until EOF (small files: procfs, cgroupfs, state).</summary>
    public static byte[] ReadToEnd(int fd, string what)
    {
        var buf = new byte[4096];
        int len = 0;
        while (true)
        {
            if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
            nint n;
            fixed (byte* p = buf) n = Interop.Libc.Read(fd, p + len, (nuint)(buf.Length - len));
            if (n < 0)
            {
                int e = Errno.Last;
                if (e == Errno.EINTR) continue;
                throw new SyscallException($"read \"{what}\"", e);
            }
            if (n == 0) break;
            len += (int)n;
        }
        Array.Resize(ref buf, len);
        return buf;
    }
}
