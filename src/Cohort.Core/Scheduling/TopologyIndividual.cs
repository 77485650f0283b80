using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Scheduling;

/// <summary>
/// One individual of a topology-mode GA run (paper 004 sec. 4.2): a network trained from scratch by member slot
/// <paramref name="Member"/> with <paramref name="Hyperparameters"/>, born in <paramref name="Generation"/>.
/// <paramref name="TimeToTarget"/> is its training time to the target (null: not reached, or no target),
/// <paramref name="Time"/> its whole training time, <paramref name="Steps"/> its steps, <paramref name="FinalValue"/>
/// the objective's last validation value (NaN when diverged or failed).
/// </summary>
public sealed record TopologyIndividual(
    int Member,
    int Generation,
    HyperparameterSet Hyperparameters,
    double? TimeToTarget,
    double Time,
    long Steps,
    double FinalValue)
{
    /// <summary>
    /// The individuals of a run, read back from its results (a projection; the scheduler is not needed): a task that
    /// starts from no checkpoint at step 0 begins a new individual of its member. Failed tasks are skipped.
    /// </summary>
    public static IReadOnlyList<TopologyIndividual> FromResults(
        IReadOnlyList<TaskResult> results, Objective objective, double? target, TimeMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(objective);
        var open = new Dictionary<int, (int Generation, HyperparameterSet H, List<double> Values, List<double> Times, long Steps)>();
        var done = new List<(int Member, int Generation, HyperparameterSet H, List<double> Values, List<double> Times, long Steps)>();
        foreach (var r in results.Where(r => r.Outcome != TaskOutcome.Failed))
        {
            var t = r.Task;
            if (t.From is null && t.StartStep == 0)
            {
                if (open.Remove(t.Member, out var previous))
                {
                    done.Add((t.Member, previous.Generation, previous.H, previous.Values, previous.Times, previous.Steps));
                }

                open[t.Member] = (t.Generation, t.Hyperparameters, [], [], 0);
            }

            if (!open.TryGetValue(t.Member, out var current))
            {
                continue;
            }

            var value = r.Outcome == TaskOutcome.Completed && r.Validation.TryGetValue(objective.Metric, out var v) ? v : double.NaN;
            current.Values.Add(value);
            current.Times.Add(r.Outcome == TaskOutcome.Completed ? Scheduling.TimeToTarget.TaskTime(r, measure) : t.Steps);
            open[t.Member] = current with { Steps = t.EndStep };
        }

        foreach (var (member, c) in open.OrderBy(x => x.Key))
        {
            done.Add((member, c.Generation, c.H, c.Values, c.Times, c.Steps));
        }

        return done
            .OrderBy(d => d.Generation)
            .ThenBy(d => d.Member)
            .Select(d => new TopologyIndividual(
                d.Member,
                d.Generation,
                d.H,
                target is { } tg ? Scheduling.TimeToTarget.Time(d.Values, d.Times, tg, objective.Mode) : null,
                d.Times.Sum(),
                d.Steps,
                d.Values.Count > 0 ? d.Values[^1] : double.NaN))
            .ToArray();
    }

    /// <summary>
    /// The best individual: with a target, the one reaching it in the least time (ties to the earlier); without (or when
    /// none reached it), the best final objective value. Null when there is none with a finite value.
    /// </summary>
    public static TopologyIndividual? Best(IReadOnlyList<TopologyIndividual> individuals, Objective objective)
    {
        ArgumentNullException.ThrowIfNull(individuals);
        ArgumentNullException.ThrowIfNull(objective);
        var reached = individuals.Where(i => i.TimeToTarget is not null).ToArray();
        if (reached.Length > 0)
        {
            return reached.MinBy(i => i.TimeToTarget!.Value);
        }

        return individuals.Where(i => double.IsFinite(i.FinalValue)).OrderByDescending(i => objective.Score(i.FinalValue)).FirstOrDefault();
    }
}
