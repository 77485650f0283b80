using Cohort.Spec.Sections;
using Cohort.Training.Networks;
using Cohort.Training.NoisyQuadratic;
using Cohort.Training.Reinforcement;
using Cohort.Training.Synthetic;
using Cohort.Training.Toy;

namespace Cohort.Training;

/// <summary>The trainable kinds Cohort.Training ships, for a <c>SpecCatalog</c>. A new kind is one line here.</summary>
public static class TrainingSections
{
    /// <summary>toy, network, synthetic, noisy_quadratic, deep_double_sarsa.</summary>
    public static IReadOnlyList<ITrainableSection> All { get; } =
    [
        new ToySection(),
        new NetworkSection(),
        new SyntheticSection(),
        new NoisyQuadraticSection(),
        new DeepDoubleSarsaSection(),
    ];
}
