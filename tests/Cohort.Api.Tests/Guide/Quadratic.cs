using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Api.Tests.Guide;

#region snippet:trainable
/// <summary>
/// Gradient descent with momentum on f(x) = ½·Σ cᵢ·xᵢ², with noisy gradients: a large step makes fast early progress
/// but a high noise floor, so a good schedule lowers it over time — what PBT finds.
/// </summary>
public sealed class Quadratic : StateTrainable
{
    private static readonly double[] s_curvature = [1.0, 0.5, 0.1, 0.05];
    private readonly double[] _x;        // the weights: what an exploit copies
    private readonly double[] _velocity; // optimizer state: copied with the weights unless the exploit is weights-only
    private readonly StateValue _updates; // one number of state
    private double _lr;
    private double _momentum;

    public Quadratic()
    {
        _x = Weights("x", new[] { 1.0, 1.0, 1.0, 1.0 });
        _velocity = State("velocity", new double[4]);
        _updates = Value("updates");
    }

    public override void Apply(HyperparameterSet hyperparameters)
    {
        _lr = hyperparameters.GetNumber("lr");
        _momentum = hyperparameters.GetNumber("momentum", 0.0); // optional, 0 when the run does not set it
    }

    protected override void TrainSteps(int steps, Rng random, CancellationToken cancellationToken)
    {
        for (var s = 0; s < steps; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < _x.Length; i++)
            {
                var gradient = s_curvature[i] * _x[i] + 0.1 * Math.Sqrt(s_curvature[i]) * random.NextGaussian();
                _velocity[i] = _momentum * _velocity[i] - _lr * gradient;
                _x[i] += _velocity[i];
            }

            _updates.Value++;
        }
    }

    public override IReadOnlyDictionary<string, double> Evaluate(DataSplit split) =>
        new Dictionary<string, double> { ["loss"] = 0.5 * _x.Select((x, i) => s_curvature[i] * x * x).Sum() };
}
#endregion
