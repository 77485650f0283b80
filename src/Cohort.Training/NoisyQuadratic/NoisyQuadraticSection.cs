using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Sections;

namespace Cohort.Training.NoisyQuadratic;

/// <summary>
/// The noisy quadratic model (Zhang et al. 2019): SGD on ½ Σ h_i x_i², h_i = i^−p, i = 1 … <paramref name="Dimensions"/>,
/// with gradient noise of covariance H / <paramref name="BatchSize"/>.
/// </summary>
/// <param name="Dimensions">D (default 100).</param>
/// <param name="CurvaturePower">p (default 2).</param>
/// <param name="BatchSize">B (default 100).</param>
/// <param name="Expected"><c>noise: expected</c>: the iterate's mean and variance evolve exactly instead of sampling.</param>
public sealed record NoisyQuadraticSettings(int Dimensions, double CurvaturePower, double BatchSize, bool Expected = false) : ITrainableSettings;

/// <summary><c>kind: noisy_quadratic</c>: a cheap learning-rate testbed where greedy decay is tempting and wrong (FIRE PBT).</summary>
public sealed class NoisyQuadraticSection : TrainableSection<NoisyQuadraticSettings>
{
    private static readonly (string, bool)[] s_noise = [("sampled", false), ("expected", true)];

    /// <inheritdoc/>
    public override string Name => "noisy_quadratic";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } = ["dimensions", "curvature_power", "batch_size", "noise"];

    /// <inheritdoc/>
    protected override NoisyQuadraticSettings? Read(SpecMap map)
    {
        var dimensions = map.Whole("dimensions", NoisyQuadraticTrainableFactory.DefaultDimensions, x => x is >= 1 and <= 100000, "an integer in [1, 100000]");
        var power = map.Number("curvature_power", NoisyQuadraticTrainableFactory.DefaultCurvaturePower, x => x is >= 0 and <= 10, "a number in [0, 10]");
        var batch = map.Number("batch_size", NoisyQuadraticTrainableFactory.DefaultBatchSize, x => x > 0 && double.IsFinite(x), "a number > 0");
        var expected = map.Choice("noise", false, s_noise);
        return dimensions is null || power is null || batch is null || expected is null
            ? null
            : new NoisyQuadraticSettings((int)dimensions.Value, power.Value, batch.Value, expected.Value);
    }

    /// <inheritdoc/>
    protected override void Write(NoisyQuadraticSettings settings, SpecWriter writer)
    {
        writer.Write("dimensions", settings.Dimensions);
        writer.Write("curvature_power", settings.CurvaturePower);
        writer.Write("batch_size", settings.BatchSize);
        writer.Write("noise", settings.Expected ? "expected" : "sampled");
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(NoisyQuadraticSettings settings) => Factory(settings).Declaration;

    /// <inheritdoc/>
    protected override Task<ITrainableFactory> CreateFactoryAsync(NoisyQuadraticSettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ITrainableFactory>(Factory(settings));

    private static NoisyQuadraticTrainableFactory Factory(NoisyQuadraticSettings settings) =>
        new(settings.Dimensions, settings.CurvaturePower, settings.BatchSize, settings.Expected);
}
