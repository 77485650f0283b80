using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Trainables;

namespace Cohort.Core.Execution;

/// <summary>
/// What running a <see cref="TrainTask"/> on a prepared trainable means, the same for the one-process
/// <see cref="ExperimentRunner"/> and the <see cref="DistributedWorker"/>: apply, train, evaluate, detect divergence.
/// </summary>
internal static class TaskExecution
{
    public static IReadOnlyDictionary<string, double> EmptyMetrics { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="task"/> also evaluates the test split (<see cref="TestEvaluation"/>).</summary>
    public static bool EvaluatesTest(TrainTask task, bool hasTestSet, TestEvaluation evaluation, long? stepsPerMember) =>
        hasTestSet && evaluation switch
        {
            TestEvaluation.EveryTask => true,
            TestEvaluation.FinalTask => stepsPerMember is not { } budget || task.EndStep >= budget,
            _ => false,
        };

    /// <summary>
    /// Applies the task's hyperparameters, trains its steps and evaluates. <c>Diverged</c> says why when the objective
    /// <paramref name="metric"/> is not finite (null otherwise); a trainable that does not report it is a bug and throws.
    /// </summary>
    public static (IReadOnlyDictionary<string, double> Validation, IReadOnlyDictionary<string, double> Test, string? Diverged) TrainAndEvaluate(
        ITrainable trainable, TrainTask task, string metric, bool evaluateTest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        trainable.Apply(task.Hyperparameters);
        trainable.Train(task.Steps, task.Seed, cancellationToken);
        var validation = Snapshot(trainable.Evaluate(DataSplit.Validation));
        var test = evaluateTest ? Snapshot(trainable.Evaluate(DataSplit.Test)) : EmptyMetrics;
        if (!validation.TryGetValue(metric, out var value))
        {
            throw new InvalidOperationException(
                $"The trainable reported no '{metric}' on the validation split (it reported: {string.Join(", ", validation.Keys)}).");
        }

        var diverged = double.IsFinite(value)
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"Objective '{metric}' is {value.ToString("R", CultureInfo.InvariantCulture)} at step {task.EndStep}.");
        return (validation, test, diverged);
    }

    private static Dictionary<string, double> Snapshot(IReadOnlyDictionary<string, double> metrics) =>
        new(metrics, StringComparer.Ordinal);
}
