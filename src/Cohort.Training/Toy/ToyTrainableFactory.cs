using Cohort.Core.Trainables;

namespace Cohort.Training.Toy;

/// <summary>
/// Builds <see cref="ToyTrainable"/> members (Jaderberg et al. 2017, Figure 2). Every member starts at the same θ,
/// (0.9, 0.9) by default; the seed is ignored because the toy's initialisation is not random.
/// </summary>
public sealed class ToyTrainableFactory(double theta0 = 0.9, double theta1 = 0.9) : ITrainableFactory
{
    private static readonly string[] s_metrics = [ToyTrainable.MetricQ, ToyTrainable.MetricQHat];

    /// <summary>The initial θ0.</summary>
    public double Theta0 { get; } = theta0;

    /// <summary>The initial θ1.</summary>
    public double Theta1 { get; } = theta1;

    public IReadOnlyList<string> Metrics => s_metrics;

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => new ToyTrainable(Theta0, Theta1);
}
