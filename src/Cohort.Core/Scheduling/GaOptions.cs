using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Scheduling;

/// <summary>Which member contributes a child's weights (the third parent of paper 004 sec. 3.1).</summary>
public enum WeightsParentChoice
{
    /// <summary>A third parent drawn from the survivors with probability proportional to fitness (independently of the two hyperparameter parents; it may coincide with one of them).</summary>
    FitnessProportional,

    /// <summary>The fitter of the two hyperparameter parents (ties to the smaller id).</summary>
    BestOfHyperparameterParents,
}

/// <summary>
/// The genetic algorithm of paper 004 ("Recombination of Artificial Neural Networks") in its PBT mode
/// (sec. 4.3): one GA generation per ready interval. Defaults are the paper's sec. 3.2 settings: mutation rate 0.05
/// per locus, crossover rate 0.33 per locus (population 100 in the paper; the population is given separately).
/// </summary>
public sealed record GaOptions : MethodOptions
{
    /// <summary>Paper 004 sec. 3.2: "a crossover rate of 0.33 per locus".</summary>
    public const double DefaultCrossoverRate = 0.33;

    /// <summary>Paper 004 sec. 3.2: "a mutation rate of 0.05 per locus".</summary>
    public const double DefaultMutationRate = 0.05;

    /// <summary>Probability that a locus of the kept recombinant genotype comes from the other hyperparameter parent.</summary>
    public double CrossoverRate { get; init; } = DefaultCrossoverRate;

    /// <summary>Probability that a locus of a child mutates (one of the four equally likely kinds of sec. 3.1).</summary>
    public double MutationRate { get; init; } = DefaultMutationRate;

    /// <summary>How the weights parent is chosen.</summary>
    public WeightsParentChoice WeightsParent { get; init; } = WeightsParentChoice.FitnessProportional;

    /// <summary>No generation (selection and breeding) at a ready point before this many steps (diverged members are still replaced).</summary>
    public long BurnIn { get; init; }

    /// <summary>How the starting points are chosen when the factory is given none.</summary>
    public InitializationKind Initialization { get; init; } = InitializationKind.Random;

    public override string Method => "ga";

    public override void Validate()
    {
        base.Validate();
        if (!(CrossoverRate >= 0 && CrossoverRate <= 1))
        {
            throw Invalid(nameof(CrossoverRate), CrossoverRate, "must be in [0, 1]");
        }

        if (!(MutationRate >= 0 && MutationRate <= 1))
        {
            throw Invalid(nameof(MutationRate), MutationRate, "must be in [0, 1]");
        }

        if (!Enum.IsDefined(WeightsParent))
        {
            throw Invalid(nameof(WeightsParent), WeightsParent, "is not a weights-parent choice");
        }

        if (BurnIn < 0)
        {
            throw Invalid(nameof(BurnIn), BurnIn, "must be >= 0");
        }
    }
}
