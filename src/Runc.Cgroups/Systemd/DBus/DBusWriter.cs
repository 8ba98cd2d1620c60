using System.Buffers.Binary;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace Runc.Cgroups.Systemd.DBus;

/// <summary>A D-Bus variant: a value with its own single complete type.</summary>
public sealed record DBusVariant(string Signature, object Value);

/// <summary>An object path value (signature "o") where a value is written from .NET objects.</summary>
public readonly record struct DBusObjectPath(string Path);

/// <summary>
/// Little-endian D-Bus marshalling into a growing buffer; offsets (and so alignment) are relative to the buffer's start,
/// which is a message's start or a body's start (bodies begin 8-aligned, so both agree).
/// Values are .NET objects typed by the signature: y byte, b bool, n short, q ushort, i int, u uint, x long, t ulong,
/// d double, s string, o string or <see cref="DBusObjectPath"/>, g string, v <see cref="DBusVariant"/>, a any
/// <see cref="IEnumerable"/> of the element type, (..) an <see cref="ITuple"/> or object[] of the fields.
/// </summary>
public sealed class DBusWriter
{
    private byte[] _buf = new byte[256];
    private int _len;

    public int Length => _len;
    public ReadOnlySpan<byte> Written => _buf.AsSpan(0, _len);
    public byte[] ToArray() => _buf.AsSpan(0, _len).ToArray();

    private Span<byte> Take(int n)
    {
        if (_len + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
        var s = _buf.AsSpan(_len, n);
        _len += n;
        return s;
    }

    public void Align(int n)
    {
        int pad = (n - _len % n) % n;
        Take(pad).Clear();
    }

    public void WriteByte(byte b) => Take(1)[0] = b;
    public void WriteBool(bool b) => WriteUInt32(b ? 1u : 0u);
    public void WriteInt16(short v) { Align(2); BinaryPrimitives.WriteInt16LittleEndian(Take(2), v); }
    public void WriteUInt16(ushort v) { Align(2); BinaryPrimitives.WriteUInt16LittleEndian(Take(2), v); }
    public void WriteInt32(int v) { Align(4); BinaryPrimitives.WriteInt32LittleEndian(Take(4), v); }
    public void WriteUInt32(uint v) { Align(4); BinaryPrimitives.WriteUInt32LittleEndian(Take(4), v); }
    public void WriteInt64(long v) { Align(8); BinaryPrimitives.WriteInt64LittleEndian(Take(8), v); }
    public void WriteUInt64(ulong v) { Align(8); BinaryPrimitives.WriteUInt64LittleEndian(Take(8), v); }
    public void WriteDouble(double v) { Align(8); BinaryPrimitives.WriteDoubleLittleEndian(Take(8), v); }

    public void WriteString(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        if (s.Contains('\0')) throw new RuncException("dbus: string contains a NUL byte");
        WriteUInt32((uint)n);
        Encoding.UTF8.GetBytes(s, Take(n));
        WriteByte(0);
    }

    public void WriteSignature(string sig)
    {
        if (sig.Length > 255) throw new RuncException("dbus: signature \"" + sig + "\" is too long");
        WriteByte((byte)sig.Length);
        Encoding.ASCII.GetBytes(sig, Take(sig.Length));
        WriteByte(0);
    }

    /// <summary>Starts an array: its length word and the padding to its first element. Returns what
    /// <see cref="EndArray"/> needs.</summary>
    public (int LengthAt, int Start) BeginArray(int elementAlignment)
    {
        Align(4);
        int at = _len;
        Take(4);
        Align(elementAlignment);
        return (at, _len);
    }

    public void EndArray((int LengthAt, int Start) a)
    {
        int n = _len - a.Start;
        if (n > 64 * 1024 * 1024) throw new RuncException("dbus: array is too long");
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(a.LengthAt, 4), (uint)n);
    }

    /// <summary>Writes <paramref name="value"/> as <paramref name="signature"/>, which holds one or more complete types
    /// (then the value is an object[] or <see cref="ITuple"/> of them, unless there is exactly one).</summary>
    public void Write(string signature, object value)
    {
        var types = DBusSignature.Split(signature);
        if (types.Count == 1) { WriteValue(types[0], value); return; }
        var fields = Fields(value, types.Count, signature);
        for (int i = 0; i < types.Count; i++) WriteValue(types[i], fields[i]!);
    }

    public void WriteValue(string type, object value)
    {
        switch (type[0])
        {
            case 'y': WriteByte(As<byte>(value, type)); break;
            case 'b': WriteBool(As<bool>(value, type)); break;
            case 'n': WriteInt16(As<short>(value, type)); break;
            case 'q': WriteUInt16(As<ushort>(value, type)); break;
            case 'i': WriteInt32(As<int>(value, type)); break;
            case 'u': WriteUInt32(As<uint>(value, type)); break;
            case 'x': WriteInt64(As<long>(value, type)); break;
            case 't': WriteUInt64(As<ulong>(value, type)); break;
            case 'd': WriteDouble(As<double>(value, type)); break;
            case 's': WriteString(As<string>(value, type)); break;
            case 'o': WriteString(value is DBusObjectPath p ? p.Path : As<string>(value, type)); break;
            case 'g': WriteSignature(As<string>(value, type)); break;
            case 'v':
            {
                var v = As<DBusVariant>(value, type);
                DBusSignature.Split(v.Signature, single: true);
                WriteSignature(v.Signature);
                WriteValue(v.Signature, v.Value);
                break;
            }
            case 'a':
            {
                string element = type[1..];
                var a = BeginArray(DBusSignature.Alignment(element[0]));
                foreach (object? item in As<IEnumerable>(value, type)) WriteValue(element, item!);
                EndArray(a);
                break;
            }
            case '(' or '{':
            {
                var types = DBusSignature.Split(type[1..^1]);
                var fields = Fields(value, types.Count, type);
                Align(8);
                for (int i = 0; i < types.Count; i++) WriteValue(types[i], fields[i]!);
                break;
            }
            default: throw new RuncException("dbus: cannot write type \"" + type + "\"");
        }
    }

    private static object?[] TupleFields(ITuple t)
    {
        var fields = new object?[t.Length];
        for (int i = 0; i < fields.Length; i++) fields[i] = t[i];
        return fields;
    }

    private static object?[] Fields(object value, int count, string type)
    {
        object?[] f = value switch
        {
            object?[] arr => arr,
            ITuple t => TupleFields(t),
            _ => throw new RuncException("dbus: " + value.GetType().Name + " is not a value of type \"" + type + "\""),
        };
        if (f.Length != count) throw new RuncException("dbus: " + f.Length + " fields for type \"" + type + "\"");
        return f;
    }

    private static T As<T>(object value, string type) => value is T t
        ? t
        : throw new RuncException("dbus: " + (value?.GetType().Name ?? "null") + " is not a value of type \"" + type + "\"");
}
