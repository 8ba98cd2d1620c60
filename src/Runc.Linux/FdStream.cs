namespace Runc.Linux;

/// <summary>
/// A write-only stream over an inherited fd (1 or 2). nrunc never touches System.Console: its first use
/// starts a signal-handling thread, and the clone point needs a process without extra threads (DESIGN §3).
/// </summary>
public sealed class FdStream(int fd) : Stream
{
    public static readonly FdStream Stdout = new(1), Stderr = new(2);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try { FdIo.WriteAll(fd, buffer, fd == 1 ? "stdout" : "stderr"); }
        catch (SyscallException e) { throw new IOException(e.Message, e); }
    }
}
