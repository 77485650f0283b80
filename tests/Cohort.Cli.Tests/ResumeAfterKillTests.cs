using System.Globalization;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Cohort.Cli.Tests;

/// <summary>
/// The crash-safety bar (issues 2 and 12): kill -9 a run at random moments — in the middle of a group commit
/// included — resume it, and get exactly the summary of a run that never stopped.
/// </summary>
public sealed class ResumeAfterKillTests(ITestOutputHelper log)
{
    /// <summary>
    /// examples/toy.yaml with a longer budget: four runs of about half a second each (on two workers), so that a kill
    /// a few hundred milliseconds after start-up lands while a run trains.
    /// </summary>
    private static string LongToySpec(int steps = 3000)
    {
        var path = Path.Combine(TestPaths.NewDirectory(), "toy-long.yaml");
        var text = File.ReadAllText(TestPaths.Example("toy.yaml"));
        Assert.Contains("\nsteps: 400\n", text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace("\nsteps: 400\n", string.Create(CultureInfo.InvariantCulture, $"\nsteps: {steps}\n"), StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public async Task Should_EndWithTheUninterruptedSummary_When_KilledWithSigkillAndResumed()
    {
        // Given an uninterrupted reference run
        var reference = TestPaths.NewDirectory();
        var spec = LongToySpec();
        Assert.Equal(0, (await Cli.RunAsync("run", spec, "--out", reference, "--seed", "3", "--workers", "2")).ExitCode);

        // When the same run, in its own process, is killed with SIGKILL at a random moment and then resumed
        var killed = TestPaths.NewDirectory();
        var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(100, 2000));
        log.WriteLine($"killing {delay.TotalMilliseconds} ms after the first run started");
        var wasRunning = await RunAndKillAsync(["run", spec, "--out", killed, "--seed", "3", "--workers", "2"], delay);
        log.WriteLine(wasRunning ? "killed mid-run" : "the run finished before the kill");
        var resumed = await Cli.RunAsync("resume", killed, "--workers", "2");

        // Then the resumed run ends with the same scores and schedules
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(reference), CohortAppTests.SummaryWithoutTimes(killed));
    }

    [Fact]
    public async Task Should_EndWithTheUninterruptedSummary_When_KilledFiveTimesAtRandomMomentsIncludingMidCommit()
    {
        // Given an uninterrupted reference run
        var reference = TestPaths.NewDirectory();
        var spec = LongToySpec();
        Assert.Equal(0, (await Cli.RunAsync("run", spec, "--out", reference, "--seed", "5", "--workers", "2")).ExitCode);

        // When the same experiment is killed with SIGKILL five times at random moments, each time resumed in a new
        // process. Every commit waits 150 ms of its interval of 200 ms before it appends its results (after storing
        // checkpoints, when it stores any), so most kills land in the middle of a commit; most also land before the
        // first commit that stores checkpoints (after 1 s), so resuming recomputes them.
        var killed = TestPaths.NewDirectory();
        var random = new Random();
        string[] faults = ["--workers", "2", "--fault-commit-delay-ms", "150"];
        var kills = 0;
        for (var i = 0; i < 5; i++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(50, 700));
            string[] args = i == 0
                ? ["run", spec, "--out", killed, "--seed", "5", .. faults]
                : ["resume", killed, .. faults];
            var wasRunning = await RunAndKillAsync(args, delay);
            log.WriteLine($"kill {i + 1}: {delay.TotalMilliseconds} ms after a run started, {(wasRunning ? "mid-run" : "after the experiment finished")}");
            kills += wasRunning ? 1 : 0;
        }

        var resumed = await Cli.RunAsync("resume", killed, "--workers", "2");

        // Then the resumed experiment ends with the same scores and schedules
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(reference), CohortAppTests.SummaryWithoutTimes(killed));
        Assert.True(kills >= 3, $"only {kills} of 5 kills landed while the experiment ran");
    }

    [Fact]
    public async Task Should_RecomputeAndReport_When_ACheckpointOfAnInterruptedRunIsCorrupt()
    {
        // Given an uninterrupted reference run (the toy's PBT run, about 3 s), and the same run killed mid-run: 0.4 s
        // after the first commit that stores checkpoints (1 s in), so that later results start from those checkpoints
        var reference = TestPaths.NewDirectory();
        var spec = Path.Combine(TestPaths.NewDirectory(), "toy-pbt.yaml");
        await File.WriteAllTextAsync(spec, ToySpecs.CornersPbt("toy-pbt", 96000));
        Assert.Equal(0, (await Cli.RunAsync("run", spec, "--out", reference, "--seed", "4", "--workers", "2")).ExitCode);
        var killed = TestPaths.NewDirectory();
        Assert.True(
            await RunAndKillAsync(
                ["run", spec, "--out", killed, "--seed", "4", "--workers", "2"],
                TimeSpan.FromMilliseconds(500),
                storedIn: (Path.Combine(killed, "cohort.db"), "checkpoints"),
                thenWait: TimeSpan.FromMilliseconds(400)),
            "the run finished before the kill");

        // When one byte of every stored checkpoint is flipped before the experiment is resumed
        var flipped = FlipAByteOfEveryCheckpoint(Path.Combine(killed, "cohort.db"));
        Assert.True(flipped > 0, "the interrupted run stored no checkpoint");
        var resumed = await Cli.RunAsync("resume", killed, "--workers", "2");

        // Then the damaged checkpoints the run needs are recomputed (hash verified) and reported, naming the store, and
        // the run ends with the uninterrupted summary
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.True(resumed.Output.Contains("[pbt] pbt: 2 members x 96,000 steps on 2 workers, resuming after", StringComparison.Ordinal), resumed.Output);

        // A repair is a problem worth seeing: it goes to standard error, naming the checkpoint's store.
        Assert.True(resumed.Error.Contains("recomputed by re-running member", StringComparison.Ordinal), resumed.Output + resumed.Error);
        Assert.Contains(Path.Combine(killed, "cohort.db"), resumed.Error, StringComparison.Ordinal);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(reference), CohortAppTests.SummaryWithoutTimes(killed));
    }

    private static bool HasRow(string database, string table)
    {
        if (!File.Exists(database))
        {
            return false;
        }

        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT EXISTS (SELECT 1 FROM {table});";
            return Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false; // not created or migrated yet
        }
    }

    private static int FlipAByteOfEveryCheckpoint(string database)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        var rows = new List<(long Id, byte[] Data)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT id, data FROM checkpoints;";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }
        }

        foreach (var (id, data) in rows)
        {
            data[data.Length / 2] ^= 0x01;
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE checkpoints SET data = @data WHERE id = @id;";
            update.Parameters.AddWithValue("@data", data);
            update.Parameters.AddWithValue("@id", id);
            update.ExecuteNonQuery();
        }

        return rows.Count;
    }

    [Fact]
    public async Task Should_RefuseASecondWriterNamingTheHolder_And_LetTheFirstComplete_When_TwoRunsShareADirectory()
    {
        // Given an uninterrupted reference run, and the same run started in a child process on another directory
        var reference = TestPaths.NewDirectory();
        var spec = LongToySpec();
        Assert.Equal(0, (await Cli.RunAsync("run", spec, "--out", reference, "--seed", "9", "--workers", "2")).ExitCode);
        var shared = TestPaths.NewDirectory();
        using var first = StartCohort(["run", spec, "--out", shared, "--seed", "9", "--workers", "2"]);
        await first.Started.WaitAsync(TimeSpan.FromMinutes(2));

        // When a second writer starts on the same directory while the first runs (run, and resume)
        var second = await Cli.RunAsync("run", spec, "--out", shared, "--seed", "9", "--workers", "2");
        var third = await Cli.RunAsync("resume", shared, "--workers", "2");

        // Then both are refused at once with exit code 2, naming the holder's process...
        Assert.False(first.Process.HasExited, "the first writer should still be running");
        foreach (var refused in new[] { second, third })
        {
            Assert.True(refused.ExitCode == 2, refused.Output + refused.Error);
            Assert.Contains($"process {first.Process.Id} on host {Environment.MachineName}", refused.Error, StringComparison.Ordinal);
        }

        // ...and the first completes with the uninterrupted run's summary
        await first.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, first.Process.ExitCode);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(reference), CohortAppTests.SummaryWithoutTimes(shared));
    }

    /// <summary>A <c>cohort</c> child process; <see cref="Started"/> completes when it reports its first run starting.</summary>
    private sealed record Child(Process Process, Task Started, Task Output) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }

    private static Child StartCohort(string[] args, string startedWhen = "[")
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "cohort.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(startedWhen, StringComparison.Ordinal))
                {
                    started.TrySetResult();
                }
            }

            started.TrySetResult();
        });
        _ = process.StandardError.ReadToEndAsync();
        return new Child(process, started.Task, output);
    }

    /// <summary>
    /// Starts the command in a child process and kills it <paramref name="delay"/> after it reports its first run
    /// starting (process start-up takes a while on a loaded machine; before a run starts there is nothing to kill).
    /// False when the process ended before the kill.
    /// </summary>
    /// <param name="storedIn">
    /// When given, the kill also waits until this table of this database holds a committed row (on a loaded machine the
    /// first group commit can land after <paramref name="delay"/>, and a run killed before it has nothing to resume),
    /// and then <paramref name="thenWait"/>.
    /// </param>
    private static async Task<bool> RunAndKillAsync(
        string[] args,
        TimeSpan delay,
        string startedWhen = "[",
        (string Database, string Table)? storedIn = null,
        TimeSpan thenWait = default)
    {
        using var child = StartCohort(args, startedWhen);
        await child.Started.WaitAsync(TimeSpan.FromMinutes(2));
        if (await ExitsWithinAsync(child, delay))
        {
            return false;
        }

        while (storedIn is { } stored && !HasRow(stored.Database, stored.Table))
        {
            if (await ExitsWithinAsync(child, TimeSpan.FromMilliseconds(20))) // then look for a committed row this often
            {
                return false;
            }
        }

        if (thenWait > TimeSpan.Zero && await ExitsWithinAsync(child, thenWait))
        {
            return false;
        }

        child.Process.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup runs
        await child.Process.WaitForExitAsync();
        return true;
    }

    /// <summary>Whether the child ends within <paramref name="wait"/>.</summary>
    private static async Task<bool> ExitsWithinAsync(Child child, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await child.Process.WaitForExitAsync(timeout.Token);
            await child.Output;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
