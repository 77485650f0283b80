using Cohort.Core.Trainables;
using Cohort.Engine.Data;

namespace Cohort.TorchSharp.Gan;

/// <summary>How the members of a GAN run are built.</summary>
/// <param name="Shape">The DCGAN (MNIST: 1 channel, 28×28).</param>
/// <param name="BatchSize">Real images per step (paper 002: 64); as many generated ones.</param>
/// <param name="ScoreSamples">Generated images per score (<see cref="InceptionScore"/>); more is less noisy and slower.</param>
/// <param name="Threads">LibTorch intra-op threads per member (<see cref="TorchThreads"/>).</param>
public sealed record GanTrainableOptions(DcganShape Shape, int BatchSize = 64, int ScoreSamples = 1000, int Threads = 1);

/// <summary>
/// Builds <see cref="GanTrainable"/>s: paper 002's DCGAN (sec. 4.2) on MNIST, whose generator's and discriminator's
/// learning rates PBT tunes, scored by an Inception-Score analogue under an MNIST classifier.
/// <para>
/// Hyperparameters (all floats): <c>learning_rate_g</c>, <c>learning_rate_d</c> (≥ 0; default 2e-4, DCGAN's);
/// <c>beta1_g</c>, <c>beta1_d</c>, <c>beta2_g</c>, <c>beta2_d</c> (in [0, 1); default 0.5 and 0.999, DCGAN's);
/// <c>epsilon_g</c>, <c>epsilon_d</c> (≥ 0; 1e-8); <c>weight_decay_g</c>, <c>weight_decay_d</c> (≥ 0; 0). Metrics:
/// <c>inception_score</c> (maximise; 1 … 10), <c>d_loss</c> and <c>g_loss</c> (the discriminator's and the
/// generator's losses on a fixed batch of the split's real images and fixed noise).
/// </para>
/// </summary>
public sealed class GanTrainableFactory : ITrainableFactory
{
    /// <summary>The objective metric: the Inception-Score analogue.</summary>
    public const string ScoreMetric = "inception_score";

    /// <summary>
    /// Creates the factory over <paramref name="splits"/> (MNIST, images in [0, 1] as the loader gives them: no feature
    /// scaling) with <paramref name="classifier"/> for the score. Loads TorchSharp's backend.
    /// </summary>
    public GanTrainableFactory(GanTrainableOptions options, DatasetSplits splits, MnistClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(classifier);
        options.Shape.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ScoreSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        if (!splits.Train.Shape.SequenceEqual([options.Shape.Channels, options.Shape.Size, options.Shape.Size]))
        {
            throw new ArgumentException(
                $"A {options.Shape.Describe()} trains on [{options.Shape.Channels}, {options.Shape.Size}, {options.Shape.Size}] images; '{splits.Train.Name}' has [{string.Join(", ", splits.Train.Shape.ToArray())}].",
                nameof(splits));
        }

        if (splits.FeatureScaler is not null)
        {
            throw new ArgumentException("A GAN trains on images in [0, 1]: load them without feature scaling.", nameof(splits));
        }

        if (options.BatchSize > splits.Train.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"The batch exceeds the {splits.Train.Count} training images.");
        }

        TorchRuntime.EnsureAvailable();
        Options = options;
        Splits = splits;
        Classifier = classifier;
    }

    /// <summary>The options members are built with.</summary>
    public GanTrainableOptions Options { get; }

    /// <summary>The dataset splits (shared, read-only).</summary>
    public DatasetSplits Splits { get; }

    /// <summary>The classifier behind the score.</summary>
    public MnistClassifier Classifier { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; } = [ScoreMetric, "d_loss", "g_loss"];

    /// <inheritdoc />
    public bool HasTestSet => Splits.Test.Count > 0;

    /// <summary>LibTorch threads one member uses while it trains or evaluates.</summary>
    public int ThreadsPerTrainable => Options.Threads;

    /// <inheritdoc />
    public ITrainable Create(ulong seed) => new GanTrainable(this, seed);
}
