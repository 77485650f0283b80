using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Storage.Postgres;
using Cohort.Training.Toy;

namespace Cohort.Dashboard.Tests;

/// <summary>
/// The dashboard's read model against PostgreSQL (<c>COHORT_TEST_POSTGRES</c>, set by .ci/postgres.sh; skipped, saying
/// why, without it): two experiments written at once into one database, and a run trained by two
/// <see cref="DistributedWorker"/>s (what <c>cohort worker</c> runs) while the feed follows it.
/// </summary>
public sealed class PostgresDashboardTests
{
    private const string Variable = "COHORT_TEST_POSTGRES";

    [PostgresFact]
    public async Task PollAsync_Should_FollowEachExperimentOnce_When_TwoExperimentsAreWrittenInterleaved()
    {
        // Given two experiments in one database whose rows interleave (ids come from one sequence per table)
        var connection = Environment.GetEnvironmentVariable(Variable)!;
        var names = new[] { Unique("dash-a"), Unique("dash-b") };
        var stores = new List<PostgresExperimentStore>();
        foreach (var name in names)
        {
            var store = await PostgresExperimentStore.OpenAsync(connection, name, cancellationToken: CancellationToken.None);
            await store.SetMetadataAsync("spec", $$"""{"experiment":"{{name}}","objective":{"metric":"loss","mode":"minimize"},"steps":100,"runs":[{"name":"pbt","method":"pbt","population":2}]}""", CancellationToken.None);
            await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), CancellationToken.None);
            stores.Add(store);
        }

        try
        {
            await AppendAsync(stores, generation: 0);
            await using var source = DashboardStore.OpenPostgres(connection);
            using var feed = new DashboardFeed(source, TimeProvider.System);

            // When the feed polls, the writers store another generation each, and it polls again
            await feed.PollAsync(CancellationToken.None);
            await AppendAsync(stores, generation: 1);
            await feed.PollAsync(CancellationToken.None);
            var idle = await feed.PollAsync(CancellationToken.None);

            // Then each experiment shows its own 4 evaluations, each once; nothing is read twice; no password is shown
            foreach (var name in names)
            {
                var data = feed.RunData(name, "pbt");
                Assert.NotNull(data);
                Assert.Equal(4, data.Evaluations.Count);
                Assert.Equal(4, data.Evaluations.Select(e => e.Id).Distinct().Count());
                Assert.Contains(feed.Experiments(), e => e.Name == name && e.Runs[0].StepsDone == 80);
            }

            Assert.Equal(0, idle);
            var password = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnection.ToNpgsql(connection)).Password;
            Assert.False(string.IsNullOrEmpty(password), "the test database has a password");
            Assert.DoesNotContain(password, source.Display, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task PollAsync_Should_ReadEveryResultOnce_When_TwoDistributedWorkersTrainWhileItFollows()
    {
        // Given a 4-member toy PBT run in PostgreSQL, ready every 5 of 200 steps (160 results), and a feed following it
        var connection = Environment.GetEnvironmentVariable(Variable)!;
        var name = Unique("dash-workers");
        const int population = 4;
        const long steps = 200;
        var objective = new Objective(ToyTrainable.MetricQ, ObjectiveMode.Maximize);
        var run = new RunDefinition("pbt", 7, objective);
        var space = new SearchSpace(new FloatParameter("h0", 0, 1), new FloatParameter("h1", 0, 1));
        var points = Enumerable.Range(0, population)
            .Select(m => HyperparameterSet.Empty.With("h0", 0.2 * m).With("h1", 0.9 - (0.2 * m))).ToArray();
        IScheduler Scheduler() => new PbtScheduler(
            new PbtOptions { ReadyInterval = 5, Exploit = new TruncationSelection(0.25), Explore = new NoiseExplore(0.1) }, space, points, objective, steps, 7);

        var stores = new List<PostgresExperimentStore>();
        for (var i = 0; i < 2; i++)
        {
            stores.Add(await PostgresExperimentStore.OpenAsync(connection, name, cancellationToken: CancellationToken.None));
        }

        try
        {
            await stores[0].SetMetadataAsync("spec", $$$"""{"experiment":"{{{name}}}","objective":{"metric":"q","mode":"maximize"},"hyperparameters":{"h0":{"type":"float","min":0,"max":1},"h1":{"type":"float","min":0,"max":1}},"steps":{{{steps}}},"runs":[{"name":"pbt","method":"pbt","population":{{{population}}}}]}""", CancellationToken.None);
            await stores[0].CreateRunAsync(new RunRecord(run.Name, "pbt", "{}"), CancellationToken.None);
            await using var source = DashboardStore.OpenPostgres(connection);
            using var feed = new DashboardFeed(source, TimeProvider.System);
            await feed.PollAsync(CancellationToken.None);

            // When two workers, each with its own connection pool, train the run while the feed polls every 20 ms
            using var done = new CancellationTokenSource();
            var batches = 0;
            var following = Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    if (await feed.PollAsync(CancellationToken.None) > 0)
                    {
                        batches++;
                    }

                    await Task.Delay(20, CancellationToken.None);
                }
            });
            var outcomes = await Task.WhenAll(stores.Select((store, i) => Task.Run(() => new DistributedWorker(
                    store,
                    new PostgresCheckpointStore(store.DataSource, name),
                    new DistributedWorkerOptions { Owner = "w" + i, PollInterval = TimeSpan.FromMilliseconds(20), StepsPerMember = steps })
                .RunAsync(run, Scheduler, new ToyTrainableFactory(), CancellationToken.None))))
                .WaitAsync(TimeSpan.FromSeconds(90));
            await done.CancelAsync();
            await following;
            await feed.PollAsync(CancellationToken.None);

            // Then the feed read the results in several batches while they were written, and holds each stored result
            // once, the run's progress complete and its exploits in the lineage
            Assert.All(outcomes, o => Assert.Equal(RunStatus.Completed, o.Status));
            var stored = await stores[0].ReadResultsAsync(run.Name, CancellationToken.None);
            Assert.Equal(population * (steps / 5), stored.Count);
            Assert.True(batches >= 2, $"the feed read the run in {batches} batch(es) while the workers trained");
            var data = feed.RunData(name, run.Name);
            Assert.NotNull(data);
            Assert.Equal(stored.Count, data.Evaluations.Count);
            Assert.Equal(stored.Count, data.Evaluations.Select(e => e.Id).Distinct().Count());
            Assert.Equal(
                stored.Select(r => (r.Task.Member, r.Task.EndStep)).Order(),
                data.Evaluations.Select(e => (e.Member, e.Step)).Order());
            var view = Assert.Single(feed.Experiments(), e => e.Name == name).Runs.Single();
            Assert.Equal(population * steps, view.StepsDone);
            Assert.Equal(stored.Count, view.Evaluations);
            var exploits = new List<int>();
            foreach (var m in Enumerable.Range(0, population))
            {
                exploits.Add((await feed.LineageAsync(name, run.Name, m, CancellationToken.None))!.Exploits.Count);
            }

            Assert.Contains(exploits, count => count > 0);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task AppendAsync(List<PostgresExperimentStore> stores, int generation)
    {
        for (var member = 0; member < 2; member++)
        {
            foreach (var store in stores)
            {
                var task = new TrainTask(member, generation, generation, null, HyperparameterSet.From([new("lr", HyperValue.Of(0.01))]), generation * 20L, 20, 7);
                var result = new TaskResult(
                    task, TaskOutcome.Completed, new Dictionary<string, double> { ["loss"] = 1.0 / (generation + 1) }, new Dictionary<string, double>(),
                    new CheckpointRef(new string('b', 64), task.EndStep, 8));
                Assert.True(await store.AppendAsync("pbt", result, [], CancellationToken.None));
            }
        }
    }

    /// <summary>A fact skipped, with the reason, when no test PostgreSQL is configured.</summary>
    private sealed class PostgresFactAttribute : FactAttribute
    {
        public PostgresFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            {
                Skip = $"{Variable} is not set: no PostgreSQL to test against (start one with: eval \"$(.ci/postgres.sh)\").";
            }
        }
    }
}
