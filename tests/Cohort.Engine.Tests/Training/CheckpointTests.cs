using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

public sealed class CheckpointTests
{
    private static readonly ModelSpec Spec = ModelSpec.Mlp(5, [12, 8], 4, dropout: true);
    private static readonly float[] X = TestData.Gaussian(10 * 5, 1);
    private static readonly float[] T = TestData.Classes(10, 4, 2);

    private static Trainer NewTrainer(ulong seed, OptimizerKind optimizer = OptimizerKind.Adam) =>
        new(Spec, optimizer, LossKind.SoftmaxCrossEntropy, seed, maxBatch: 10)
        {
            Hyperparameters = new TrainingHyperparameters(LearningRate: 0.01f, Momentum: 0.8f, Dropout: 0.25f, L1: 1e-3f),
        };

    private static byte[] SaveAfter(Trainer trainer, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            trainer.TrainStep(X, T, 10);
        }

        using var stream = new MemoryStream();
        trainer.Save(stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Should_ContinueBitIdentically_When_RestoredFromCheckpoint(OptimizerKind optimizer)
    {
        // Given a run checkpointed after 7 steps that keeps going for 8 more
        var original = NewTrainer(1, optimizer);
        var bytes = SaveAfter(original, 7);
        var losses = new float[8];
        for (var i = 0; i < 8; i++)
        {
            losses[i] = original.TrainStep(X, T, 10);
        }

        // When a trainer with another seed and other hyperparameters loads the checkpoint and trains 8 steps
        var restored = NewTrainer(99, optimizer);
        restored.Hyperparameters = restored.Hyperparameters with { LearningRate = 0.5f };
        restored.Hyperparameters = restored.Hyperparameters with { Dropout = 0f };
        restored.Load(new MemoryStream(bytes), "memory");
        Assert.Equal(7, restored.Step);
        Assert.Equal(0.25f, restored.Hyperparameters.Dropout);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(losses[i], restored.TrainStep(X, T, 10));
        }

        // Then both are bitwise identical
        Assert.Equal(original.ParameterHash(), restored.ParameterHash());
        Assert.Equal(original.Step, restored.Step);
    }

    [Fact]
    public void Should_ContinueIdentically_When_StateIsCopiedInMemory()
    {
        var donor = NewTrainer(1);
        SaveAfter(donor, 5);
        var receiver = NewTrainer(2);
        receiver.CopyFrom(donor);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(donor.TrainStep(X, T, 10), receiver.TrainStep(X, T, 10));
        }

