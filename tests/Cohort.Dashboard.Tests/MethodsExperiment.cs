using System.Text.Json;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Storage.Sqlite;
using Cohort.Training.Toy;

namespace Cohort.Dashboard.Tests;

/// <summary>
/// An experiment directory with one finished run of each method whose decisions the dashboard draws, trained for real on
/// the toy problem by <see cref="ExperimentRunner"/> into SQLite (as <c>cohort run</c> writes it): a 3 × 3 grid over h0
/// (linear) and h1 (log scale), PBT, a GA and FIRE PBT. 200 steps each, ready every 10; about a second in all.
/// </summary>
internal sealed class MethodsExperiment : IAsyncDisposable
{
    public const long Steps = 200;
    public const int Population = 6;
    public const int FireWorkers = 8;
    public const int FireEvaluators = 2;

    private MethodsExperiment(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>The experiment's key (its directory's name).</summary>
    public string Name => Path.GetFileName(Directory);

    public static async Task<MethodsExperiment> CreateAsync(string title = "methods")
    {
        var directory = Path.Combine(Path.GetTempPath(), "cohort-dashboard-tests", Guid.NewGuid().ToString("N"));
        var database = Path.Combine(directory, SqliteExperimentStore.DefaultFileName);
        var objective = new Objective(ToyTrainable.MetricQ, ObjectiveMode.Maximize);
        var space = new SearchSpace(
            new FloatParameter("h0", 0.05, 1, Grid: [0.2, 0.5, 0.8]),
            new FloatParameter("h1", 0.01, 1, ParameterScale.Log, Grid: [0.03, 0.1, 0.3]));
        var runs = new (string Name, MethodOptions Method, int Population)[]
        {
            ("grid", new GridOptions { ReadyInterval = 10 }, 9),
            ("pbt", new PbtOptions { ReadyInterval = 10, Exploit = new TruncationSelection(0.25), Explore = new PerturbExplore([0.8, 1.2]) }, Population),
            ("ga", new GaOptions { ReadyInterval = 10 }, Population),
            ("fire", new FireOptions { ReadyInterval = 20, EvalInterval = 10, Evaluators = FireEvaluators }, FireWorkers),
        };
        var spec = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = 1,
            ["experiment"] = title,
            ["seed"] = 3,
            ["objective"] = new { metric = ToyTrainable.MetricQ, mode = "maximize" },
            ["hyperparameters"] = new Dictionary<string, object>
            {
                ["h0"] = new { type = "float", min = 0.05, max = 1.0 },
                ["h1"] = new { type = "float", scale = "log", min = 0.01, max = 1.0 },
            },
            ["steps"] = Steps,
            ["runs"] = runs.Select(r => new { name = r.Name, method = r.Method.Method, population = r.Population }).ToArray(),
        });

        await using (var store = await SqliteExperimentStore.OpenAsync(database))
        await using (var checkpoints = await SqliteCheckpointStore.OpenAsync(database))
        {
            await store.SetMetadataAsync("spec", spec, CancellationToken.None);
            var runner = new ExperimentRunner(checkpoints, store, new RunnerOptions { Workers = 1 });
            foreach (var (name, method, population) in runs)
            {
                var scheduler = SchedulerFactory.Create(method, space, objective, Steps, population, 3);
                var outcome = await runner.RunAsync(new RunDefinition(name, 3, objective), scheduler, new ToyTrainableFactory(), CancellationToken.None);
                Assert.Equal(RunStatus.Completed, outcome.Status);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return new MethodsExperiment(directory);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
