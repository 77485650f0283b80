using System.Globalization;
using Cohort.Core.Fire;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Strategies;

namespace Cohort.Core.Scheduling;

/// <summary>
/// FIRE PBT (paper 001, sections 3–4). <see cref="MethodOptions.ReadyInterval"/> is the paper's "ready" interval
/// (2400 steps in sec. 4.1): members exploit and explore, and evaluators check their stopping and success criteria,
/// every this many steps. <see cref="EvalInterval"/> is how often Q is evaluated to build the training curves
/// (200 steps in sec. 4.1); every task is this long, and it must divide the ready interval.
/// Defaults follow sec. 4.1: two sub-populations, truncation 25%, perturb by {0.5, 0.8, 1.25, 2.0}, p_stat 0.01,
/// max_eval_steps three ready intervals (7200 = 3 × 2400), min_steps_before_eval 0.
/// </summary>
public sealed record FireOptions : MethodOptions
{
    /// <summary>n: the number of sub-populations P1 … Pn (at least 2: P1 plus one parent).</summary>
    public int SubPopulations { get; init; } = 2;

    /// <summary>
    /// Members per sub-population; 0 derives it from the total number of workers W (see <see cref="Split"/>).
    /// </summary>
    public int SubPopulationSize { get; init; }

    /// <summary>
    /// |H|, the number of evaluators; null derives it (paper 001 sec. 4: three quarters of the total size of the parent
    /// sub-populations, here: the workers left over once the sub-populations are filled).
    /// </summary>
    public int? Evaluators { get; init; }

    /// <summary>Steps between two evaluations of Q (the resolution of the training curves); null means the ready interval.</summary>
    public int? EvalInterval { get; init; }

    /// <summary>p_stat of sec. 3.2 (0.01 in all of the paper's experiments).</summary>
    public double PStat { get; init; } = 0.01;

    /// <summary>max_eval_steps of sec. 3.2; null means three ready intervals (the paper's 7200 = 3 × 2400).</summary>
    public long? MaxEvalSteps { get; init; }

    /// <summary>
    /// min_steps_before_eval per parent sub-population: entry 0 is for P2, entry 1 for P3, …; missing entries are 0
    /// (the paper's MNIST setting). Members of Pi are not evaluated before they have trained this many steps.
    /// </summary>
    public IReadOnlyList<long> MinStepsBeforeEval { get; init; } = [];

    /// <summary>No exploit or explore before this many steps (a diverged member is still rescued).</summary>
    public long BurnIn { get; init; }

    /// <summary>The within-sub-population exploit (paper 001: truncation 25%).</summary>
    public IExploitStrategy Exploit { get; init; } = new TruncationSelection(0.25);

    /// <summary>The within-sub-population explore (paper 001: multiply by one of {0.5, 0.8, 1.25, 2.0}).</summary>
    public IExploreStrategy Explore { get; init; } = new PerturbExplore(PerturbExplore.Paper001Factors);

    /// <summary>How the starting points are chosen when the factory is given none.</summary>
    public InitializationKind Initialization { get; init; } = InitializationKind.Random;

    /// <summary>Options of best_score_diff (the number of penalties δ scanned).</summary>
    public CurveComparisonOptions Comparison { get; init; } = CurveComparisonOptions.Default;

    public override string Method => "fire";

    /// <summary>The evaluation interval in effect.</summary>
    public int EffectiveEvalInterval => EvalInterval ?? ReadyInterval;

    /// <summary>max_eval_steps in effect.</summary>
    public long EffectiveMaxEvalSteps => MaxEvalSteps ?? (3L * ReadyInterval);

    /// <summary>min_steps_before_eval of sub-population <paramref name="subPopulation"/> (1-based; 0 for P1).</summary>
    public long MinStepsBeforeEvalOf(int subPopulation) =>
        subPopulation >= 2 && subPopulation - 2 < MinStepsBeforeEval.Count ? MinStepsBeforeEval[subPopulation - 2] : 0;

