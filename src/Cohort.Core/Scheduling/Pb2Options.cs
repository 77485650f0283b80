using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Strategies;

namespace Cohort.Core.Scheduling;

/// <summary>
/// Population-based bandits (PB2, Parker-Holder, Nguyen and Roberts 2020; <c>method: pb2</c>): PBT's ready points and
/// exploit, with the explore step chosen by a time-varying GP bandit (<see cref="Pb2Explore"/>). Defaults follow the
/// authors' implementation: truncation selection of the bottom and top 25%, synchronous here as Cohort's PBT is.
/// The properties map one to one onto a spec section.
/// </summary>
public sealed record Pb2Options : MethodOptions
{
    public PbtMode Mode { get; init; } = PbtMode.Synchronous;

    /// <summary>No exploit or explore at a ready point before this many steps (a diverged member is still rescued).</summary>
    public long BurnIn { get; init; }

    /// <summary>Which members copy which (PBT's strategies; the paper: the bottom 25% copy the top 25%).</summary>
    public IExploitStrategy Exploit { get; init; } = new TruncationSelection(0.25);

    /// <summary>The GP bandit's settings: window, acquisition, categorical bandit.</summary>
    public Pb2ExploreOptions Explore { get; init; } = new();

    /// <summary>As <see cref="PbtOptions.CopyOptimizerState"/>.</summary>
    public bool CopyOptimizerState { get; init; } = true;

    /// <summary>How the starting points are chosen when the factory is given none.</summary>
    public InitializationKind Initialization { get; init; } = InitializationKind.Random;

    public override string Method => "pb2";

    public override void Validate()
    {
        base.Validate();
        if (Explore is null)
        {
            throw Invalid(nameof(Explore), null, "must be set");
        }

        Explore.Validate();
        ToPbt().Validate();
    }

    /// <summary>The PBT options PB2 runs as: the same exploit, with a fresh <see cref="Pb2Explore"/> as the explore strategy.</summary>
    public PbtOptions ToPbt() => new()
    {
        ReadyInterval = ReadyInterval,
        MaxTaskRetries = MaxTaskRetries,
        Stop = Stop,
        Mode = Mode,
        BurnIn = BurnIn,
        Exploit = Exploit,
        Explore = new Pb2Explore(Explore ?? new Pb2ExploreOptions()),
        CopyOptimizerState = CopyOptimizerState,
        Initialization = Initialization,
    };
}
