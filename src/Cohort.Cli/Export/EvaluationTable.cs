using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Cli.Export;

/// <summary>
/// One evaluation: a task's result, with where its weights came from. <see cref="ParentMember"/> and
/// <see cref="ParentStep"/> name the result whose checkpoint the task started from — the member itself after an
/// ordinary step, the donor after an exploit — and are null for a task that started from scratch.
/// </summary>
internal sealed record Evaluation(
    string Run,
    string Method,
    int Member,
    long Step,
    int Generation,
    TaskOutcome Outcome,
    HyperparameterSet Hyperparameters,
    IReadOnlyDictionary<string, double> Validation,
    IReadOnlyDictionary<string, double> Test,
    string? Checkpoint,
    int? ParentMember,
    long? ParentStep,
    string? ParentCheckpoint,
    string? Message);

/// <summary>
/// The tidy view of an experiment's evaluations (a projection of the stored results, in stored order): one row per
/// evaluation; one column per hyperparameter and per validation and test metric, named by <see cref="Columns"/>.
/// </summary>
internal sealed class EvaluationTable
{
    private EvaluationTable(IReadOnlyList<Evaluation> rows, IReadOnlyList<string> hyperparameters, IReadOnlyList<string> metrics)
    {
        Rows = rows;
        HyperparameterNames = hyperparameters;
        MetricNames = metrics;
    }

    public IReadOnlyList<Evaluation> Rows { get; }

    /// <summary>Every hyperparameter any evaluation had, in first-seen order.</summary>
    public IReadOnlyList<string> HyperparameterNames { get; }

    /// <summary>Every metric any evaluation reported (validation or test), in first-seen order.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>
    /// The column names: <c>run, method, member, step, generation, outcome</c>, each hyperparameter by its name,
    /// <c>validation_M</c> and <c>test_M</c> per metric M, then the lineage <c>parent_member, parent_step, exploited,
    /// checkpoint, parent_checkpoint</c> and <c>message</c>.
    /// </summary>
    public IReadOnlyList<string> Columns =>
    [
        "run", "method", "member", "step", "generation", "outcome",
        .. HyperparameterNames,
        .. MetricNames.Select(m => "validation_" + m),
        .. MetricNames.Select(m => "test_" + m),
        "parent_member", "parent_step", "exploited", "checkpoint", "parent_checkpoint", "message",
    ];

    /// <summary>Reads every run's results from <paramref name="store"/>.</summary>
    public static async Task<EvaluationTable> ReadAsync(IExperimentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rows = new List<Evaluation>();
        var hyperparameters = new List<string>();
        var metrics = new List<string>();
        foreach (var run in await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            var producedBy = new Dictionary<string, (int Member, long Step)>(StringComparer.Ordinal);
            foreach (var r in await store.ReadResultsAsync(run.Name, cancellationToken).ConfigureAwait(false))
            {
                var task = r.Task;
                (int Member, long Step)? parent = task.From is { } from && producedBy.TryGetValue(from.Hash, out var p) ? p : null;
                rows.Add(new Evaluation(
                    run.Name, run.Method, task.Member, task.EndStep, task.Generation, r.Outcome, task.Hyperparameters, r.Validation, r.Test,
                    r.Checkpoint?.Hash, parent?.Member, parent?.Step, task.From?.Hash, r.Message));
                if (r.Checkpoint is { } checkpoint)
                {
                    producedBy.TryAdd(checkpoint.Hash, (task.Member, task.EndStep));
                }

                AddNew(hyperparameters, task.Hyperparameters.Keys);
                AddNew(metrics, r.Validation.Keys.Concat(r.Test.Keys));
            }
        }

        return new EvaluationTable(rows, hyperparameters, metrics);
    }

    private static void AddNew(List<string> names, IEnumerable<string> candidates)
    {
        foreach (var name in candidates)
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }
    }
}
