using System.Globalization;

namespace Cohort.Core.Pb2;

/// <summary>
/// Settings of PB2's explore step (<see cref="Pb2Explore"/>). The defaults keep a decision cheap next to training
/// (benchmarks/Cohort.Benchmarks, mode <c>pb2-cost</c>, measures it); the paper's choices are noted on each.
/// </summary>
public sealed record Pb2ExploreOptions
{
    /// <summary>
    /// The most recent observations the GP is fitted to (the data bound). The paper's code keeps the last 1000 and picks
    /// a shorter suffix by likelihood; with the time-varying kernel old data says little anyway, and the cost is
    /// cubic in this number.
    /// </summary>
    public int Window { get; init; } = 32;

    /// <summary>
    /// How many of the window's observations, evenly spread over it in time, the GP's hyperparameters are fitted to (the
    /// posterior then uses the whole window).
    /// </summary>
    public int FitWindow { get; init; } = 24;

    /// <summary>c₁ in β_t = c₁ · max(1, ln(c₂ · t)), t the number of observations in the window (authors' code: 0.2).</summary>
    public double BetaScale { get; init; } = 0.2;

    /// <summary>c₂ in β_t (authors' code: 0.4).</summary>
    public double BetaGrowth { get; init; } = 0.4;

    /// <summary>Random points (from the run's generator) at which the acquisition is evaluated before local search.</summary>
    public int Candidates { get; init; } = 16;

    /// <summary>How many of the best candidates are refined by local search (the paper's code: 10 L-BFGS restarts).</summary>
    public int LocalSearches { get; init; } = 1;

    /// <summary>Acquisition evaluations each local search may spend.</summary>
    public int LocalEvaluations { get; init; } = 16;

    /// <summary>Likelihood evaluations of one marginal-likelihood fit (Nelder–Mead, warm-started from the previous fit).</summary>
    public int FitEvaluations { get; init; } = 100;

    /// <summary>
    /// The GP's hyperparameters are refitted whenever the usable observations have doubled since the last fit (3, 6,
    /// 12, …) and otherwise once this many new ones have arrived; in between, the posterior is updated with the data at
    /// the last fitted hyperparameters. 1 refits at every new observation, as the paper's code does.
    /// </summary>
    public int RefitEvery { get; init; } = 512;

    /// <summary>Standardised reward changes are clipped to ±this (the authors' code: 2); a diverged member scores −this.</summary>
    public double TargetClip { get; init; } = 2.0;

    /// <summary>γ of the categorical bandit (EXP3): the share of uniform exploration among the choices.</summary>
    public double CategoryExploration { get; init; } = 0.2;

    /// <summary>ω of the categorical bandit: after each time step the weights move this far towards uniform (forgetting).</summary>
    public double CategoryForgetting { get; init; } = 0.05;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the bad value.</summary>
    public void Validate()
    {
        Check(nameof(Window), Window, Window >= 1, "must be >= 1");
        Check(nameof(FitWindow), FitWindow, FitWindow >= 3, "must be >= 3");
        Check(nameof(BetaScale), BetaScale, double.IsFinite(BetaScale) && BetaScale >= 0, "must be finite and >= 0");
        Check(nameof(BetaGrowth), BetaGrowth, double.IsFinite(BetaGrowth) && BetaGrowth > 0, "must be finite and > 0");
        Check(nameof(Candidates), Candidates, Candidates >= 1, "must be >= 1");
        Check(nameof(LocalSearches), LocalSearches, LocalSearches >= 0 && LocalSearches <= Candidates + 1, "must be in [0, candidates + 1]");
        Check(nameof(LocalEvaluations), LocalEvaluations, LocalEvaluations >= 1, "must be >= 1");
        Check(nameof(FitEvaluations), FitEvaluations, FitEvaluations >= 1, "must be >= 1");
        Check(nameof(RefitEvery), RefitEvery, RefitEvery >= 1, "must be >= 1");
        Check(nameof(TargetClip), TargetClip, double.IsFinite(TargetClip) && TargetClip > 0, "must be finite and > 0");
        Check(nameof(CategoryExploration), CategoryExploration, CategoryExploration > 0 && CategoryExploration <= 1, "must be in (0, 1]");
        Check(nameof(CategoryForgetting), CategoryForgetting, CategoryForgetting >= 0 && CategoryForgetting <= 1, "must be in [0, 1]");
    }

    private static void Check(string option, object value, bool ok, string what)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Option '{option}' {what} (got {value})."), option);
        }
    }
}
