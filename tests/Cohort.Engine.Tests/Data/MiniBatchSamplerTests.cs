using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class MiniBatchSamplerTests
{
    /// <summary>count samples of shape [3]: features (i, i+0.25, i+0.5), target i.</summary>
    private static Dataset Toy(int count)
    {
        var features = new float[count * 3];
        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            features[3 * i] = i;
            features[3 * i + 1] = i + 0.25f;
            features[3 * i + 2] = i + 0.5f;
            targets[i] = i;
        }

        return new Dataset("toy", [3], features, targets, 1, TaskKind.Regression);
    }

    private static List<int[]> Draw(MiniBatchSampler sampler, int batches)
    {
        var inputs = new float[sampler.BatchSize * 3];
        var targets = new float[sampler.BatchSize];
        var result = new List<int[]>();
        for (var b = 0; b < batches; b++)
        {
            var n = sampler.NextBatch(inputs, targets);
            result.Add([.. targets.AsSpan(0, n).ToArray().Select(t => (int)t)]);
        }

        return result;
    }

    [Fact]
    public void Should_VisitEverySampleExactlyOncePerEpoch_When_LastBatchIsShort()
    {
        var sampler = new MiniBatchSampler(Toy(23), batchSize: 5, seed: 11);
        Assert.Equal(5, sampler.BatchesPerEpoch);

        var inputs = new float[15];
        var targets = new float[5];
        for (var epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(epoch, sampler.Epoch);
            var seen = new List<int>();
            var sizes = new List<int>();
            for (var b = 0; b < 5; b++)
            {
                var n = sampler.NextBatch(inputs, targets);
                sizes.Add(n);
                for (var i = 0; i < n; i++)
                {
                    var s = (int)targets[i];
                    seen.Add(s);
                    Assert.Equal(sampler.LastBatchIndices[i], s);
                    Assert.Equal([s, s + 0.25f, s + 0.5f], inputs.AsSpan(3 * i, 3).ToArray());
                }
            }

            Assert.Equal([5, 5, 5, 5, 3], sizes);
            Assert.Equal(Enumerable.Range(0, 23), seen.Order());
        }

        Assert.Equal(3, sampler.Epoch);
    }

    [Fact]
    public void Should_ShuffleDifferentlyEachEpoch_When_Sampling()
    {
        var sampler = new MiniBatchSampler(Toy(50), 50, seed: 2);

        var batches = Draw(sampler, 2);

        Assert.NotEqual(batches[0], batches[1]);
        Assert.NotEqual(Enumerable.Range(0, 50), batches[0]);
        Assert.Equal(batches[0].Order(), batches[1].Order());
    }

    [Fact]
    public void Should_SkipRemainder_When_DropLastIsSet()
    {
        var sampler = new MiniBatchSampler(Toy(23), 5, seed: 11, dropLast: true);

        var batches = Draw(sampler, 8);

        Assert.Equal(4, sampler.BatchesPerEpoch);
        Assert.All(batches, b => Assert.Equal(5, b.Length));
        Assert.Equal(20, batches.Take(4).SelectMany(b => b).Distinct().Count());
        Assert.Equal(2, sampler.Epoch);
    }

    [Fact]
    public void Should_DrawIdenticalBatches_When_SeedIsTheSame()
    {
        var a = Draw(new MiniBatchSampler(Toy(40), 8, seed: 99), 12);
        var b = Draw(new MiniBatchSampler(Toy(40), 8, seed: 99), 12);
        var c = Draw(new MiniBatchSampler(Toy(40), 8, seed: 100), 12);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Should_ContinueBitIdentically_When_StateIsSavedAndRestored()
    {
        var data = Toy(37);
        var reference = new MiniBatchSampler(data, 6, seed: 5);
        var expected = Draw(reference, 20);

        var first = new MiniBatchSampler(data, 6, seed: 5);
        var head = Draw(first, 9); // mid-epoch (epoch 1, after 2 of its batches)
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            first.State.WriteTo(writer);
        }

        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        var state = SamplerState.ReadFrom(reader);
        var resumed = new MiniBatchSampler(data, 6, seed: 12345); // seed comes from the state
        resumed.Restore(state);
        var tail = Draw(resumed, 11);

        Assert.Equal(new SamplerState(5, 1, 12), state);
        Assert.Equal(expected, head.Concat(tail).ToList());
    }

    [Fact]
    public void Should_RejectState_When_PositionIsOutsideTheDataset()
    {
        var sampler = new MiniBatchSampler(Toy(10), 4, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Restore(new SamplerState(1, 0, 10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Restore(new SamplerState(1, -1, 0)));
    }

    [Fact]
    public void Should_AllocateNothing_When_FillingBatchesAcrossEpochs()
    {
        var sampler = new MiniBatchSampler(Toy(100), 16, seed: 3);
        var inputs = new float[16 * 3];
        var targets = new float[16];
        for (var i = 0; i < 20; i++)
        {
            sampler.NextBatch(inputs, targets); // warm up (JIT, tiering)
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 1000; i++)
        {
            total += sampler.NextBatch(inputs, targets);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sampler.Epoch > 100);
        // 7 batches per epoch (6 × 16 + 4). Warm-up ended at position 96 of epoch 2, so the 1000 batches are
        // the short batch (4), then 142 whole epochs (14200), then 5 full batches (80).
        Assert.Equal(14284, total);
    }

    [Fact]
    public void Should_Throw_When_BuffersAreTooSmall()
    {
        var sampler = new MiniBatchSampler(Toy(10), 4, seed: 1);

        var ex = Assert.Throws<ArgumentException>(() => sampler.NextBatch(new float[11], new float[4]));

        Assert.Contains("4 samples need 12", ex.Message, StringComparison.Ordinal);
    }
}
