using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cohort.Cli;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>
/// The issue's crash bar: PostgreSQL-backed PBT with worker processes of the real <c>cohort</c> binary; one is
/// SIGKILLed mid-step and another mid-exploit (inside the decision transaction) at seeded random moments, replacements
/// join, and the experiment still finishes every member exactly once, records every exploit once, and writes the
/// summary of a one-process SQLite run with the same seed.
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed partial class WorkerCrashTests : IDisposable
{
    private const int Population = 4;
    private const int Steps = 96; // long enough that exploit decisions remain after the mid-step kill, however fast the workers
    private const int Ready = 4;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-crash-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<CohortProcess> _processes = [];

    public WorkerCrashTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [PostgresTheory]
    [InlineData("synchronous", 11, true)]
    [InlineData("asynchronous", 12, false)]
    public async Task Should_FinishEveryMemberOnceAndMatchOneProcess_When_WorkersAreKilledMidStepAndMidExploit(string mode, int seed, bool sharedDirectory)
    {
        // Given a spec, and the one-process SQLite run of it as the reference
        var random = new Random(seed);
        var experiment = PostgresTestDatabase.NewExperiment("crash-" + mode[..4]);
        var specPath = Path.Combine(_directory, "spec.yaml");
        await File.WriteAllTextAsync(specPath, ToySpecs.Yaml(experiment, Population, Steps, Ready, mode, (ulong)seed));
        var referenceDir = Path.Combine(_directory, "reference");
        using (var log = new StringWriter())
        {
            Assert.Equal(0, await CohortApp.RunAsync(["run", specPath, "--out", referenceDir, "--workers", "1"], log, log, interactive: false));
        }

        // When a coordinator and three workers run it against PostgreSQL …
        string[] shared =
        [
            "--storage", PostgresTestDatabase.Require(), "--lease", "1.5", "--verbose", "--fault-decision-delay-ms", "600",
            .. sharedDirectory ? new[] { "--checkpoints", Path.Combine(_directory, "checkpoints") } : [],
        ];
        string[] fast = ["--fault-train-delay-ms", "250"];
        var outDir = Path.Combine(_directory, "out");
        var coordinator = Start("coordinator", ["run", specPath, "--out", outDir, .. shared, .. fast]);

        // (the worker to be killed mid-step trains slowly, so that "mid-step" is certain whatever the machine's load)
        var stepVictim = Start("worker0", ["worker", "--experiment", experiment, .. shared, "--fault-train-delay-ms", "2500"]);
        var workers = new List<CohortProcess> { stepVictim };
        workers.AddRange(Enumerable.Range(1, 2).Select(i => Start("worker" + i, ["worker", "--experiment", experiment, .. shared, .. fast])));

        // … one worker is killed mid-step (after a random number of claims, a random moment into training) …
        var claims = random.Next(1, 3);
        Assert.True(await stepVictim.WaitForLinesAsync(IsClaim, claims, TimeSpan.FromSeconds(120)), Output(stepVictim));
        await Task.Delay(random.Next(0, 1500));
        stepVictim.Kill();
        var heldTask = ParseClaim(stepVictim.Lines.Last(IsClaim));
        Assert.DoesNotContain(stepVictim.Lines, l => l.Contains($"told member {heldTask.Member} task {heldTask.Ordinal}:", StringComparison.Ordinal));
        workers.Remove(stepVictim);
        workers.Add(Start("replacement0", ["worker", "--experiment", experiment, .. shared, .. fast]));

        // … and another while it holds the run lock deciding exploits (a random one of the next decisions)
        var skip = random.Next(0, 2);
        var exploitVictim = await NextDecidingWorkerAsync(workers, skip, TimeSpan.FromSeconds(120));
        exploitVictim.Kill();
        workers.Remove(exploitVictim);
        workers.Add(Start("replacement1", ["worker", "--experiment", experiment, .. shared, .. fast]));

        Assert.Equal(0, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        foreach (var w in workers)
        {
            Assert.Equal(0, await w.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        // Then every member reached the final step exactly once, no task was recorded twice, the results are the
        // one-process run's,
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, CancellationToken.None);
        var results = await store.ReadResultsAsync("pbt", CancellationToken.None);
        Assert.Equal(results.Count, results.Select(r => (r.Task.Member, r.Task.Ordinal)).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Population), results.Where(r => r.Task.EndStep == Steps).Select(r => r.Task.Member).Order());
        await using var reference = await Cohort.Storage.Sqlite.SqliteExperimentStore.OpenAsync(Path.Combine(referenceDir, "cohort.db"), null, CancellationToken.None);
        Assert.Equal(
            (await reference.ReadResultsAsync("pbt", CancellationToken.None)).Select(CohortJson.Serialize),
            results.Select(CohortJson.Serialize));

        // the task killed mid-step was taken over by another worker,
        var claimCounts = await store.ReadClaimCountsAsync("pbt", CancellationToken.None);
        Assert.True(claimCounts[heldTask] >= 2, $"task {heldTask} was claimed {claimCounts[heldTask]} time(s)");

        // every exploit is recorded once, and they are the one-process run's exploits,
        var events = (await store.ReadEventsAsync("pbt", CancellationToken.None)).Select(e => e.Event).ToList();
        var exploits = events.OfType<Exploited>().ToList();
        Assert.NotEmpty(exploits);
        Assert.Equal(exploits.Count, exploits.Select(e => (e.Member, e.Step)).Distinct().Count());
        Assert.Equal((await reference.ReadEventsAsync("pbt", CancellationToken.None)).Select(e => e.Event), events);

        // and the summary equals the one-process SQLite run's (wall times aside)
        Assert.Equal(Summary(referenceDir), Summary(outDir));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(referenceDir, "events.csv")), await File.ReadAllTextAsync(Path.Combine(outDir, "events.csv")));
        Assert.Equal(RunStatus.Completed, (await store.GetRunsAsync(CancellationToken.None)).Single().Status);
    }

    private CohortProcess Start(string name, string[] arguments)
    {
        var process = CohortProcess.Start(name, arguments);
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits until one of <paramref name="workers"/> starts its (<paramref name="skip"/> + 1)-th next decision.</summary>
    private static async Task<CohortProcess> NextDecidingWorkerAsync(List<CohortProcess> workers, int skip, TimeSpan timeout)
    {
        var seen = workers.ToDictionary(w => w, w => w.Lines.Count(IsDeciding));
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < timeout)
        {
            foreach (var w in workers)
            {
                var now = w.Lines.Count(IsDeciding);
                if (now > seen[w])
                {
                    if (skip-- <= 0 && !w.HasExited)
                    {
                        return w;
                    }

                    seen[w] = now;
                }
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("No worker took an exploit decision in time:\n" + string.Join("\n---\n", workers.Select(Output)));
    }

    private static bool IsClaim(string line) => line.Contains(" claimed member ", StringComparison.Ordinal);

    private static bool IsDeciding(string line) => line.Contains(" deciding (", StringComparison.Ordinal);

    private static TaskKey ParseClaim(string line)
    {
        var m = ClaimPattern().Match(line);
        Assert.True(m.Success, line);
        return new TaskKey(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static string Summary(string directory)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "summary.json")))!;
        foreach (var run in json["runs"]!.AsArray())
        {
            run!.AsObject().Remove("wall_seconds");
        }

        return json.ToJsonString();
    }

    private static string Output(CohortProcess p) => p.Name + ":\n" + string.Join('\n', p.Lines.TakeLast(30));

    [GeneratedRegex(@"claimed member (\d+) task (\d+)")]
    private static partial Regex ClaimPattern();
}
