using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage;

namespace Cohort.Core.Scheduling;

/// <summary>A scheduler over a fixed population of members (PBT, grid, random): exposes their creation events and live state.</summary>
public interface IPopulationScheduler : IScheduler
{
    /// <summary>The number of members.</summary>
    int Population { get; }

    /// <summary>The steps each member trains for (the budget per member).</summary>
    long StepsPerMember { get; }

    /// <summary>
    /// The events taken at construction, before any <see cref="IScheduler.Tell"/>: one <see cref="MemberCreated"/> per member,
    /// in member-id order. A pure function of the constructor's arguments; store them once when the run starts.
    /// </summary>
    IReadOnlyList<RunEvent> InitialEvents { get; }

    /// <summary>Each member's current state, in member-id order (for progress display; not needed for resume).</summary>
    IReadOnlyList<MemberSnapshot> Members { get; }
}

/// <summary>Where a member is.</summary>
public enum MemberStatus
{
    /// <summary>It takes tasks.</summary>
    Running,

    /// <summary>It trained its whole budget.</summary>
    Completed,

    /// <summary>It diverged and could not be rescued.</summary>
    Diverged,

    /// <summary>Its task failed after every retry.</summary>
    Failed,

    /// <summary>A stop condition (or the trainable) declared it done before its budget (<see cref="Stopping.StopConditions"/>).</summary>
    Stopped,
}

/// <summary>
/// A member's state as the scheduler knows it. <paramref name="Hyperparameters"/> and <paramref name="Checkpoint"/> are
/// what its next task starts with; <paramref name="Score"/> is the objective score of its latest result (higher is
/// better; NaN before any), at <paramref name="ScoreStep"/>.
/// </summary>
public sealed record MemberSnapshot(
    int Member,
    MemberStatus Status,
    HyperparameterSet Hyperparameters,
    CheckpointRef? Checkpoint,
    long Step,
    double Score,
    long ScoreStep,
    int Generation);
