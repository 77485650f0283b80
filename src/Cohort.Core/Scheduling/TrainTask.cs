using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage;

namespace Cohort.Core.Scheduling;

/// <summary>
/// A pure unit of work (DESIGN.md): train member <see cref="Member"/>, starting from checkpoint <see cref="From"/>
/// (or from a fresh initialisation seeded by the member's seed when null) with <see cref="Hyperparameters"/>, for
/// <see cref="Steps"/> steps, drawing randomness from <see cref="Seed"/>. The same task always gives the same result.
/// </summary>
/// <param name="Member">The member id, 0-based within the run.</param>
/// <param name="Ordinal">The member's task counter: (Member, Ordinal) identifies the task within a run.</param>
/// <param name="Generation">The synchronous generation (or the member's ready count in asynchronous mode).</param>
/// <param name="From">The checkpoint to start from: the member's own, or a donor's after an exploit.</param>
/// <param name="StartStep">The step count of the state the task starts from.</param>
/// <param name="Steps">How many steps to train.</param>
/// <param name="Seed">The seed of the task's random stream.</param>
public sealed record TrainTask(
    int Member,
    int Ordinal,
    int Generation,
    CheckpointRef? From,
    HyperparameterSet Hyperparameters,
    long StartStep,
    int Steps,
    ulong Seed)
{
    public long EndStep => StartStep + Steps;

    /// <summary>
    /// When set, the task takes only the model weights from <see cref="From"/> and everything else (optimizer moments,
    /// step) from this checkpoint — the receiver's own latest after an exploit with
    /// <see cref="PbtOptions.CopyOptimizerState"/> false (paper 000's Keras code). Null: the whole state comes from From.
    /// </summary>
    public CheckpointRef? OptimizerStateFrom { get; init; }
}
