using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cohort.Cli.Spec;
using Cohort.Core.Lineage;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Storage.Sqlite;

namespace Cohort.Cli.Experiments;

/// <summary>
/// Schedule replay (paper 001, sec. 4): retrain one fresh member from scratch following the hyperparameter schedule of
/// a run's best member, and report its score — does the schedule, rather than the lucky weights, carry the result?
/// </summary>
internal static class ScheduleReplay
{
    public static async Task<int> RunAsync(string directory, string runName, string? dataDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        var spec = await ExperimentHost.ReadStoredSpecAsync(directory, cancellationToken).ConfigureAwait(false);
        var run = spec.Runs.FirstOrDefault(r => r.Name == runName)
            ?? throw new UsageException($"{directory} has no run '{runName}'; runs: {string.Join(", ", spec.Runs.Select(r => r.Name))}.");
        IReadOnlyList<ScheduleSegment> schedule;
        int best;
        double? original;
        await using (var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, ExperimentHost.DatabaseFile), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var summaries = await ExperimentSummary.ReadAsync(store, spec, cancellationToken).ConfigureAwait(false);
            var summary = summaries.FirstOrDefault(s => s.Name == runName)
                ?? throw new UsageException($"Run '{runName}' has not started in {directory}.");
            if (summary.BestMember is not { } member)
            {
                throw new UsageException($"Run '{runName}' has no member with a finite score to replay.");
            }

            best = member;
            schedule = summary.BestSchedule;
            original = summary.BestScore;
        }

        var factory = await TrainableFactories.CreateAsync(spec, DataDirectory.Resolve(dataDirectory), output, cancellationToken).ConfigureAwait(false);
        var seed = Seeds.Derive(spec.Seed, Seeds.Purpose("replay"), Seeds.Purpose(runName));
        using var trainable = factory.Create(seed);
        output.WriteLine($"[{runName}] replaying member {best}'s schedule ({schedule.Count} segments, {spec.Steps} steps) from scratch");
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
        var score = validation.GetValueOrDefault(metric, double.NaN);
        double? testScore = test is not null && test.TryGetValue(metric, out var t) ? t : null;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[{runName}] replay: validation {metric} {score:G6}{(testScore is { } ts ? $", test {metric} {ts:G6}" : "")} (the run's best member had {original:G6})"));

        var document = new JsonObject
        {
            ["run"] = runName,
            ["member"] = best,
            ["metric"] = metric,
            ["original_score"] = original,
            ["score"] = double.IsFinite(score) ? score : null,
            ["test_score"] = testScore,
            ["segments"] = schedule.Count,
        };
        var path = Path.Combine(directory, $"replay-{runName}.json");
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Wrote {path}");
        return ExitCodes.Success;
    }
}