    /// <summary>
    /// Splits <paramref name="workers"/> W into n sub-populations of equal size S and |H| evaluators, W = nS + |H|.
    /// With <see cref="SubPopulationSize"/> and <see cref="Evaluators"/> unset, S = round(W / (n + ¾(n − 1))) so that
    /// |H| = W − nS is as close as possible to ¾ of the parents' total (n − 1)S (paper 001 sec. 4: 22 workers → 2 × 8 + 6,
    /// 36 → 3 × 8 + 12, 50 → 4 × 8 + 18). <paramref name="workers"/> 0 means "as many as the options ask for".
    /// </summary>
    public (int SubPopulationSize, int Evaluators) Split(int workers)
    {
        Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        int size;
        int evaluators;
        if (SubPopulationSize > 0)
        {
            size = SubPopulationSize;
            evaluators = Evaluators ?? (workers > 0 ? workers - (SubPopulations * size) : (int)Math.Round(0.75 * (SubPopulations - 1) * size, MidpointRounding.AwayFromZero));
        }
        else if (Evaluators is { } e)
        {
            if (workers == 0 || (workers - e) % SubPopulations != 0)
            {
                throw Invalid(nameof(Evaluators), e, string.Create(CultureInfo.InvariantCulture, $"must leave a multiple of {SubPopulations} sub-population members out of {workers} workers"));
            }

            size = (workers - e) / SubPopulations;
            evaluators = e;
        }
        else
        {
            if (workers == 0)
            {
                throw new ArgumentException("Give the number of workers, or the sub-population size.", nameof(workers));
            }

            size = (int)Math.Round(workers / (SubPopulations + (0.75 * (SubPopulations - 1))), MidpointRounding.AwayFromZero);
            evaluators = workers - (SubPopulations * size);
        }

        if (size < 1 || evaluators < 1 || (workers > 0 && (SubPopulations * size) + evaluators != workers))
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"FIRE PBT cannot split {workers} workers into {SubPopulations} sub-populations of {size} and {evaluators} evaluators (each sub-population needs at least one member, and there must be at least one evaluator)."),
                nameof(workers));
        }

        return (size, evaluators);
    }

    public override void Validate()
    {
        base.Validate();
        if (Stop.StoppedDonors)
        {
            throw Invalid("Stop.StoppedDonors", true, "is not supported by FIRE PBT (a stopped member is no donor, evaluator parent or target)");
        }

        if (SubPopulations < 2)
        {
            throw Invalid(nameof(SubPopulations), SubPopulations, "must be >= 2 (P1 and at least one parent sub-population)");
        }

        if (SubPopulationSize < 0)
        {
            throw Invalid(nameof(SubPopulationSize), SubPopulationSize, "must be >= 0 (0: derived)");
        }

        if (Evaluators is < 1)
        {
            throw Invalid(nameof(Evaluators), Evaluators, "must be >= 1");
        }

        if (EvalInterval is { } e && (e < 1 || ReadyInterval % e != 0))
        {
            throw Invalid(nameof(EvalInterval), e, string.Create(CultureInfo.InvariantCulture, $"must be >= 1 and divide the ready interval {ReadyInterval}"));
        }

        if (!(PStat > 0 && PStat < 1))
        {
            throw Invalid(nameof(PStat), PStat, "must be in (0, 1)");
        }

        if (MaxEvalSteps is < 1)
        {
            throw Invalid(nameof(MaxEvalSteps), MaxEvalSteps, "must be >= 1");
        }

        if (MinStepsBeforeEval is null || MinStepsBeforeEval.Any(s => s < 0))
        {
            throw Invalid(nameof(MinStepsBeforeEval), MinStepsBeforeEval is null ? null : string.Join(", ", MinStepsBeforeEval), "must be a list of steps >= 0");
        }

        if (BurnIn < 0)
        {
            throw Invalid(nameof(BurnIn), BurnIn, "must be >= 0");
        }

        if (Exploit is null || Explore is null || Comparison is null)
        {
            throw Invalid(Exploit is null ? nameof(Exploit) : Explore is null ? nameof(Explore) : nameof(Comparison), null, "must be set");
        }
    }
}
