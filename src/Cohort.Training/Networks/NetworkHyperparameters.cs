using Cohort.Core.Hyperparameters;
using Cohort.Engine.Training;

namespace Cohort.Training.Networks;

/// <summary>
/// The hyperparameter names a network trainable understands, and how a <see cref="HyperparameterSet"/> maps onto the
/// engine's live <see cref="TrainingHyperparameters"/>. Names absent from the set keep the engine defaults.
/// </summary>
public static class NetworkHyperparameters
{
    public const string LearningRate = "learning_rate";
    public const string Momentum = "momentum";
    public const string Beta1 = "beta1";
    public const string Beta2 = "beta2";
    public const string Epsilon = "epsilon";
    public const string WeightDecay = "weight_decay";
    public const string L1 = "l1";
    public const string L2 = "l2";
    public const string Dropout = "dropout";

    /// <summary>Every name <see cref="ToTraining"/> reads.</summary>
    public static IReadOnlyList<string> Names { get; } = [LearningRate, Momentum, Beta1, Beta2, Epsilon, WeightDecay, L1, L2, Dropout];

    /// <summary>The engine's hyperparameters for <paramref name="h"/>; throws naming an unknown or categorical name.</summary>
    public static TrainingHyperparameters ToTraining(HyperparameterSet h)
    {
        ArgumentNullException.ThrowIfNull(h);
        foreach (var name in h.Keys)
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"A network trainable has no hyperparameter '{name}'; known: {string.Join(", ", Names)}.", nameof(h));
            }
        }

        var d = new TrainingHyperparameters();
        return d with
        {
            LearningRate = Get(LearningRate, d.LearningRate),
            Momentum = Get(Momentum, d.Momentum),
            Beta1 = Get(Beta1, d.Beta1),
            Beta2 = Get(Beta2, d.Beta2),
            Epsilon = Get(Epsilon, d.Epsilon),
            WeightDecay = Get(WeightDecay, d.WeightDecay),
            L1 = Get(L1, d.L1),
            L2 = Get(L2, d.L2),
            Dropout = Get(Dropout, d.Dropout),
        };

        float Get(string name, float fallback) => h.ContainsKey(name) ? (float)h.GetNumber(name) : fallback;
    }
}
