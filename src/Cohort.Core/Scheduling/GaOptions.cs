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

/// <summary>The two uses of paper 004's GA.</summary>
public enum GaMode
{
    /// <summary>Sec. 4.3: one generation per ready interval, children inherit a third parent's weights.</summary>
    Pbt,

    /// <summary>
    /// Sec. 4.2 ("HPO with topology"): no weight inheritance; every individual trains from scratch (hyperparameters may
    /// change the network's shape) to the target or the step cap; one generation when all have finished.
    /// </summary>
    Topology,
}

/// <summary>How topology mode counts training time.</summary>
public enum TimeMeasure
{
    /// <summary>Training steps (deterministic).</summary>
    Steps,

    /// <summary>The trainable's per-task cost metric <see cref="TimeToTarget.CostMetric"/> (e.g. multiply-adds; deterministic).</summary>
    Cost,

    /// <summary>The trainable's per-task wall seconds metric <see cref="TimeToTarget.SecondsMetric"/> (not reproducible).</summary>
    Seconds,
}

/// <summary>How demes neighbour each other (paper 004 sec. 6.2, Figure 14: a Cartesian grid).</summary>
public enum DemeLayout
{
    /// <summary>Deme d neighbours d − 1 and d + 1 (mod the count).</summary>
    Ring,

    /// <summary>Demes on an r × c grid with wrap-around (r the largest divisor of the count ≤ √count); four neighbours.</summary>
    Torus,
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

    /// <summary>PBT mode (weights inherited, sec. 4.3) or topology mode (every individual trains from scratch, sec. 4.2).</summary>
    public GaMode Mode { get; init; } = GaMode.Pbt;

    /// <summary>
    /// Topology mode: GA generations, the first (random) one included (paper 004 sec. 3.2: "250 generations or until a
    /// 24-hour time limit"; default 250).
    /// </summary>
    public int Generations { get; init; } = 250;

    /// <summary>
    /// Topology mode: when set, the fom is the time to reach this objective value (<see cref="TimeToTarget"/>; paper 004
    /// sec. 4.2.3: met on two successive evaluations); when null the fom is the objective's final value (minimise or maximise).
    /// </summary>
    public double? Target { get; init; }

    /// <summary>Topology mode: how the time to the target is counted (steps by default: reproducible).</summary>
    public TimeMeasure Time { get; init; } = TimeMeasure.Steps;

    /// <summary>Demes (paper 004 sec. 6.2): the number of sub-populations; 1 (default) is one panmictic population.</summary>
    public int Demes { get; init; } = 1;

    /// <summary>How the demes neighbour each other.</summary>
    public DemeLayout DemeLayout { get; init; } = DemeLayout.Ring;

    /// <summary>Probability that a parent is drawn from a neighbouring deme rather than the child's own (a migrant).</summary>
    public double MigrationRate { get; init; } = 0.05;

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

        if (!Enum.IsDefined(Mode))
        {
            throw Invalid(nameof(Mode), Mode, "is not a GA mode");
        }

        if (Generations < 1)
        {
            throw Invalid(nameof(Generations), Generations, "must be >= 1");
        }

        if (Target is { } target && !double.IsFinite(target))
        {
            throw Invalid(nameof(Target), target, "must be finite");
        }

        if (Target is not null && Mode != GaMode.Topology)
        {
            throw Invalid(nameof(Target), Target, "is for topology mode only (in PBT mode weights are inherited, so no member trains from scratch to a target)");
        }

        if (!Enum.IsDefined(Time))
        {
            throw Invalid(nameof(Time), Time, "is not a time measure");
        }

        if (Demes < 1)
        {
            throw Invalid(nameof(Demes), Demes, "must be >= 1");
        }

        if (!Enum.IsDefined(DemeLayout))
        {
            throw Invalid(nameof(DemeLayout), DemeLayout, "is not a deme layout");
        }

        if (!(MigrationRate >= 0 && MigrationRate <= 1))
        {
            throw Invalid(nameof(MigrationRate), MigrationRate, "must be in [0, 1]");
        }
    }
}
