using System.Runtime.InteropServices;
using System.Text;

namespace Runc.Runtime.Launch;

/// <summary>
/// Collects ops, strings and binary blobs for the spawn child and lays them out in one native block.
/// Each op carries the sentence the parent prints if the child reports that op failed, so the child itself
/// never formats text (it cannot allocate).
/// </summary>
public sealed class PlanBuilder
{
    private readonly List<PlanOp> _ops = new();
    private readonly List<string> _descriptions = new();
    private readonly MemoryStream _data = new();
    private readonly Dictionary<string, long> _strings = new(StringComparer.Ordinal);

    public int StateCapacity { get; set; } = 64 * 1024;

    public PlanBuilder()
    {
        _data.WriteByte(0); // offset 0 means "null string"
    }

    public int Count => _ops.Count;

    /// <summary>Add an op. <paramref name="description"/> is the operation part of the error sentence.</summary>
    public int Add(OpCode code, string description, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0,
        long g = 0, long h = 0, int flags = 0)
    {
        _ops.Add(new PlanOp { Code = code, Flags = flags, A = a, B = b, C = c, D = d, E = e, F = f, G = g, H = h });
        _descriptions.Add(description);
        return _ops.Count - 1;
    }

    /// <summary>A NUL-terminated UTF-8 string; null gives offset 0 (the child passes NULL).</summary>
    public long Str(string? s)
    {
        if (s is null) return 0;
        if (_strings.TryGetValue(s, out long existing)) return existing;
        long at = _data.Position;
        var bytes = Encoding.UTF8.GetBytes(s);
        if (Array.IndexOf(bytes, (byte)0) >= 0) throw new SpecException($"string contains a NUL byte: \"{s.Replace("\0", "\\0")}\"");
        _data.Write(bytes);
        _data.WriteByte(0);
        _strings[s] = at;
        return at;
    }

    /// <summary>An 8-byte-aligned binary blob (seccomp filter, sched_attr, masks ...).</summary>
    public long Blob(ReadOnlySpan<byte> bytes)
    {
        Align(8);
        long at = _data.Position;
        _data.Write(bytes);
        return at;
    }

    /// <summary>A NULL-terminated array of string offsets (argv/envp); the child turns offsets into pointers in place.</summary>
    public long StrArray(IReadOnlyList<string> items)
    {
        var offsets = new long[items.Count + 1];
        for (int i = 0; i < items.Count; i++) offsets[i] = Str(items[i]);
        return Blob(MemoryMarshal.AsBytes(offsets.AsSpan()));
    }

    public long UIntArray(IReadOnlyList<uint> items)
    {
        var array = new uint[items.Count];
        for (int i = 0; i < array.Length; i++) array[i] = items[i];
        return Blob(MemoryMarshal.AsBytes(array.AsSpan()));
    }

    private void Align(int n)
    {
        while (_data.Position % n != 0) _data.WriteByte(0);
    }

    public IReadOnlyList<string> Descriptions => _descriptions;
    public IReadOnlyList<PlanOp> Ops => _ops;

    /// <summary>Lay the plan out in native memory: header, ops, data, state buffer, scratch.</summary>
    public unsafe NativePlan Build(int syncFd, int procFd)
    {
        int headerSize = sizeof(PlanHeader);
        int opsOffset = AlignUp(headerSize, 16);
        int dataOffset = AlignUp(opsOffset + _ops.Count * sizeof(PlanOp), 16);
        int stateOffset = AlignUp(dataOffset + (int)_data.Length, 16);
        int scratchOffset = AlignUp(stateOffset + 4 + StateCapacity, 16);
        const int scratchSize = 8192;
        int total = scratchOffset + scratchSize;

        var plan = new NativePlan(total, _descriptions.ToArray());
        byte* p = plan.Base;
        var header = (PlanHeader*)p;
        header->OpCount = _ops.Count;
        header->OpsOffset = opsOffset;
        header->DataOffset = dataOffset;
        header->SyncFd = syncFd;
        header->ProcFd = procFd;
        header->StateOffset = stateOffset;
        header->StateCapacity = StateCapacity;
        header->ScratchOffset = scratchOffset;
        header->ScratchSize = scratchSize;
        header->Total = total;
        var ops = (PlanOp*)(p + opsOffset);
        for (int i = 0; i < _ops.Count; i++) ops[i] = _ops[i];
        _data.GetBuffer().AsSpan(0, (int)_data.Length).CopyTo(new Span<byte>(p + dataOffset, (int)_data.Length));
        return plan;
    }

    private static int AlignUp(int v, int a) => (v + a - 1) / a * a;
}

/// <summary>The native plan block. Freed by the parent; the child owns a copy-on-write image of it.</summary>
public sealed unsafe class NativePlan : IDisposable
{
    public byte* Base { get; private set; }
    public int Size { get; }
    public IReadOnlyList<string> Descriptions { get; }

    internal NativePlan(int size, string[] descriptions)
    {
        Base = (byte*)NativeMemory.AllocZeroed((nuint)size);
        Size = size;
        Descriptions = descriptions;
    }

    public PlanHeader* Header => (PlanHeader*)Base;

    /// <summary>Copy the hooks' state JSON into the block before the clone (or send it later with RecvState).</summary>
    public void SetState(ReadOnlySpan<byte> json)
    {
        var h = Header;
        if (json.Length > h->StateCapacity) throw new RuncException("state for hooks is too large");
        *(int*)(Base + h->StateOffset) = json.Length;
        json.CopyTo(new Span<byte>(Base + h->StateOffset + 4, json.Length));
    }

    public void Dispose()
    {
        if (Base != null) { NativeMemory.Free(Base); Base = null; }
    }
}
