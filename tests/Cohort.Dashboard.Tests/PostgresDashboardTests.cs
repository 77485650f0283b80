using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Storage.Postgres;

namespace Cohort.Dashboard.Tests;

/// <summary>
/// The dashboard's read model against PostgreSQL (<c>COHORT_TEST_POSTGRES</c>, set by .ci/postgres.sh; skipped, saying
/// why, without it): two experiments written at once into one database, as <c>cohort worker</c> processes write them.
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
            var feed = new DashboardFeed(source, TimeProvider.System);

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
