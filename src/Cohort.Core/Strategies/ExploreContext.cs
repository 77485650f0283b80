using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Strategies;

/// <summary>
/// What an explore strategy may look at (paper 002 Algorithm 1, explore(h, P)): the hyperparameters to change, the
/// search space, and — when a scheduler calls it — the member, where its next task starts, the run's history of
/// results and the choices other members are still training with. Strategies that only perturb
/// (<see cref="PerturbExplore"/>, <see cref="NoiseExplore"/>) read <see cref="Current"/> and <see cref="Space"/>;
/// PB2 (<see cref="Pb2.Pb2Explore"/>) models the history.
/// </summary>
public sealed record ExploreContext
{
    /// <param name="current">The hyperparameters to explore from (after an exploit, the donor's).</param>
    /// <param name="space">The search space: bounds, scales and choices.</param>
    public ExploreContext(HyperparameterSet current, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(space);
        Current = current;
        Space = space;
    }

    /// <summary>The hyperparameters to explore from (after an exploit, the donor's).</summary>
    public HyperparameterSet Current { get; }

    /// <summary>The search space.</summary>
    public SearchSpace Space { get; }

    /// <summary>The member being explored; −1 outside a scheduler.</summary>
    public int Member { get; init; } = -1;

    /// <summary>The step the member's next task starts from (after an exploit, the donor's checkpoint step).</summary>
    public long Step { get; init; }

    /// <summary>
    /// Every scored task of the run so far, all members, in the order the results were told (a read-only view that
    /// grows as the run goes on: one instance per run, so a strategy may key per-run caches on it).
    /// </summary>
    public IReadOnlyList<ExploreObservation> History { get; init; } = [];

    /// <summary>
    /// Hyperparameters that explore chose for other running members and that have no result yet: earlier members of
    /// the same synchronous round, or tasks in flight in asynchronous mode. A batch strategy spreads its choices
    /// away from these.
    /// </summary>
    public IReadOnlyList<PendingExplore> Pending { get; init; } = [];
}
