using Cohort.Core.Trainables;

namespace Cohort.Training.Toy;

/// <summary>
/// Builds <see cref="ToyTrainable"/> members (Jaderberg et al. 2017, Figure 2). Every member starts at the same θ,
/// (0.9, 0.9) by default; the seed is ignored because the toy's initialisation is not random.
/// </summary>
public sealed class ToyTrainableFactory(double theta0 = 0.9, double theta1 = 0.9) : ITrainableFactory
{
    private static readonly string[] s_metrics = [ToyTrainable.MetricQ, ToyTrainable.MetricQHat];

    private static readonly TrainableDeclaration s_declaration = new(
        "toy",
        [
            HyperparameterDeclaration.Real("h0", ValueRange.All, "the surrogate's weight of θ0²") with { Required = true },
            HyperparameterDeclaration.Real("h1", ValueRange.All, "the surrogate's weight of θ1²") with { Required = true },
            HyperparameterDeclaration.Real("lr", ValueRange.AtLeast(0), "step size α (default 0.01)"),
            HyperparameterDeclaration.Real("noise", ValueRange.AtLeast(0), "standard deviation of the noise added per step (default 0)"),
        ],
        s_metrics);

    /// <summary>The initial θ0.</summary>
    public double Theta0 { get; } = theta0;

    /// <summary>The initial θ1.</summary>
    public double Theta1 { get; } = theta1;

    public IReadOnlyList<string> Metrics => s_metrics;

    /// <summary><c>h0</c> and <c>h1</c> (required), <c>lr</c> and <c>noise</c>; metrics <c>q</c> and <c>q_hat</c>.</summary>
    public TrainableDeclaration Declaration => s_declaration;

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => new ToyTrainable(Theta0, Theta1);
}
