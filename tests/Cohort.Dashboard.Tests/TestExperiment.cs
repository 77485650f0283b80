using System.Globalization;
using System.Text.Json;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Storage.Sqlite;

namespace Cohort.Dashboard.Tests;

/// <summary>
/// An experiment directory being written as <c>cohort run</c> writes it (through <see cref="SqliteExperimentStore"/>,
/// which stays open while the dashboard reads): a 4-member PBT run that evaluates every 20 steps, in which member 3
/// exploits member 0 after generation 1, and a grid run that has not started.
/// </summary>
internal sealed class TestExperiment : IAsyncDisposable
{
    public const string Run = "pbt";
    public const int Population = 4;
    public const int Every = 20;

    private readonly Dictionary<int, CheckpointRef> _latest = [];
    private readonly Dictionary<int, double> _lr = [];

    private TestExperiment(string directory, SqliteExperimentStore store)
    {
        Directory = directory;
        Store = store;
    }

    public string Directory { get; }

    public SqliteExperimentStore Store { get; }

    /// <summary>Generations appended so far.</summary>
    public int Generations { get; private set; }

    /// <summary>When each generation's results were stored (Unix ms, after the commit), by result id.</summary>
    public Dictionary<long, long> StoredAt { get; } = [];

    /// <summary>The hash of the checkpoint member 3 took from member 0.</summary>
    public string? ExploitHash { get; private set; }

    public static async Task<TestExperiment> CreateAsync(string name = "dash-test")
    {
        var directory = Path.Combine(Path.GetTempPath(), "cohort-dashboard-tests", Guid.NewGuid().ToString("N"));
        var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, SqliteExperimentStore.DefaultFileName));
        var spec = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = 1,
            ["experiment"] = name,
            ["seed"] = 1,
            ["objective"] = new { metric = "loss", mode = "minimize" },
            ["hyperparameters"] = new Dictionary<string, object> { ["lr"] = new { type = "float", scale = "log", min = 1e-4, max = 1.0 } },
            ["steps"] = 200,
            ["runs"] = new object[] { new { name = Run, method = "pbt", population = Population }, new { name = "grid", method = "grid", population = 4 } },
        });
        await store.SetMetadataAsync("spec", spec, CancellationToken.None);
        await store.CreateRunAsync(new RunRecord(Run, "pbt", "{}"), CancellationToken.None);
        var experiment = new TestExperiment(directory, store);
        for (var m = 0; m < Population; m++)
        {
            experiment._lr[m] = 0.001 * (m + 1);
        }

        return experiment;
    }

    /// <summary>Stores one evaluation per member (and, after generation 1, member 3's exploit of member 0).</summary>
    public async Task AppendGenerationAsync()
    {
        var g = Generations;
        var previous = new Dictionary<int, CheckpointRef>(_latest); // what each member held when the generation began
        for (var m = 0; m < Population; m++)
        {
            List<RunEvent> events = [];
            var from = previous.GetValueOrDefault(m);
            if (g == 2 && m == 3)
            {
                var donor = previous[0];
                var before = Hyperparameters(m);
                _lr[3] = _lr[0] * 1.2;
                events.Add(new Exploited(3, donor.Step, 0, donor, before, Hyperparameters(3)));
                ExploitHash = donor.Hash;
                from = donor;
            }

            var task = new TrainTask(m, g, g, g == 0 ? null : from, Hyperparameters(m), (long)g * Every, Every, (ulong)(1000 + m));
            var checkpoint = new CheckpointRef(
                string.Create(CultureInfo.InvariantCulture, $"{m:x2}{g:x6}").PadRight(64, 'a'), task.EndStep, 64);
            var loss = 1.0 / (1 + g) + 0.1 * m;
            var result = new TaskResult(task, TaskOutcome.Completed, new Dictionary<string, double> { ["loss"] = loss }, new Dictionary<string, double>(), checkpoint);
            Assert.True(await Store.AppendAsync(Run, result, events, CancellationToken.None));
            _latest[m] = checkpoint;
        }

        Generations++;
        var stored = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var total = (long)Generations * Population;
        for (var id = total - Population + 1; id <= total; id++)
        {
            StoredAt[id] = stored;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private HyperparameterSet Hyperparameters(int member) => HyperparameterSet.From([new("lr", HyperValue.Of(_lr[member]))]);
}
