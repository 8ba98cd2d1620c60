using System.Buffers.Binary;

namespace Runc.Cgroups.Systemd.DBus;

public enum DBusMessageType : byte { MethodCall = 1, MethodReturn = 2, Error = 3, Signal = 4 }

/// <summary>One D-Bus message: its header fields and its marshalled body (see the D-Bus specification,
/// "Message Protocol"). <see cref="Encode"/> writes little endian; <see cref="Decode"/> reads either byte order.</summary>
public sealed class DBusMessage
{
    public const int MaxLength = 128 * 1024 * 1024;
    const byte FieldPath = 1, FieldInterface = 2, FieldMember = 3, FieldErrorName = 4, FieldReplySerial = 5,
        FieldDestination = 6, FieldSender = 7, FieldSignature = 8, FieldUnixFds = 9;

    public DBusMessageType Type { get; init; }
    public byte Flags { get; init; }
    public uint Serial { get; set; }
    public uint ReplySerial { get; init; }
    public string? Path { get; init; }
    public string? Interface { get; init; }
    public string? Member { get; init; }
    public string? ErrorName { get; init; }
    public string? Destination { get; init; }
    public string? Sender { get; init; }
    public string Signature { get; init; } = "";
    public byte[] Body { get; init; } = [];
    public bool BigEndian { get; init; }

    /// <summary>A method call with its arguments marshalled as <paramref name="signature"/>.</summary>
    public static DBusMessage MethodCall(string destination, string path, string iface, string member, string signature, params object[] args)
    {
        var body = new DBusWriter();
        if (signature.Length > 0) body.Write(signature, args.Length == 1 ? args[0] : args);
        return new DBusMessage
        {
            Type = DBusMessageType.MethodCall, Destination = destination, Path = path, Interface = iface, Member = member,
            Signature = signature, Body = body.ToArray(),
        };
    }

    /// <summary>The body's values, one per complete type of <see cref="Signature"/>.</summary>
    public List<object> Arguments() => new DBusReader(Body, BigEndian).ReadAll(Signature);

    public byte[] Encode()
    {
        var w = new DBusWriter();
        w.WriteByte((byte)'l');
        w.WriteByte((byte)Type);
        w.WriteByte(Flags);
        w.WriteByte(1);
        w.WriteUInt32((uint)Body.Length);
        w.WriteUInt32(Serial);
        var fields = w.BeginArray(8);
        void Field(byte code, string sig, object? value)
        {
            if (value == null) return;
            w.Align(8);
            w.WriteByte(code);
            w.WriteSignature(sig);
            w.WriteValue(sig, value);
        }
        Field(FieldPath, "o", Path);
        Field(FieldInterface, "s", Interface);
        Field(FieldMember, "s", Member);
        Field(FieldErrorName, "s", ErrorName);
        Field(FieldReplySerial, "u", ReplySerial == 0 ? null : ReplySerial);
        Field(FieldDestination, "s", Destination);
        Field(FieldSender, "s", Sender);
        Field(FieldSignature, "g", Signature.Length == 0 ? null : Signature);
        w.EndArray(fields);
        w.Align(8);
        var bytes = new byte[w.Length + Body.Length];
        w.Written.CopyTo(bytes);
        Body.CopyTo(bytes, w.Length);
        return bytes;
    }

    /// <summary>The whole length of the message that starts with <paramref name="head"/> (at least 16 bytes).</summary>
    public static int TotalLength(ReadOnlySpan<byte> head)
    {
        bool big = head[0] switch
        {
            (byte)'l' => false,
            (byte)'B' => true,
            _ => throw new RuncException("dbus: bad byte order mark in message"),
        };
        uint body = big ? BinaryPrimitives.ReadUInt32BigEndian(head[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        uint fields = big ? BinaryPrimitives.ReadUInt32BigEndian(head[12..]) : BinaryPrimitives.ReadUInt32LittleEndian(head[12..]);
        ulong total = 16 + (((ulong)fields + 7) & ~7UL) + body;
        if (total > MaxLength) throw new RuncException("dbus: message of " + total + " bytes is too long");
        return (int)total;
    }

    public static DBusMessage Decode(ReadOnlyMemory<byte> message)
    {
        if (message.Length < 16) throw new RuncException("dbus: message is truncated");
        int total = TotalLength(message.Span);
        if (total != message.Length) throw new RuncException("dbus: message length does not match its header");
        bool big = message.Span[0] == (byte)'B';
        var r = new DBusReader(message, big);
        r.ReadByte();
        byte type = r.ReadByte();
        byte flags = r.ReadByte();
        if (r.ReadByte() != 1) throw new RuncException("dbus: unsupported protocol version");
        uint bodyLength = r.ReadUInt32();
        uint serial = r.ReadUInt32();
        string? path = null, iface = null, member = null, error = null, destination = null, sender = null;
        string signature = "";
        uint replySerial = 0;
        foreach (object f in (List<object>)r.Read("a(yv)"))
        {
            var field = (object[])f;
            var v = (DBusVariant)field[1];
            string? s = v.Value as string;
            switch ((byte)field[0])
            {
                case FieldPath when v.Signature == "o": path = s; break;
                case FieldInterface when v.Signature == "s": iface = s; break;
                case FieldMember when v.Signature == "s": member = s; break;
                case FieldErrorName when v.Signature == "s": error = s; break;
                case FieldReplySerial when v.Signature == "u": replySerial = (uint)v.Value; break;
                case FieldDestination when v.Signature == "s": destination = s; break;
                case FieldSender when v.Signature == "s": sender = s; break;
                case FieldSignature when v.Signature == "g": signature = s!; break;
                case FieldUnixFds when v.Signature == "u": break;
                case FieldPath or FieldInterface or FieldMember or FieldErrorName or FieldReplySerial or FieldDestination
                    or FieldSender or FieldSignature or FieldUnixFds:
                    throw new RuncException("dbus: header field " + field[0] + " has type \"" + v.Signature + "\"");
                default: break; // unknown fields are ignored, as the specification asks
            }
        }
        r.Align(8);
        if (message.Length - r.Position != bodyLength) throw new RuncException("dbus: message length does not match its header");
        if (type is < 1 or > 4) throw new RuncException("dbus: unknown message type " + type);
        return new DBusMessage
        {
            Type = (DBusMessageType)type, Flags = flags, Serial = serial, ReplySerial = replySerial, Path = path,
            Interface = iface, Member = member, ErrorName = error, Destination = destination, Sender = sender,
            Signature = signature, Body = message[r.Position..].ToArray(), BigEndian = big,
        };
    }
}
