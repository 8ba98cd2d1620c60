using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>
/// System.Text.Json asks every type it sets up for its polymorphism attributes (GetCustomAttributes&lt;T&gt;, which
/// returns a new T[]). NativeAOT can only make array types its image holds, and nothing else in nrunc allocates these
/// (since System.Linq left the binary nobody did by accident): without them the serializer fails at run time with
/// "Reflection_InsufficientMetadata_EdbNeeded". Allocating them here, referenced from OciJson (always in the image
/// with the serializer), puts their types in the image for every serializer call, the loader's error path included.
/// </summary>
internal static class JsonReflectionRoots
{
    internal static readonly object[] Arrays = [new JsonDerivedTypeAttribute[0], new JsonPolymorphicAttribute[0]];
}
