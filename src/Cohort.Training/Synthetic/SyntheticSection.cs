using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Sections;

namespace Cohort.Training.Synthetic;

/// <summary>The synthetic separable problem: <paramref name="Dimensions"/> hyperparameters h0 … h{D−1} and evaluation noise σ.</summary>
/// <param name="Dimensions">D (default 10).</param>
/// <param name="Noise">σ of the Gaussian noise added to <c>score</c> (default 0).</param>
public sealed record SyntheticSettings(int Dimensions, double Noise) : ITrainableSettings;

/// <summary><c>kind: synthetic</c>: a separable problem with many hyperparameters and noisy evaluations (paper 004's crossover claim).</summary>
public sealed class SyntheticSection : TrainableSection<SyntheticSettings>
{
    /// <inheritdoc/>
    public override string Name => "synthetic";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } = ["dimensions", "noise"];

    /// <inheritdoc/>
    protected override SyntheticSettings? Read(SpecMap map)
    {
        var dimensions = map.Whole("dimensions", 10, x => x is >= 1 and <= 10000, "an integer in [1, 10000]");
        var noise = map.Number("noise", 0.0, x => x >= 0, "a standard deviation >= 0");
        return dimensions is null || noise is null ? null : new SyntheticSettings((int)dimensions.Value, noise.Value);
    }

    /// <inheritdoc/>
    protected override void Write(SyntheticSettings settings, SpecWriter writer)
    {
        writer.Write("dimensions", settings.Dimensions);
        writer.Write("noise", settings.Noise);
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(SyntheticSettings settings) => SyntheticTrainableFactory.Declare(settings.Dimensions);

    /// <inheritdoc/>
    protected override Task<ITrainableFactory> CreateFactoryAsync(SyntheticSettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ITrainableFactory>(new SyntheticTrainableFactory(settings.Dimensions, settings.Noise, context.Seed));
}
