namespace Cohort.Core.Scheduling;

/// <summary>The metric a run optimises (Q in paper 000) and its direction.</summary>
public sealed record Objective(string Metric, ObjectiveMode Mode)
{
    /// <summary>Maps a metric value to a score where higher is always better; NaN maps to negative infinity.</summary>
    public double Score(double value)
    {
        if (double.IsNaN(value))
        {
            return double.NegativeInfinity;
        }

        return Mode == ObjectiveMode.Maximize ? value : -value;
    }

    /// <summary>The score of a result: its validation value of <see cref="Metric"/>, or negative infinity when missing.</summary>
    public double Score(TaskResult result) =>
        result.Outcome == TaskOutcome.Completed && result.Validation.TryGetValue(Metric, out var v)
            ? Score(v)
            : double.NegativeInfinity;
}

public enum ObjectiveMode
{
    Minimize,
    Maximize,
}