        Assert.Equal(donor.ParameterHash(), receiver.ParameterHash());
    }

    [Fact]
    public void Should_ThrowNamingSource_When_ABitIsFlipped()
    {
        var bytes = SaveAfter(NewTrainer(1), 3);
        foreach (var position in new[] { 30, bytes.Length / 2, bytes.Length - 1 })
        {
            var copy = (byte[])bytes.Clone();
            copy[position] ^= 0x10;
            var target = NewTrainer(2);
            var before = target.ParameterHash();
            var e = Assert.Throws<InvalidDataException>(() => target.Load(new MemoryStream(copy), "/runs/m3.ckpt"));
            Assert.Contains("/runs/m3.ckpt", e.Message, StringComparison.Ordinal);
            Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, target.ParameterHash());
        }
    }

    [Fact]
    public void Should_RejectAndLeaveTrainerUnchanged_When_ChecksumIsValidButDropoutIsOutOfRange()
    {
        // Given a checkpoint whose dropout field says 1.5, with a recomputed (valid) checksum
        var bytes = SaveAfter(NewTrainer(1), 2);
        var descriptionLength = BitConverter.ToInt32(bytes, 20 + 8);
        var dropoutOffset = 20 + 8 + 4 + descriptionLength + 4 + 8 + 8 + 32 + (8 * 4);
        Assert.Equal(0.25f, BitConverter.ToSingle(bytes, dropoutOffset));
        BitConverter.TryWriteBytes(bytes.AsSpan(dropoutOffset), 1.5f);
        System.IO.Hashing.XxHash128.Hash(bytes.AsSpan(0, bytes.Length - 16), bytes.AsSpan(bytes.Length - 16));

        // When loading it, Then it is rejected by name and the target keeps its own state
        var target = NewTrainer(2);
        var before = target.ParameterHash();
        var e = Assert.Throws<InvalidDataException>(() => target.Load(new MemoryStream(bytes), "bad.ckpt"));
        Assert.Contains("bad.ckpt", e.Message, StringComparison.Ordinal);
        Assert.Contains("Dropout", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.ParameterHash());
        Assert.Equal(0, target.Step);
    }

    [Fact]
    public void Should_ThrowTruncated_When_CheckpointIsCut()
    {
        var bytes = SaveAfter(NewTrainer(1), 3);
        foreach (var length in new[] { 12, 40, bytes.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(
                () => NewTrainer(2).Load(new MemoryStream(bytes, 0, length), "cut.ckpt"));
            Assert.Contains("cut.ckpt", e.Message, StringComparison.Ordinal);
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }

        var empty = Assert.Throws<InvalidDataException>(() => NewTrainer(2).Load(new MemoryStream(), "empty.ckpt"));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ThrowNotACheckpoint_When_MagicIsWrong()
    {
        var e = Assert.Throws<InvalidDataException>(
            () => NewTrainer(2).Load(new MemoryStream("hello world, not a checkpoint"u8.ToArray()), "x.txt"));
        Assert.Contains("not a Cohort checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ThrowArchitectureMismatch_When_LoadingAnotherModel()
    {
        var bytes = SaveAfter(NewTrainer(1), 1);
        var other = new Trainer(ModelSpec.Mlp(5, [12, 9], 4), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 1, maxBatch: 10);
        var e = Assert.Throws<InvalidDataException>(() => other.Load(new MemoryStream(bytes), "a.ckpt"));
        Assert.Contains("architecture mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains("dense(12) relu dropout dense(8)", e.Message, StringComparison.Ordinal);
        var mse = new Trainer(Spec, OptimizerKind.Adam, LossKind.MeanSquaredError, 1, maxBatch: 10);
        var lossMismatch = Assert.Throws<InvalidDataException>(() => mse.Load(new MemoryStream(bytes), "a.ckpt"));
        Assert.Contains("loss mismatch", lossMismatch.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => mse.CopyFrom(NewTrainer(1)));
    }

    [Fact]
    public void Should_TakeTheCheckpointsOptimizer_When_LoadingIntoATrainerOfAnotherOptimizer()
    {
        // Given an Adam run checkpointed after 5 steps that keeps going for 4 more
        var adam = NewTrainer(1, OptimizerKind.Adam);
        var bytes = SaveAfter(adam, 5);
        var expected = Enumerable.Range(0, 4).Select(_ => adam.TrainStep(X, T, 10)).ToArray();

        // When an SGD trainer loads it
        var sgd = NewTrainer(2, OptimizerKind.Sgd);
        sgd.Load(new MemoryStream(bytes), "adam.ckpt");

        // Then it continues as the Adam run, bit for bit
        Assert.Equal(OptimizerKind.Adam, sgd.Optimizer);
        Assert.Equal(expected, Enumerable.Range(0, 4).Select(_ => sgd.TrainStep(X, T, 10)).ToArray());
        Assert.Equal(adam.ParameterHash(), sgd.ParameterHash());
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Sgd, OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd, OptimizerKind.AdamW)]
    public void Should_StartTheNewOptimizerFresh_When_Switched(OptimizerKind from, OptimizerKind to)
    {
        // Given a trainer that took 6 steps with one optimizer
        var switched = NewTrainer(1, from);
        _ = SaveAfter(switched, 6);

        // When it switches and trains 5 steps (dropout masks reseeded)
        switched.SwitchOptimizer(to);
        Assert.Equal(0, switched.OptimizerStep);
        Assert.Equal(6, switched.Step);
        switched.Reseed(42);
        var losses = Enumerable.Range(0, 5).Select(_ => switched.TrainStep(X, T, 10)).ToArray();

        // Then it matches a new trainer of the new optimizer given the same weights and dropout seed (zero moments,
        // bias correction from t = 1), and its step count keeps counting
        var fresh = NewTrainer(3, to);
        var before = NewTrainer(1, from);
        _ = SaveAfter(before, 6);
        fresh.CopyParametersFrom(before);
        fresh.Reseed(42);
        Assert.Equal(losses, Enumerable.Range(0, 5).Select(_ => fresh.TrainStep(X, T, 10)).ToArray());
        Assert.Equal(fresh.ParameterHash(), switched.ParameterHash());
        Assert.Equal(11, switched.Step);
        Assert.Equal(5, switched.OptimizerStep);
    }

    [Fact]
    public void Should_ContinueBitIdentically_When_ASwitchedTrainerIsCheckpointedAndCopied()
    {
        // Given an SGD trainer switched to Adam after 4 steps and checkpointed 3 steps later
        var original = NewTrainer(1, OptimizerKind.Sgd);
        _ = SaveAfter(original, 4);
        original.SwitchOptimizer(OptimizerKind.Adam);
        var bytes = SaveAfter(original, 3);
        var copied = NewTrainer(7, OptimizerKind.Sgd);
        copied.CopyFrom(original);
        var expected = Enumerable.Range(0, 5).Select(_ => original.TrainStep(X, T, 10)).ToArray();

        // When another trainer loads the checkpoint, and one copied in memory, both train 5 steps
        var restored = NewTrainer(9, OptimizerKind.Sgd);
        restored.Load(new MemoryStream(bytes), "switched.ckpt");

        // Then both follow the original bit for bit: the optimizer step (3, not 7) travels with the state
        Assert.Equal(3, restored.OptimizerStep);
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => restored.TrainStep(X, T, 10)).ToArray());
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => copied.TrainStep(X, T, 10)).ToArray());
        Assert.Equal(original.ParameterHash(), restored.ParameterHash());
        Assert.Equal(original.ParameterHash(), copied.ParameterHash());
    }

    [Fact]
    public void Should_ReadVersion1Checkpoints_When_LoadingAStoreWrittenBeforeOptimizersCouldSwitch()
    {
        // Given a version 3 checkpoint rewritten as version 1 (no optimizer step field, SHA-256 checksum)
        var original = NewTrainer(1);
        var v3 = SaveAfter(original, 3);
        var descriptionLength = BitConverter.ToInt32(v3, 28);
        var stepEnd = 20 + 8 + 4 + descriptionLength + 4 + 8;
        var v1 = v3.AsSpan(0, stepEnd).ToArray().Concat(v3.AsSpan(stepEnd + 8, v3.Length - stepEnd - 8 - 16).ToArray()).Concat(new byte[32]).ToArray();
        BitConverter.TryWriteBytes(v1.AsSpan(8), 1u);
        BitConverter.TryWriteBytes(v1.AsSpan(12), (ulong)(v1.Length - 20 - 32));
        System.Security.Cryptography.SHA256.HashData(v1.AsSpan(0, v1.Length - 32), v1.AsSpan(v1.Length - 32));
        var expected = original.TrainStep(X, T, 10);

        // When it is loaded
        var restored = NewTrainer(5);
        restored.Load(new MemoryStream(v1), "v1.ckpt");

        // Then the optimizer step is the step, and training continues exactly
        Assert.Equal(3, restored.OptimizerStep);
        Assert.Equal(expected, restored.TrainStep(X, T, 10));
    }

    [Fact]
    public void Should_ReadVersion2Checkpoints_When_LoadingAStoreWrittenWithSha256Checksums()
    {
        // Given a version 3 checkpoint rewritten as version 2 (the same payload, a SHA-256 checksum)
        var original = NewTrainer(1);
        var v3 = SaveAfter(original, 3);
        var v2 = v3.AsSpan(0, v3.Length - 16).ToArray().Concat(new byte[32]).ToArray();
        BitConverter.TryWriteBytes(v2.AsSpan(8), 2u);
        System.Security.Cryptography.SHA256.HashData(v2.AsSpan(0, v2.Length - 32), v2.AsSpan(v2.Length - 32));
        var expected = original.TrainStep(X, T, 10);

        // When it is loaded
        var restored = NewTrainer(5);
        restored.Load(new MemoryStream(v2), "v2.ckpt");

        // Then training continues exactly; and a damaged version 2 file is refused by its SHA-256
        Assert.Equal(expected, restored.TrainStep(X, T, 10));
        v2[40] ^= 1;
        var e = Assert.Throws<InvalidDataException>(() => NewTrainer(6).Load(new MemoryStream(v2), "v2.ckpt"));
        Assert.Contains("SHA-256 checksum mismatch", e.Message, StringComparison.Ordinal);
    }
}
