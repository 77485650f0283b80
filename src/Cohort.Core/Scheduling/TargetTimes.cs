namespace Cohort.Core.Scheduling;

/// <summary>Where a run first met a target: the member step of the evaluation and the steps the whole run had trained by then.</summary>
/// <param name="Step">The member step (a task's end step) of the evaluation at which the target counts as met.</param>
/// <param name="TotalSteps">The steps of every task of the run that ended at or before <paramref name="Step"/>: the compute spent to get there (population × step when all members advance together).</param>
public sealed record TargetPoint(long Step, long TotalSteps);

/// <summary>
/// A run's time to a target value of the objective, four ways, from its task results alone (a projection, like the
/// summary). The run's evaluation points are the distinct end steps of its tasks; at each one the run has a best
/// value (over the members evaluated there) and a mean.
/// <list type="bullet">
/// <item><term><see cref="First"/></term><description>the first evaluation point where some member meets the target: the
/// best member's curve, as paper 002's figures plot it. With many members this is a maximum over noisy draws: one
/// lucky evaluation is enough.</description></item>
/// <item><term><see cref="Successive"/></term><description>one member meets it on <see cref="TimeToTarget.PaperSuccessive"/>
/// successive evaluations (paper 004 sec. 4.2.3: "to remove noise").</description></item>
/// <item><term><see cref="Sustained"/></term><description>from this point on, some member meets it at every evaluation
/// point up to the run's last: the run holds a solution rather than passing through one. Null when the last evaluation
/// point does not meet it.</description></item>
/// <item><term><see cref="PopulationMean"/></term><description>the members' mean meets it: the population as a whole.</description></item>
/// </list>
/// Failed tasks are left out; a diverged one (a non-finite objective) never meets the target.
/// </summary>
/// <param name="Target">The target value; met at ≥ when maximising, ≤ when minimising (<see cref="TimeToTarget.Meets"/>).</param>
public sealed record TargetTimes(double Target, TargetPoint? First, TargetPoint? Successive, TargetPoint? Sustained, TargetPoint? PopulationMean)
{
    /// <summary>The times to <paramref name="target"/> of the run whose task results are <paramref name="results"/> (in any order).</summary>
    public static TargetTimes Of(IReadOnlyList<TaskResult> results, Objective objective, double target)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(objective);
        var done = results.Where(r => r.Outcome != TaskOutcome.Failed).ToArray();
        var points = done
            .GroupBy(r => r.Task.EndStep)
            .OrderBy(g => g.Key)
            .Select(g => (Step: g.Key, Values: g.Select(Value).ToArray(), Steps: g.Sum(r => (long)r.Task.Steps)))
            .ToArray();
        var totals = new long[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            totals[i] = (i == 0 ? 0 : totals[i - 1]) + points[i].Steps;
        }

        var met = points.Select(p => p.Values.Any(v => TimeToTarget.Meets(v, target, objective.Mode))).ToArray();
        var first = Array.IndexOf(met, true);
        var sustained = met.Length > 0 && met[^1] ? Array.LastIndexOf(met, false) + 1 : -1;
        var mean = Array.FindIndex(points, p => TimeToTarget.Meets(p.Values.Average(), target, objective.Mode));
        var successive = done
            .GroupBy(r => r.Task.Member)
            .Select(g => g.OrderBy(r => r.Task.EndStep).ToArray() is var own
                && TimeToTarget.ReachedAt(own.Select(Value).ToArray(), target, objective.Mode) is { } at
                    ? own[at].Task.EndStep
                    : long.MaxValue)
            .DefaultIfEmpty(long.MaxValue)
            .Min();
        return new TargetTimes(
            target,
            At(first),
            successive == long.MaxValue ? null : At(Array.FindIndex(points, p => p.Step == successive)),
            At(sustained),
            At(mean));

        double Value(TaskResult r) => r.Validation.TryGetValue(objective.Metric, out var v) ? v : double.NaN;

        TargetPoint? At(int i) => i < 0 ? null : new TargetPoint(points[i].Step, totals[i]);
    }
}
