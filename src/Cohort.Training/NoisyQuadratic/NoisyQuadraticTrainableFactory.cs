using Cohort.Core.Trainables;

namespace Cohort.Training.NoisyQuadratic;

/// <summary>
/// Builds <see cref="NoisyQuadraticTrainable"/> members of one problem (D, p, B). Every member starts at x = 1; the
/// member seed is not used (the randomness is the gradient noise, drawn from each task's seed).
/// </summary>
public sealed class NoisyQuadraticTrainableFactory : ITrainableFactory
{
    /// <summary>D by default.</summary>
    public const int DefaultDimensions = 100;

    /// <summary>p by default: curvatures 1 … 10⁻⁴ over 100 dimensions.</summary>
    public const double DefaultCurvaturePower = 2.0;

    /// <summary>B by default.</summary>
    public const double DefaultBatchSize = 100.0;

    private static readonly string[] s_metrics = [NoisyQuadraticTrainable.MetricLoss, NoisyQuadraticTrainable.MetricLogLoss];

    private static readonly TrainableDeclaration s_declaration = new(
        "noisy_quadratic",
        [HyperparameterDeclaration.Real(NoisyQuadraticTrainable.LearningRate, ValueRange.AtLeast(0), "SGD's learning rate (stable below 2)") with { Required = true }],
        s_metrics);

    public NoisyQuadraticTrainableFactory(int dimensions = DefaultDimensions, double curvaturePower = DefaultCurvaturePower, double batchSize = DefaultBatchSize, bool expected = false)
    {
        // Validates the arguments once, with the trainable's messages.
        _ = new NoisyQuadraticTrainable(dimensions, curvaturePower, batchSize, expected);
        Expected = expected;
        Dimensions = dimensions;
        CurvaturePower = curvaturePower;
        BatchSize = batchSize;
    }

    public int Dimensions { get; }

    public double CurvaturePower { get; }

    public double BatchSize { get; }

    /// <summary>Expected dynamics (mean and variance) instead of sampled SGD.</summary>
    public bool Expected { get; }

    public IReadOnlyList<string> Metrics => s_metrics;

    /// <summary>SGD's learning rate <c>lr</c> (required, ≥ 0); metrics <c>loss</c> and <c>log_loss</c>.</summary>
    public TrainableDeclaration Declaration => s_declaration;

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => new NoisyQuadraticTrainable(Dimensions, CurvaturePower, BatchSize, Expected);
}
