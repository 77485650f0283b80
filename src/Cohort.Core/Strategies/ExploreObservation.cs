using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Strategies;

/// <summary>
/// One scored task in a run's history: member <paramref name="Member"/> trained with <paramref name="Hyperparameters"/>
/// from <paramref name="StartStep"/> to <paramref name="EndStep"/>, starting from a checkpoint scored
/// <paramref name="StartScore"/> (NaN when it started from scratch or the checkpoint's score is unknown) and ending at
/// <paramref name="EndScore"/> (−∞ when it diverged). Scores are objective scores: higher is better.
/// </summary>
public sealed record ExploreObservation(
    int Member,
    long StartStep,
    long EndStep,
    HyperparameterSet Hyperparameters,
    double StartScore,
    double EndScore)
{
    /// <summary>
    /// The reward change per unit of time, (EndScore − StartScore) / (EndStep − StartStep) — what PB2 models
    /// (Parker-Holder et al. 2020, sec. 4: the change in reward over the last interval). NaN when the start score is
    /// unknown or the task had no steps; −∞ when the member diverged.
    /// </summary>
    public double RewardRate => EndStep > StartStep ? (EndScore - StartScore) / (EndStep - StartStep) : double.NaN;
}
