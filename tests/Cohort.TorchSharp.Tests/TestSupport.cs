using System.Security.Cryptography;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Training;

namespace Cohort.TorchSharp.Tests;

internal static class Checkpoints
{
    public static byte[] Bytes(ITrainable trainable)
    {
        using var stream = new MemoryStream();
        trainable.Save(stream);
        return stream.ToArray();
    }

    public static string Hash(ITrainable trainable) => Convert.ToHexStringLower(SHA256.HashData(Bytes(trainable)));

    public static void Load(ITrainable trainable, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        trainable.Load(stream);
    }
}

/// <summary>The spec catalog with the built-in methods and kinds and <c>kind: torch</c>.</summary>
internal static class TorchCatalog
{
    public static SpecCatalog Instance { get; } =
        SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All).Add(new TorchSection(GanSupport.CacheDirectory));
}
