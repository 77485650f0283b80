using System.Buffers.Binary;
using System.IO.Compression;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.TorchSharp.Gan;
using TorchSharp.Modules;

namespace Cohort.TorchSharp.Tests;

public sealed class GanTrainableTests
{
    private static readonly HyperparameterSet s_h = HyperparameterSet.Empty.With("learning_rate_g", 1e-3).With("learning_rate_d", 5e-4);

    [SharedDataFact]
    public void Should_BePureAndCopyExactly_When_TrainedSavedCopiedAndLoaded()
    {
        // Given two GANs from the same seed that run the same task
        var factory = GanSupport.Factory();
        using var a = factory.Create(3);
        using var b = factory.Create(3);
        foreach (var t in new[] { a, b })
        {
            t.Apply(s_h);
            t.Train(6, 21, CancellationToken.None);
        }

        // Then their states are identical; a copy and a load reproduce the bytes and continue identically
        var bytes = Checkpoints.Bytes(a);
        Assert.Equal(bytes, Checkpoints.Bytes(b));
        using var copied = factory.Create(4);
        using var loaded = factory.Create(5);
        copied.CopyFrom(a);
        Checkpoints.Load(loaded, bytes);
        Assert.Equal(bytes, Checkpoints.Bytes(copied));
        Assert.Equal(bytes, Checkpoints.Bytes(loaded));
        foreach (var t in new[] { a, copied, loaded })
        {
            t.Apply(s_h);
            t.Train(3, 22, CancellationToken.None);
        }

        Assert.Equal(Checkpoints.Hash(a), Checkpoints.Hash(copied));
        Assert.Equal(Checkpoints.Hash(a), Checkpoints.Hash(loaded));
        Assert.Equal(9, loaded.Step);
    }

    [SharedDataFact]
    public void Should_SetEachNetworksLearningRate_When_Applied()
    {
        using var gan = (GanTrainable)GanSupport.Factory().Create(1);

        gan.Apply(HyperparameterSet.Empty.With("learning_rate_g", 3e-4).With("learning_rate_d", 7e-5).With("beta1_d", 0.9));

        var g = Assert.IsType<Adam.ParamGroup>(Assert.Single(gan.GeneratorOptimizer.ParamGroups));
        var d = Assert.IsType<Adam.ParamGroup>(Assert.Single(gan.DiscriminatorOptimizer.ParamGroups));
        Assert.Equal(3e-4, g.LearningRate);
        Assert.Equal(7e-5, d.LearningRate);
        Assert.Equal((0.5, 0.999), g.Betas);
        Assert.Equal((0.9, 0.999), d.Betas);
        Assert.Throws<ArgumentException>(() => gan.Apply(HyperparameterSet.Empty.With("learning_rate", 1e-3)));
    }

    [SharedDataFact]
    public void Should_LeaveTheStateAlone_When_Evaluated()
    {
        using var gan = GanSupport.Factory().Create(2);
        gan.Apply(s_h);
        gan.Train(4, 1, CancellationToken.None);
        var before = Checkpoints.Hash(gan);

        var first = gan.Evaluate(DataSplit.Validation);
        var second = gan.Evaluate(DataSplit.Validation);

        Assert.Equal(before, Checkpoints.Hash(gan));
        Assert.Equal(first, second);
        Assert.InRange(first[GanTrainableFactory.ScoreMetric], 1, 10);
        Assert.True(double.IsFinite(first["d_loss"]) && double.IsFinite(first["g_loss"]));
        Assert.NotEqual(first[GanTrainableFactory.ScoreMetric], gan.Evaluate(DataSplit.Test)[GanTrainableFactory.ScoreMetric]);
    }

    [SharedDataFact]
    public void Should_WriteAPngGrid_When_AskedForSamples()
    {
        using var gan = (GanTrainable)GanSupport.Factory().Create(2);
        using var png = new MemoryStream();

        gan.WriteSampleGrid(png, rows: 4, columns: 6);

        // An 8-bit grayscale PNG of 6 × 4 images of 28 pixels with 2-pixel gaps, whose pixel data inflates to the right size
        var bytes = png.ToArray();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.Equal((6 * 30) + 2, width);
        Assert.Equal((4 * 30) + 2, height);
        var idatLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(33));
        Assert.Equal("IDAT", System.Text.Encoding.ASCII.GetString(bytes, 37, 4));
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(bytes, 41, idatLength), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        Assert.Equal(height * (width + 1), inflated.Length);
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4));

        // The same seed draws the same grid
        using var again = new MemoryStream();
        gan.WriteSampleGrid(again, rows: 4, columns: 6);
        Assert.Equal(bytes, again.ToArray());
    }
}
