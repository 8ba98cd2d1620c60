using System.Text;
using Runc.Cgroups.Systemd;
using Runc.Cgroups.Systemd.DBus;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// nrunc's D-Bus marshalling against byte sequences laid out by hand from the specification ("Marshaling (Wire
/// Format)" and "Message Format": little endian, header fields a(yv) then the body at an 8-aligned offset).
/// </summary>
public sealed class DBusWireTests
{
    /// <summary>Bytes from parts: byte as is, uint as 4 little-endian bytes, string as its ASCII bytes (no NUL).</summary>
    static byte[] Cat(params object[] parts)
    {
        var b = new List<byte>();
        foreach (object p in parts)
        {
            switch (p)
            {
                case byte x: b.Add(x); break;
                case uint u: b.AddRange(BitConverter.GetBytes(u)); break;
                case string s: b.AddRange(Encoding.ASCII.GetBytes(s)); break;
                case byte[] a: b.AddRange(a); break;
                default: throw new ArgumentException(p.GetType().Name);
            }
        }
        return b.ToArray();
    }

    static byte[] Z(int n) => new byte[n];
    const byte Nul = 0;

    [Fact]
    public void A_StartTransientUnit_call_is_marshalled_byte_for_byte()
    {
        List<SystemdProperty> props = [new("PIDs", new uint[] { 7 }), new("Delegate", true)];
        var m = DBusMessage.MethodCall(SystemdDbusClient.Service, SystemdDbusClient.ObjectPath, SystemdDbusClient.ManagerInterface,
            "StartTransientUnit", "ssa(sv)a(sa(sv))", "a.scope", "replace", SystemdDbusClient.PropertyArray(props), Array.Empty<object>());
        m.Serial = 1;
        byte[] expected = Cat(
            (byte)'l', (byte)1, (byte)0, (byte)1, 80u, 1u, 182u,
            // 16: PATH
            (byte)1, (byte)1, "o", Nul, 25u, "/org/freedesktop/systemd1", Nul, Z(6),
            // 56: INTERFACE
            (byte)2, (byte)1, "s", Nul, 32u, "org.freedesktop.systemd1.Manager", Nul, Z(7),
            // 104: MEMBER
            (byte)3, (byte)1, "s", Nul, 18u, "StartTransientUnit", Nul, Z(5),
            // 136: DESTINATION
            (byte)6, (byte)1, "s", Nul, 24u, "org.freedesktop.systemd1", Nul, Z(7),
            // 176: SIGNATURE, the array ends at 198
            (byte)8, (byte)1, "g", Nul, (byte)16, "ssa(sv)a(sa(sv))", Nul, Z(2),
            // 200: body
            7u, "a.scope", Nul,
            7u, "replace", Nul,
            44u, Z(4), // a(sv): 44 bytes of structs from body offset 32
            4u, "PIDs", Nul, (byte)2, "au", Nul, Z(3), 4u, 7u,
            8u, "Delegate", Nul, (byte)1, "b", Nul, 1u,
            0u); // empty a(sa(sv)) at body offset 76: its length, already 8-aligned after it
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(m.Encode()));
    }

    [Fact]
    public void A_method_return_with_a_job_path_is_parsed()
    {
        byte[] bytes = Cat(
            (byte)'l', (byte)2, (byte)1, (byte)1, 37u, 5u, 15u,
            (byte)5, (byte)1, "u", Nul, 1u,
            (byte)8, (byte)1, "g", Nul, (byte)1, "o", Nul, Z(1),
            32u, "/org/freedesktop/systemd1/job/42", Nul);
        var m = DBusMessage.Decode(bytes);
        Assert.Equal(DBusMessageType.MethodReturn, m.Type);
        Assert.Equal(5u, m.Serial);
        Assert.Equal(1u, m.ReplySerial);
        Assert.Equal("o", m.Signature);
        Assert.Equal(["/org/freedesktop/systemd1/job/42"], m.Arguments());
    }

    [Fact]
    public void An_error_reply_is_parsed_with_its_name_and_message()
    {
        byte[] bytes = Cat(
            (byte)'l', (byte)3, (byte)1, (byte)1, 33u, 6u, 63u,
            (byte)4, (byte)1, "s", Nul, 35u, "org.freedesktop.systemd1.UnitExists", Nul, Z(4),
            (byte)5, (byte)1, "u", Nul, 2u,
            (byte)8, (byte)1, "g", Nul, (byte)1, "s", Nul, Z(1),
            28u, "Unit x.scope already exists.", Nul);
        var m = DBusMessage.Decode(bytes);
        Assert.Equal(DBusMessageType.Error, m.Type);
        Assert.Equal("org.freedesktop.systemd1.UnitExists", m.ErrorName);
        Assert.Equal(2u, m.ReplySerial);
        Assert.Equal(["Unit x.scope already exists."], m.Arguments());
    }

    static byte[] JobRemoved(string result) => Cat(
        (byte)'l', (byte)4, (byte)1, (byte)1, (uint)(61 + result.Length), 9u, 141u,
        (byte)1, (byte)1, "o", Nul, 25u, "/org/freedesktop/systemd1", Nul, Z(6),
        (byte)2, (byte)1, "s", Nul, 32u, "org.freedesktop.systemd1.Manager", Nul, Z(7),
        (byte)3, (byte)1, "s", Nul, 10u, "JobRemoved", Nul, Z(5),
        (byte)8, (byte)1, "g", Nul, (byte)4, "uoss", Nul, Z(6),
        (byte)7, (byte)1, "s", Nul, 4u, ":1.5", Nul, Z(3),
        42u, 32u, "/org/freedesktop/systemd1/job/42", Nul, Z(3), 7u, "a.scope", Nul, (uint)result.Length, result, Nul);

    [Fact]
    public void A_JobRemoved_signal_is_parsed()
    {
        var m = DBusMessage.Decode(JobRemoved("done"));
        Assert.Equal(DBusMessageType.Signal, m.Type);
        Assert.Equal((SystemdDbusClient.ObjectPath, SystemdDbusClient.ManagerInterface, "JobRemoved", ":1.5"), (m.Path, m.Interface, m.Member, m.Sender));
        Assert.Equal("uoss", m.Signature);
        Assert.Equal([42u, "/org/freedesktop/systemd1/job/42", "a.scope", "done"], m.Arguments());
        Assert.Equal(m.Arguments(), DBusMessage.Decode(m.Encode()).Arguments());
    }

    [Fact]
    public void Messages_with_a_wrong_length_or_padding_are_refused()
    {
        byte[] ok = JobRemoved("done");
        Assert.Throws<RuncException>(() => DBusMessage.Decode(ok.AsMemory(0, ok.Length - 1)));
        byte[] padded = (byte[])ok.Clone();
        padded[16 + 34 + 1] = 0xff; // inside the padding after PATH
        Assert.Throws<RuncException>(() => DBusMessage.Decode(padded));
        byte[] order = (byte[])ok.Clone();
        order[0] = (byte)'x';
        Assert.Throws<RuncException>(() => DBusMessage.Decode(order));
    }

    [Fact]
    public void Nested_variants_round_trip_through_a_sv()
    {
        object[] props =
        [
            new object[] { "Plain", new DBusVariant("t", ulong.MaxValue) },
            new object[] { "Nested", new DBusVariant("v", new DBusVariant("a(st)", new object[] { ("/dev/sda", 10UL), ("/dev/sdb", 20UL) })) },
            new object[] { "Signed", new DBusVariant("(ixb)", new object[] { -1, long.MinValue, false }) },
            new object[] { "Path", new DBusVariant("o", new DBusObjectPath("/a/b")) },
            new object[] { "Strings", new DBusVariant("as", new[] { "x", "" }) },
            new object[] { "Empty", new DBusVariant("a(ss)", Array.Empty<object>()) },
        ];
        var w = new DBusWriter();
        w.WriteByte(1); // start unaligned: the array must pad itself to 4 and its structs to 8
        w.Write("a(sv)", props);
        var r = new DBusReader(w.ToArray());
        Assert.Equal((byte)1, r.ReadByte());
        var back = (List<object>)r.Read("a(sv)");
        Assert.True(r.AtEnd);
        List<object> expected =
        [
            new object[] { "Plain", new DBusVariant("t", ulong.MaxValue) },
            new object[] { "Nested", new DBusVariant("v", new DBusVariant("a(st)", new List<object> { new object[] { "/dev/sda", 10UL }, new object[] { "/dev/sdb", 20UL } })) },
            new object[] { "Signed", new DBusVariant("(ixb)", new object[] { -1, long.MinValue, false }) },
            new object[] { "Path", new DBusVariant("o", "/a/b") },
            new object[] { "Strings", new DBusVariant("as", new List<object> { "x", "" }) },
            new object[] { "Empty", new DBusVariant("a(ss)", new List<object>()) },
        ];
        Assert.Equal(expected, back, new ObjectEquivalence());
    }

    [Fact]
    public void Alignment_pads_from_the_start_of_the_buffer()
    {
        var w = new DBusWriter();
        w.WriteByte(0xaa);
        w.WriteValue("t", 1UL);             // 7 bytes of padding
        w.WriteByte(0xbb);
        w.WriteValue("(y)", new object[] { (byte)2 }); // struct to 8
        w.WriteValue("n", (short)-2);       // to 2
        w.WriteValue("u", 5u);
        w.WriteValue("a(t)", Array.Empty<object>()); // length at 32, then padding to 40 even though it is empty
        w.WriteValue("ay", new byte[] { 9 }); // no padding for bytes after the length
        Assert.Equal(Cat((byte)0xaa, Z(7), 1u, 0u, (byte)0xbb, Z(7), (byte)2, Nul, (byte)0xfe, (byte)0xff, 5u, 0u, Z(4), 1u, (byte)9),
            w.ToArray());
        var r = new DBusReader(w.ToArray());
        Assert.Equal([(byte)0xaa, 1UL, (byte)0xbb, new object[] { (byte)2 }, (short)-2, 5u, new List<object>(), new List<object> { (byte)9 }],
            new object[] { r.ReadByte(), r.Read("t"), r.ReadByte(), r.Read("(y)"), r.Read("n"), r.Read("u"), r.Read("a(t)"), r.Read("ay") },
            new ObjectEquivalence());
    }

    sealed class ObjectEquivalence : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) => x is System.Collections.IEnumerable a && y is System.Collections.IEnumerable b && x is not string
            ? a.Cast<object>().SequenceEqual(b.Cast<object>(), this)
            : x is DBusVariant v && y is DBusVariant w ? v.Signature == w.Signature && Equals(v.Value, w.Value) : object.Equals(x, y);
        public int GetHashCode(object obj) => 0;
    }

    [Theory]
    [InlineData("a")]
    [InlineData("(s")]
    [InlineData("()")]
    [InlineData("s)")]
    [InlineData("a{vs}")]
    [InlineData("z")]
    public void Bad_signatures_are_refused(string sig) => Assert.Throws<RuncException>(() => DBusSignature.Split(sig));

    [Fact]
    public void Values_of_the_wrong_type_are_refused()
    {
        Assert.Throws<RuncException>(() => new DBusWriter().WriteValue("u", "x"));
        Assert.Throws<RuncException>(() => new DBusWriter().WriteValue("(ss)", new object[] { "a" }));
        Assert.Throws<RuncException>(() => new DBusWriter().WriteValue("v", new DBusVariant("ss", new object[] { "a", "b" })));
    }
}
