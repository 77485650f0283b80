using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Execution;

/// <summary>
/// Which checkpoints a run still references, as a projection of what its driver told the scheduler (DESIGN.md:
/// "Checkpoint liveness is a projection"), never a scan of storage. Live are:
/// <list type="bullet">
/// <item>each member's latest checkpoint (its last told result that had one) — what a donor gives in an exploit, what
/// FIRE's evaluators and the GA's children start from, and what a finished member ends with;</item>
/// <item>the checkpoint each member's next task starts from (<see cref="MemberSnapshot.Checkpoint"/>), which after an
/// exploit or a FIRE takeover is another member's;</item>
/// <item>every pending task's <see cref="TrainTask.From"/> and <see cref="TrainTask.OptimizerStateFrom"/>.</item>
/// </list>
/// A scheduler refers to no other checkpoint: every reference it will take comes from one of these. Checkpoints written
/// by tasks not told yet are the driver's to keep (they are not in the scheduler's state). Updating costs O(1) per told
/// result; <see cref="Compute"/> costs O(population + pending).
/// </summary>
internal sealed class LiveCheckpoints
{
    private readonly Dictionary<int, CheckpointRef> _latest = [];

    /// <summary>Records a told (or replayed) result.</summary>
    public void Told(TaskResult result)
    {
        if (result.Checkpoint is { } checkpoint)
        {
            _latest[result.Task.Member] = checkpoint;
        }
    }

    /// <summary>Forgets every told result (a worker rebuilding its scheduler from the store).</summary>
    public void Clear() => _latest.Clear();

    /// <summary>
    /// The hashes <paramref name="scheduler"/>'s run references now: in <paramref name="into"/> (cleared first) when
    /// given, so a caller that asks often reuses one set.
    /// </summary>
    public HashSet<string> Compute(IScheduler scheduler, HashSet<string>? into = null)
    {
        var live = into ?? new HashSet<string>(StringComparer.Ordinal);
        live.Clear();
        foreach (var checkpoint in Referenced(scheduler))
        {
            live.Add(checkpoint.Hash);
        }

        return live;
    }

    /// <summary>
    /// The checkpoints <paramref name="scheduler"/>'s run references now (those <see cref="Compute"/> names), with their
    /// step and size: what resuming needs to recompute the ones a crash left unstored.
    /// </summary>
    public IReadOnlyList<CheckpointRef> References(IScheduler scheduler)
    {
        var found = new Dictionary<string, CheckpointRef>(StringComparer.Ordinal);
        foreach (var checkpoint in Referenced(scheduler))
        {
            found.TryAdd(checkpoint.Hash, checkpoint);
        }

        return [.. found.Values];
    }

    /// <summary>Every reference, repeats included: the members' latest, pending tasks' starts, members' next starts.</summary>
    private IEnumerable<CheckpointRef> Referenced(IScheduler scheduler)
    {
        foreach (var checkpoint in _latest.Values)
        {
            yield return checkpoint;
        }

        foreach (var task in scheduler.Pending)
        {
            if (task.From is { } from)
            {
                yield return from;
            }

            if (task.OptimizerStateFrom is { } state)
            {
                yield return state;
            }
        }

        if (scheduler is IPopulationScheduler population)
        {
            foreach (var member in population.Members)
            {
                if (member.Checkpoint is { } checkpoint)
                {
                    yield return checkpoint;
                }
            }
        }
    }
}
