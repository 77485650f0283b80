using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage;

namespace Cohort.Core.Scheduling;

/// <summary>A decision a scheduler took, recorded in the run's event log. Reports and lineage are projections of these.</summary>
public abstract record RunEvent(int Member, long Step);

/// <summary>A member was created with its initial hyperparameters.</summary>
public sealed record MemberCreated(int Member, HyperparameterSet Hyperparameters) : RunEvent(Member, 0);

/// <summary>
/// Exploit: <see cref="RunEvent.Member"/> takes the weights of <paramref name="Donor"/> (its checkpoint, whose hash is the
/// weights' identity) and its hyperparameters. <paramref name="Before"/> are the receiver's own hyperparameters, <paramref name="After"/> the donor's.
/// </summary>
public sealed record Exploited(int Member, long Step, int Donor, CheckpointRef Checkpoint, HyperparameterSet Before, HyperparameterSet After)
    : RunEvent(Member, Step);

/// <summary>Explore: the member's hyperparameters changed from <paramref name="Before"/> to <paramref name="After"/>; <paramref name="Operator"/> says how.</summary>
public sealed record Explored(int Member, long Step, HyperparameterSet Before, HyperparameterSet After, string Operator)
    : RunEvent(Member, Step);

/// <summary>
/// Breeding (paper 004 sec. 3.1, "three parents per child"): <see cref="RunEvent.Member"/>'s slot is taken by a child whose
/// hyperparameters <paramref name="After"/> come from <paramref name="HyperparameterParentA"/> and
/// <paramref name="HyperparameterParentB"/> (crossover, then mutation) and whose weights are
/// <paramref name="WeightsParent"/>'s latest checkpoint <paramref name="Checkpoint"/>. <paramref name="Before"/> are the
/// replaced member's hyperparameters; <paramref name="Operators"/> says which loci crossed over and mutated.
/// In topology mode (sec. 4.2, no weight inheritance) the child trains from scratch: <paramref name="WeightsParent"/> is
/// <see cref="NoWeightsParent"/> and <paramref name="Checkpoint"/> null.
/// </summary>
public sealed record Bred(
    int Member,
    long Step,
    int HyperparameterParentA,
    int HyperparameterParentB,
    int WeightsParent,
    CheckpointRef? Checkpoint,
    HyperparameterSet Before,
    HyperparameterSet After,
    string Operators)
    : RunEvent(Member, Step)
{
    /// <summary>The <see cref="WeightsParent"/> of a child that trains from scratch (topology mode).</summary>
    public const int NoWeightsParent = -1;
}

/// <summary>A member stopped training, with why: <paramref name="Reason"/> and a message with the numbers that decided it.</summary>
public sealed record MemberFinished(int Member, long Step, MemberStopReason Reason, string? Message) : RunEvent(Member, Step);

/// <summary>Why a member stopped training.</summary>
public enum MemberStopReason
{
    /// <summary>It trained its whole budget.</summary>
    Completed,

    /// <summary>Its objective became non-finite and it could not be rescued.</summary>
    Diverged,

    /// <summary>Its task failed after every retry.</summary>
    Failed,

    /// <summary>The run was cancelled.</summary>
    Cancelled,

    /// <summary>A metric met its threshold (<see cref="Stopping.MetricThreshold"/>).</summary>
    Threshold,

    /// <summary>The objective stopped improving (<see cref="Stopping.Plateau"/>).</summary>
    Plateau,

    /// <summary>Its recorded training time reached the limit (<see cref="Stopping.TimeLimit"/>).</summary>
    TimeLimit,

    /// <summary>It reached the step limit (<see cref="Stopping.StepLimit"/>).</summary>
    StepLimit,

    /// <summary>The trainable reported itself done (<see cref="Stopping.StopConditions.DoneMetric"/>).</summary>
    TrainableDone,
}
