using Cohort.Engine.Training;

namespace Cohort.Training.Reinforcement;

/// <summary>
/// The Deep Double Sarsa loss of paper 002 (sec. 4.4), on the behaviour network's outputs Q(s, ·; θᴬ):
/// L = (1/B) Σᵢ ½ (yᵢ − Q(sᵢ, aᵢ; θᴬ))², with the target yᵢ = rᵢ + γ·Q(s′ᵢ, a′ᵢ; θᴮ) (0 past a terminal state)
/// computed beforehand from the target network. Only the chosen action's output gets a gradient.
/// </summary>
internal readonly ref struct TemporalDifferenceLoss(ReadOnlySpan<int> actions, ReadOnlySpan<float> targets, int actionCount) : IOutputLoss
{
    private readonly ReadOnlySpan<int> _actions = actions;
    private readonly ReadOnlySpan<float> _targets = targets;

    public double Compute(ReadOnlySpan<float> outputs, Span<float> gradient, int batch)
    {
        var sum = 0.0;
        var scale = 1f / batch;
        for (var i = 0; i < batch; i++)
        {
            var k = (i * actionCount) + _actions[i];
            var delta = outputs[k] - _targets[i];
            sum += 0.5 * delta * delta;
            gradient[k] = delta * scale;
        }

        return sum / batch;
    }
}
