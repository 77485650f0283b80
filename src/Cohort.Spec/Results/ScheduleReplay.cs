using System.Text.Json.Nodes;
using Cohort.Core.Randomness;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;

namespace Cohort.Spec.Results;

/// <summary>What a schedule replay found: the replayed member's score next to the original.</summary>
/// <param name="Run">The run whose best schedule was replayed.</param>
/// <param name="Member">The run's best member, whose schedule it is.</param>
/// <param name="Segments">Schedule segments (hyperparameter changes) replayed.</param>
/// <param name="Metric">The objective metric.</param>
/// <param name="OriginalScore">The best member's validation score in the run.</param>
/// <param name="Score">The replayed member's validation score; NaN when not reported.</param>
/// <param name="TestScore">Its test score, when the trainable has a test set.</param>
public sealed record ReplayOutcome(string Run, int Member, int Segments, string Metric, double? OriginalScore, double Score, double? TestScore)
{
    /// <summary>The <c>replay-RUN.json</c> document.</summary>
    public JsonObject ToJson() => new()
    {
        ["run"] = Run,
        ["member"] = Member,
        ["metric"] = Metric,
        ["original_score"] = OriginalScore,
        ["score"] = double.IsFinite(Score) ? Score : null,
        ["test_score"] = TestScore,
        ["segments"] = Segments,
    };
}

/// <summary>
/// Schedule replay (paper 001, sec. 4): retrain one fresh member from scratch following the hyperparameter schedule of
/// a run's best member, and report its score — does the schedule, rather than the lucky weights, carry the result?
/// </summary>
public static class ScheduleReplay
{
    /// <summary>Replays the best schedule of run <paramref name="runName"/> stored in <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">The run is not in the spec, has not started, or has no scored member.</exception>
    public static async Task<ReplayOutcome> RunAsync(ExperimentSpec spec, IExperimentStore store, string runName, ITrainableFactory factory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(factory);
        if (spec.Runs.All(r => r.Name != runName))
        {
            throw new ArgumentException($"The experiment has no run '{runName}'; runs: {string.Join(", ", spec.Runs.Select(r => r.Name))}.", nameof(runName));
        }

        var summaries = await ExperimentSummary.ReadAsync(store, spec, cancellationToken).ConfigureAwait(false);
        var summary = summaries.FirstOrDefault(s => s.Name == runName)
            ?? throw new ArgumentException($"Run '{runName}' has not started.", nameof(runName));
        if (summary.BestMember is not { } best)
        {
            throw new ArgumentException($"Run '{runName}' has no member with a finite score to replay.", nameof(runName));
        }

        var schedule = summary.BestSchedule;
        var seed = Seeds.Derive(spec.Seed, Seeds.Purpose("replay"), Seeds.Purpose(runName));
        using var trainable = factory.Create(seed);
        for (var i = 0; i < schedule.Count; i++)
        {
            var start = schedule[i].Step;
            var end = i + 1 < schedule.Count ? schedule[i + 1].Step : spec.Steps;
            trainable.Apply(schedule[i].Hyperparameters);
            for (var step = start; step < end; step += spec.Ready.Every)
            {
                var steps = (int)Math.Min(spec.Ready.Every, end - step);
                trainable.Train(steps, Seeds.Derive(seed, (ulong)step), cancellationToken);
            }
        }

        var metric = spec.Objective.Metric;
        var validation = trainable.Evaluate(DataSplit.Validation);
        var test = factory.HasTestSet ? trainable.Evaluate(DataSplit.Test) : null;
        double? testScore = test is not null && test.TryGetValue(metric, out var t) ? t : null;
        return new ReplayOutcome(runName, best, schedule.Count, metric, summary.BestScore, validation.GetValueOrDefault(metric, double.NaN), testScore);
    }
}
