using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Xunit.Abstractions;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>
/// The issue's load bar: 16 worker processes of the real <c>cohort</c> binary on 200 toy members over loopback
/// PostgreSQL. Training is instant, so coordination dominates. Bounded: it must finish (no deadlock) within the
/// timeout, with every task recorded once and every event once; it prints the coordination throughput
/// (claims + reports per second over the run's wall time), the number quoted in README.md.
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class WorkerLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Workers = 16;
    private const int Population = 200;
    private const int Steps = 4;
    private const int Ready = 2;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-load-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<CohortProcess> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [PostgresFact]
    public async Task Should_FinishWithoutLostOrDuplicatedEvents_When_SixteenWorkersShareTwoHundredMembers()
    {
        // Given a 200-member synchronous PBT experiment of the toy trainable
        Directory.CreateDirectory(_directory);
        var experiment = PostgresTestDatabase.NewExperiment("load");
        var specPath = Path.Combine(_directory, "spec.yaml");
        await File.WriteAllTextAsync(specPath, ToySpecs.Yaml(experiment, Population, Steps, Ready, "synchronous"));
        var spec = ToySpecs.Spec(experiment, Population, Steps, Ready, "synchronous");
        string[] storage = ["--storage", PostgresTestDatabase.Require()];

        // When 16 worker processes (one of them the coordinator) run it
        var clock = Stopwatch.StartNew();
        _processes.Add(CohortProcess.Start("coordinator", ["run", specPath, "--out", Path.Combine(_directory, "out"), .. storage]));
        for (var i = 1; i < Workers; i++)
        {
            _processes.Add(CohortProcess.Start("worker" + i, ["worker", "--experiment", experiment, .. storage]));
        }

        foreach (var p in _processes)
        {
            Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(150)) == 0, p.Name + ":\n" + string.Join('\n', p.Lines.TakeLast(20)));
        }

        var elapsed = clock.Elapsed;

        // Then every task is recorded once, and the log is the one-process log
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, CancellationToken.None);
        var results = await store.ReadResultsAsync("pbt", CancellationToken.None);
        var events = await store.ReadEventsAsync("pbt", CancellationToken.None);
        Assert.Equal(results.Count, results.Select(r => (r.Task.Member, r.Task.Ordinal)).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Population), results.Where(r => r.Task.EndStep == Steps).Select(r => r.Task.Member).Order());
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(Population, events.Count(e => e.Event is MemberFinished));
        var replayed = ToySpecs.Scheduler(spec);
        var expected = results.SelectMany(replayed.Tell).ToList();
        Assert.True(replayed.IsFinished);
        Assert.Equal(expected, events.Select(e => e.Event));

        var run = (await store.GetRunsAsync(CancellationToken.None)).Single();
        Assert.Equal(RunStatus.Completed, run.Status);
        var claims = (await store.ReadClaimCountsAsync("pbt", CancellationToken.None)).Values.Sum();
        var operations = claims + results.Count;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"workers\":{Workers},\"members\":{Population},\"tasks\":{results.Count},\"claims\":{claims},\"reports\":{results.Count},\"run_wall_s\":{run.WallSeconds:F2},\"coordination_ops_per_s\":{operations / run.WallSeconds:F1},\"total_wall_s\":{elapsed.TotalSeconds:F1}}}"));
    }
}
