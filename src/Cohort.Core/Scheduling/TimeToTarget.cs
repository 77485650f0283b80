namespace Cohort.Core.Scheduling;

/// <summary>
/// The "time to reach a target" figure of merit (paper 004 sec. 4.2.1 and 4.2.3): training time until the validation
/// metric meets a target. "To remove noise when timing training of the NN, the NN is not considered to have passed
/// the threshold until the target validation accuracy is met on two successive validation evaluations" (sec. 4.2.3):
/// the time counted is the cumulative time at the second of them.
/// </summary>
public static class TimeToTarget
{
    /// <summary>Paper 004 sec. 4.2.3: the target must be met on this many successive evaluations.</summary>
    public const int PaperSuccessive = 2;

    /// <summary>The validation metric a trainable reports with the cost of the task's training (deterministic, e.g. multiply-adds).</summary>
    public const string CostMetric = "train_cost";

    /// <summary>The validation metric a trainable reports with the wall seconds of the task's training.</summary>
    public const string SecondsMetric = "train_seconds";

    /// <summary>Whether <paramref name="value"/> meets <paramref name="target"/>: ≥ when maximising, ≤ when minimising; NaN never does.</summary>
    public static bool Meets(double value, double target, ObjectiveMode mode) =>
        !double.IsNaN(value) && (mode == ObjectiveMode.Maximize ? value >= target : value <= target);

    /// <summary>
    /// The index of the evaluation at which the target counts as reached: the first index i such that evaluations
    /// i − successive + 1 … i all meet it; null when it is never reached.
    /// </summary>
    public static int? ReachedAt(IReadOnlyList<double> values, double target, ObjectiveMode mode, int successive = PaperSuccessive)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(successive, 1);
        var run = 0;
        for (var i = 0; i < values.Count; i++)
        {
            run = Meets(values[i], target, mode) ? run + 1 : 0;
            if (run >= successive)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// The time to the target: the sum of <paramref name="times"/> (the training time before each evaluation, one per
    /// evaluation) up to and including the evaluation at which it counts as reached; null when it is never reached.
    /// </summary>
    public static double? Time(IReadOnlyList<double> values, IReadOnlyList<double> times, double target, ObjectiveMode mode, int successive = PaperSuccessive)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(times);
        if (values.Count != times.Count)
        {
            throw new ArgumentException($"One time per evaluation: {values.Count} values but {times.Count} times.", nameof(times));
        }

        if (ReachedAt(values, target, mode, successive) is not { } at)
        {
            return null;
        }

        var sum = 0.0;
        for (var i = 0; i <= at; i++)
        {
            sum += times[i];
        }

        return sum;
    }

    /// <summary>The training time of one task under <paramref name="measure"/>: its steps, or the trainable's reported cost or seconds.</summary>
    public static double TaskTime(TaskResult result, TimeMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(result);
        return measure switch
        {
            TimeMeasure.Steps => result.Task.Steps,
            TimeMeasure.Cost => Metric(result, CostMetric),
            _ => Metric(result, SecondsMetric),
        };
    }

    private static double Metric(TaskResult result, string name) =>
        result.Validation.TryGetValue(name, out var v)
            ? v
            : throw new InvalidOperationException($"The time measure needs the trainable to report '{name}' with its validation metrics (it reported: {string.Join(", ", result.Validation.Keys)}).");
}
