using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Stopping;
using Cohort.Core.Strategies;

namespace Cohort.Core.Scheduling;

/// <summary>The options of one search method; <see cref="SchedulerFactory"/> builds its scheduler.</summary>
public abstract record MethodOptions
{
    /// <summary>
    /// Steps per task: members are evaluated every this many steps (paper 000: 50 for the MLP, 300 for the CNN).
    /// For PBT this is the ready interval; grid and random search use the same interval so their curves are comparable.
    /// </summary>
    public int ReadyInterval { get; init; } = 50;

    /// <summary>How many times a failed task is re-run (same inputs, same seed) before the member is excluded as Failed.</summary>
    public int MaxTaskRetries { get; init; } = 1;

    /// <summary>
    /// Per-member stop conditions (a threshold, a plateau, a time or step limit): a member they declare done stops
    /// before its budget, handled by each method as <see cref="StopConditions"/> describes. None by default.
    /// </summary>
    public StopConditions Stop { get; init; } = StopConditions.None;

    /// <summary>The method name written to the summary.</summary>
    public abstract string Method { get; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the bad value.</summary>
    public virtual void Validate()
    {
        if (Stop is null)
        {
            throw Invalid(nameof(Stop), null, "must be set (StopConditions.None for none)");
        }

        if (ReadyInterval < 1)
        {
            throw Invalid(nameof(ReadyInterval), ReadyInterval, "must be >= 1");
        }

        if (MaxTaskRetries < 0)
        {
            throw Invalid(nameof(MaxTaskRetries), MaxTaskRetries, "must be >= 0");
        }
    }

    protected static ArgumentException Invalid(string option, object? value, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Option '{option}' {what} (got {value ?? "null"})."), option);
}

/// <summary>Synchronous (generation barrier, papers 000 and 001) or asynchronous (paper 002 Algorithm 1) PBT.</summary>
public enum PbtMode
{
    Synchronous,
    Asynchronous,
}

/// <summary>PBT ablations (Jaderberg et al. 2017, Figure 2).</summary>
public enum PbtAblation
{
    /// <summary>Exploit and explore.</summary>
    None,

    /// <summary>No weight copy: at each ready point every member perturbs its own hyperparameters.</summary>
    ExploreOnly,

    /// <summary>Copy weights and hyperparameters, never perturb.</summary>
    ExploitOnly,
}

/// <summary>
/// Population based training. Defaults follow the issue: synchronous, ready every 50 steps (paper 000 MLP), no burn-in,
/// truncation selection 20% (paper 000), perturb by {0.8, 1.2} without resampling.
/// </summary>
public sealed record PbtOptions : MethodOptions
{
    public PbtMode Mode { get; init; } = PbtMode.Synchronous;

    /// <summary>No exploit or explore at a ready point before this many steps (a diverged member is still rescued).</summary>
    public long BurnIn { get; init; }

    public IExploitStrategy Exploit { get; init; } = new TruncationSelection();

    public IExploreStrategy Explore { get; init; } = new PerturbExplore();

    public PbtAblation Ablation { get; init; } = PbtAblation.None;

    /// <summary>
    /// Whether an exploit copies the donor's hyperparameters with its weights (true, papers 000–003). False copies the
    /// weights only and the receiver keeps (then explores) its own hyperparameters — the toy of Jaderberg et al. 2017,
    /// Figure 2, where exploit-only makes progress only this way (the two members alternate coordinates).
    /// </summary>
    public bool CopyHyperparameters { get; init; } = true;

    /// <summary>
    /// Whether an exploit copies the donor's whole state (true: weights, optimizer moments and step, DESIGN.md) or
    /// only its weights (false), the receiver keeping its own optimizer state — what <c>model.set_weights</c> does in the
    /// public Keras code of paper 000. False needs synchronous mode (receiver and donor at the same step) and a trainable
    /// implementing <see cref="Trainables.IWeightTransfer"/>.
    /// </summary>
    public bool CopyOptimizerState { get; init; } = true;

    /// <summary>How the starting points are chosen when the factory is given none.</summary>
    public InitializationKind Initialization { get; init; } = InitializationKind.Random;

    public override string Method => "pbt";

    /// <summary>
    /// Paper 000 sec. 4.1 (MLP on Boston Housing): synchronous, ready every 50 iterations, truncation 20%, perturb by
    /// {0.2, 0.5, 1.5, 2}, populations initialised from the progressively sub-sampled grid. (Use ReadyInterval 300 for its CNN.)
    /// </summary>
    public static PbtOptions Paper000 => new()
    {
        ReadyInterval = 50,
        Exploit = new TruncationSelection(0.2),
        Explore = new PerturbExplore(PerturbExplore.Paper000Factors),
        Initialization = InitializationKind.SubsampledGrid,
    };

    /// <summary>Paper 001's PBT baseline: truncation 25%, perturb by {0.5, 0.8, 1.25, 2.0}.</summary>
    public static PbtOptions Paper001 => new()
    {
        Exploit = new TruncationSelection(0.25),
        Explore = new PerturbExplore(PerturbExplore.Paper001Factors),
    };

    /// <summary>Paper 003: every 100 iterations the best is copied into the worst 3 and all but the top 3 get N(0, 0.5) noise in log2 space.</summary>
    public static PbtOptions Paper003 => new()
    {
        ReadyInterval = 100,
        Exploit = new CopyBestIntoWorst(3, 3),
        Explore = new NoiseExplore(0.5, NoiseSpace.Log2),
    };

    public override void Validate()
    {
        base.Validate();
        if (BurnIn < 0)
        {
            throw Invalid(nameof(BurnIn), BurnIn, "must be >= 0");
        }

        if (Exploit is null)
        {
            throw Invalid(nameof(Exploit), null, "must be set");
        }

        if (Explore is null)
        {
            throw Invalid(nameof(Explore), null, "must be set");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw Invalid(nameof(Mode), Mode, "is not a mode");
        }

        if (!Enum.IsDefined(Ablation))
        {
            throw Invalid(nameof(Ablation), Ablation, "is not an ablation");
        }

        if (!CopyOptimizerState && Mode != PbtMode.Synchronous)
        {
            throw Invalid(nameof(CopyOptimizerState), CopyOptimizerState, "may be false only in synchronous mode");
        }

        if (!CopyOptimizerState && Stop.StoppedDonors)
        {
            throw Invalid(
                "Stop.StoppedDonors",
                true,
                "needs CopyOptimizerState true (a stopped donor's weights are from an earlier step than the receiver's own optimizer state)");
        }
    }
}

/// <summary>Grid search: every point of the grid (or of the given points), each member trained for the full budget.</summary>
public sealed record GridOptions : MethodOptions
{
    public override string Method => "grid";
}

/// <summary>Random search: <c>population</c> points drawn from the priors, each trained for the full budget.</summary>
public sealed record RandomOptions : MethodOptions
{
    public override string Method => "random";
}
