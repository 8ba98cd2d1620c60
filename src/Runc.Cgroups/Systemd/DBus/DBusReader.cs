using System.Buffers.Binary;
using System.Text;

namespace Runc.Cgroups.Systemd.DBus;

/// <summary>
/// D-Bus unmarshalling from a byte range whose offset 0 is 8-aligned (a message or a body), in either byte order.
/// <see cref="Read"/> returns y byte, b bool, n short, q ushort, i int, u uint, x long, t ulong, d double,
/// s/o/g string, v <see cref="DBusVariant"/>, a <see cref="List{T}"/> of object, (..) and {..} object[].
/// Every length is checked against the data: a malformed message is a <see cref="RuncException"/>.
/// </summary>
public sealed class DBusReader(ReadOnlyMemory<byte> data, bool bigEndian = false)
{
    private int _pos;

    public int Position { get => _pos; set => _pos = value; }
    public bool AtEnd => _pos >= data.Length;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _pos + n > data.Length) throw new RuncException("dbus: message is truncated");
        var s = data.Span.Slice(_pos, n);
        _pos += n;
        return s;
    }

    public void Align(int n)
    {
        int pad = (n - _pos % n) % n;
        foreach (byte b in Take(pad))
            if (b != 0) throw new RuncException("dbus: non-zero alignment padding");
    }

    public byte ReadByte() => Take(1)[0];

    public bool ReadBool() => ReadUInt32() switch
    {
        0 => false,
        1 => true,
        var v => throw new RuncException("dbus: boolean value " + v),
    };

    public short ReadInt16() { Align(2); var s = Take(2); return bigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s); }
    public ushort ReadUInt16() { Align(2); var s = Take(2); return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s); }
    public int ReadInt32() { Align(4); var s = Take(4); return bigEndian ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s); }
    public uint ReadUInt32() { Align(4); var s = Take(4); return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s); }
    public long ReadInt64() { Align(8); var s = Take(8); return bigEndian ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s); }
    public ulong ReadUInt64() { Align(8); var s = Take(8); return bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s); }
    public double ReadDouble() { Align(8); var s = Take(8); return bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s); }

    public string ReadString()
    {
        uint n = ReadUInt32();
        if (n > int.MaxValue - 1) throw new RuncException("dbus: message is truncated");
        string s = Encoding.UTF8.GetString(Take((int)n));
        if (ReadByte() != 0) throw new RuncException("dbus: string is not NUL-terminated");
        return s;
    }

    public string ReadSignature()
    {
        int n = ReadByte();
        string s = Encoding.ASCII.GetString(Take(n));
        if (ReadByte() != 0) throw new RuncException("dbus: signature is not NUL-terminated");
        return s;
    }

    /// <summary>Reads every complete type of <paramref name="signature"/> in turn.</summary>
    public List<object> ReadAll(string signature)
    {
        var types = DBusSignature.Split(signature);
        var values = new List<object>(types.Count);
        foreach (string type in types) values.Add(Read(type));
        return values;
    }

    public object Read(string type)
    {
        switch (type[0])
        {
            case 'y': return ReadByte();
            case 'b': return ReadBool();
            case 'n': return ReadInt16();
            case 'q': return ReadUInt16();
            case 'i': return ReadInt32();
            case 'u': return ReadUInt32();
            case 'x': return ReadInt64();
            case 't': return ReadUInt64();
            case 'd': return ReadDouble();
            case 's' or 'o': return ReadString();
            case 'g': return ReadSignature();
            case 'h': return ReadUInt32();
            case 'v':
            {
                string sig = ReadSignature();
                DBusSignature.Split(sig, single: true);
                return new DBusVariant(sig, Read(sig));
            }
            case 'a':
            {
                string element = type[1..];
                uint n = ReadUInt32();
                if (n > 64 * 1024 * 1024) throw new RuncException("dbus: array is too long");
                Align(DBusSignature.Alignment(element[0]));
                int end = _pos + (int)n;
                if (end > data.Length) throw new RuncException("dbus: message is truncated");
                var items = new List<object>();
                while (_pos < end) items.Add(Read(element));
                if (_pos != end) throw new RuncException("dbus: array length does not match its elements");
                return items;
            }
            case '(' or '{':
            {
                Align(8);
                var fields = DBusSignature.Split(type[1..^1]);
                var values = new object[fields.Count];
                for (int i = 0; i < values.Length; i++) values[i] = Read(fields[i]);
                return values;
            }
            default: throw new RuncException("dbus: cannot read type \"" + type + "\"");
        }
    }
}
