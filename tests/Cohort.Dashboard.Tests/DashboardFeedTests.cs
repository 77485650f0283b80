using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Storage.Sqlite;

namespace Cohort.Dashboard.Tests;

public sealed class DashboardFeedTests
{
    [Fact]
    public async Task PollAsync_Should_ReadOnlyRowsStoredSinceTheLastPoll_When_ARunIsWritten()
    {
        // Given a run being written (the writer's store stays open) and a feed following it read-only
        await using var experiment = await TestExperiment.CreateAsync();
        await experiment.AppendGenerationAsync();
        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);

        // When it polls, polls again with nothing new, then after a generation with an exploit
        var first = await feed.PollAsync(CancellationToken.None);
        var idle = await feed.PollAsync(CancellationToken.None);
        await experiment.AppendGenerationAsync();
        await experiment.AppendGenerationAsync();
        var next = await feed.PollAsync(CancellationToken.None);

        // Then each row is read once: 4 results; nothing; 8 results and the exploit event
        Assert.Equal(TestExperiment.Population, first);
        Assert.Equal(0, idle);
        Assert.Equal((2 * TestExperiment.Population) + 1, next);
        var data = feed.RunData(Path.GetFileName(experiment.Directory), TestExperiment.Run);
        Assert.NotNull(data);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), data.Evaluations.Select(e => e.Id));
        Assert.Equal(0.001, (double)data.Evaluations[0].Hyperparameters["lr"], 12);
    }

    [Fact]
    public async Task RunData_Should_ReadValuesOutcomesAndHyperparameters_When_TheyAreNotPlainNumbers()
    {
        // Given a generation, then a diverged result (loss NaN, a category and an infinite number among its
        // hyperparameters), a failed one without metrics, and member 0 again with its hyperparameters unchanged
        await using var experiment = await TestExperiment.CreateAsync();
        await experiment.AppendGenerationAsync();
        var odd = HyperparameterSet.From([new("lr", HyperValue.Of(double.PositiveInfinity)), new("opt", HyperValue.Of("adam \"<b>\""))]);
        var plain = HyperparameterSet.From([new("lr", HyperValue.Of(0.001))]);
        TaskResult Result(int member, int ordinal, TaskOutcome outcome, HyperparameterSet hyperparameters, double? loss) => new(
            new TrainTask(member, ordinal, ordinal, null, hyperparameters, ordinal * 20L, 20, 7),
            outcome,
            loss is { } l ? new Dictionary<string, double> { ["loss"] = l } : new Dictionary<string, double>(),
            new Dictionary<string, double>(),
            outcome == TaskOutcome.Failed ? null : new CheckpointRef(new string('b', 64), (ordinal + 1) * 20L, 64));
        Assert.True(await experiment.Store.AppendAsync(TestExperiment.Run, Result(1, 1, TaskOutcome.Diverged, odd, double.NaN), [], CancellationToken.None));
        Assert.True(await experiment.Store.AppendAsync(TestExperiment.Run, Result(2, 1, TaskOutcome.Failed, plain, null), [], CancellationToken.None));
        Assert.True(await experiment.Store.AppendAsync(TestExperiment.Run, Result(0, 1, TaskOutcome.Completed, plain, 0.125), [], CancellationToken.None));
        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);

        // When
        await feed.PollAsync(CancellationToken.None);
        var data = feed.RunData(Path.GetFileName(experiment.Directory), TestExperiment.Run);

        // Then the values, outcomes and hyperparameters are the stored ones; member 0's two rows share one parsed set
        Assert.NotNull(data);
        var (diverged, failed, again) = (data.Evaluations[4], data.Evaluations[5], data.Evaluations[6]);
        Assert.Equal((1, "diverged", (double?)null, 40L), (diverged.Member, diverged.Outcome, diverged.Value, diverged.Step));
        Assert.Equal(double.PositiveInfinity, (double)diverged.Hyperparameters["lr"]);
        Assert.Equal("adam \"<b>\"", diverged.Hyperparameters["opt"]);
        Assert.Equal((2, "failed", (double?)null), (failed.Member, failed.Outcome, failed.Value));
        Assert.Equal((0, "completed", (double?)0.125), (again.Member, again.Outcome, again.Value));
        Assert.Same(data.Evaluations[0].Hyperparameters, again.Hyperparameters);
        var run = Assert.Single(feed.Experiments()).Runs[0];
        Assert.Equal((0.125, 0), (run.Best!.Value, run.BestMember!.Value));
    }

    [Fact]
    public async Task LineageAsync_Should_ReadRowsStoredSinceTheLastRequest_When_TheRunGoesOn()
    {
        // Given a lineage asked for after two generations
        await using var experiment = await TestExperiment.CreateAsync();
        await experiment.AppendGenerationAsync();
        await experiment.AppendGenerationAsync();
        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);
        var key = Path.GetFileName(experiment.Directory);
        await feed.PollAsync(CancellationToken.None);
        var before = await feed.LineageAsync(key, TestExperiment.Run, 3, CancellationToken.None);

        // When two more generations (with member 3's exploit) are stored, read, and it is asked for again
        await experiment.AppendGenerationAsync();
        await experiment.AppendGenerationAsync();
        await feed.PollAsync(CancellationToken.None);
        var after = await feed.LineageAsync(key, TestExperiment.Run, 3, CancellationToken.None);

        // Then the first shows its own two tasks, the second the exploit and all four checkpoints
        Assert.NotNull(before);
        Assert.Empty(before.Exploits);
        Assert.Equal([(3, 0L, 20L), (3, 20L, 40L)], before.Checkpoints.Select(c => (c.Member, c.Start, c.Step)));
        Assert.NotNull(after);
        Assert.Equal(0, Assert.Single(after.Exploits).Donor);
        Assert.Equal([(0, 0L, 20L), (0, 20L, 40L), (3, 40L, 60L), (3, 60L, 80L)], after.Checkpoints.Select(c => (c.Member, c.Start, c.Step)));
    }

    [Fact]
    public async Task Experiments_Should_ShowProgressBestAndPendingRuns_When_ARunIsHalfway()
    {
        // Given 2 of the pbt run's 10 generations stored, and a grid run not started
        await using var experiment = await TestExperiment.CreateAsync("progress <b>test</b>");
        await experiment.AppendGenerationAsync();
        await experiment.AppendGenerationAsync();
        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);

        // When
        await feed.PollAsync(CancellationToken.None);
        var view = Assert.Single(feed.Experiments());

        // Then: the spec's name, objective and runs; 4 members x 40 of 4 x 200 steps; best loss 0.5 by member 0
        Assert.Equal("progress <b>test</b>", view.Title);
        Assert.Equal(("loss", "minimize", 200L), (view.Metric, view.Mode, view.Steps));
        Assert.Equal(["lr"], view.Hyperparameters);
        Assert.Equal(["lr"], view.LogScale);
        var pbt = view.Runs[0];
        Assert.Equal(("pbt", "running", 160L, 800L, 0.5, 0), (pbt.Name, pbt.Status, pbt.StepsDone, pbt.StepsTotal, pbt.Best!.Value, pbt.BestMember!.Value));
        Assert.Equal(("grid", "pending", 0L), (view.Runs[1].Name, view.Runs[1].Status, view.Runs[1].StepsDone));
    }

    [Fact]
    public async Task Subscribe_Should_ReceiveOnlyNewEvaluations_When_TheFeedReadsThem()
    {
        // Given a subscriber that joined after the first generation was read
        await using var experiment = await TestExperiment.CreateAsync();
        await experiment.AppendGenerationAsync();
        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);
        await feed.PollAsync(CancellationToken.None);
        var reader = feed.Subscribe();

        // When a generation is stored and read
        await experiment.AppendGenerationAsync();
        await feed.PollAsync(CancellationToken.None);

        // Then it receives that generation's 4 evaluations and nothing else; unsubscribing closes the stream's slot
        Assert.True(reader.TryRead(out var batch));
        Assert.Equal([5L, 6L, 7L, 8L], batch.Evaluations.Select(e => e.Id));
        Assert.All(batch.Evaluations, e => Assert.Equal(40, e.Step));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(1, feed.Subscribers);
        feed.Unsubscribe(reader);
        Assert.Equal(0, feed.Subscribers);
    }

    [Fact]
    public async Task Lineage_Should_ShowTheExploitDonorAndWeightsHash_When_AMemberExploited()
    {
        // Given member 3 exploited member 0 at step 40
        await using var experiment = await TestExperiment.CreateAsync();
        for (var g = 0; g < 4; g++)
        {
            await experiment.AppendGenerationAsync();
        }

        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);
        await feed.PollAsync(CancellationToken.None);

        // When
        var key = Path.GetFileName(experiment.Directory);
        var lineage = await feed.LineageAsync(key, TestExperiment.Run, 3, CancellationToken.None);
        var best = await feed.BestLineageAsync(key, TestExperiment.Run, CancellationToken.None);

        // Then its weights are member 0's up to step 40, then its own; the exploit names the donor and the hash
        Assert.NotNull(lineage);
        var exploit = Assert.Single(lineage.Exploits);
        Assert.Equal((40L, 0, experiment.ExploitHash), (exploit.Step, exploit.Donor, exploit.Hash));
        Assert.Equal([(0, 0L, 40L), (3, 40L, 80L)], lineage.Ancestry.Select(a => (a.Member, a.FromStep, a.ToStep)));

        // And every checkpoint on the way to its final weights is listed: member 0's two tasks, then its own two
        Assert.Equal([(0, 0L, 20L), (0, 20L, 40L), (3, 40L, 60L), (3, 60L, 80L)], lineage.Checkpoints.Select(c => (c.Member, c.Start, c.Step)));
        Assert.Equal(experiment.ExploitHash, lineage.Checkpoints[1].Hash);
        Assert.Null(lineage.Family);

        // And the exploit is a decision the stream sends, with donor and hash
        var decision = Assert.Single(feed.DecisionsAfter(key, 0));
        Assert.Equal(("exploit", 3, 40L, (int?)0, experiment.ExploitHash), (decision.Kind, decision.Member, decision.Step, decision.From, decision.Hash));

        // And the best final weights are member 0's (loss 0.25 at step 80), trained with one set of hyperparameters
        Assert.NotNull(best);
        Assert.Equal((0, 0.25), (best.Member, best.Value!.Value));
        Assert.Equal(0L, Assert.Single(best.Schedule).Step);
        Assert.Null(await feed.LineageAsync(Path.GetFileName(experiment.Directory), TestExperiment.Run, 9, CancellationToken.None));
        Assert.Null(await feed.LineageAsync("no-such-experiment", TestExperiment.Run, 3, CancellationToken.None));
    }

    [Fact]
    public async Task Decisions_Should_CarryFireEvaluatorsAndGaParents_When_RunsOfThoseMethodsAreStored()
    {
        // Given finished grid, PBT, GA and FIRE runs trained for real on the toy problem
        await using var experiment = await MethodsExperiment.CreateAsync();
        await using var store = DashboardStore.OpenDirectory(experiment.Directory);
        using var feed = new DashboardFeed(store, TimeProvider.System);

        // When the feed reads them
        await feed.PollAsync(CancellationToken.None);
        var decisions = feed.DecisionsAfter(experiment.Name, 0);

        // Then FIRE's sub-populations name its evaluators, which start from a parent's weights for a target
        var fire = decisions.Where(d => d.Run == "fire").ToArray();
        var joined = fire.Where(d => d.Kind == "sub-population").ToArray();
        Assert.Equal(MethodsExperiment.FireWorkers, joined.Length);
        Assert.Equal(MethodsExperiment.FireEvaluators, joined.Count(d => d.SubPopulation == 0));
        var evaluators = joined.Where(d => d.SubPopulation == 0).Select(d => d.Member).ToHashSet();
        var started = fire.Where(d => d.Kind == "evaluator-started").ToArray();
        Assert.NotEmpty(started);
        Assert.All(started, d => Assert.True(evaluators.Contains(d.Member) && d.From == d.Parent && d.Target is not null && d.Hash is { Length: > 0 }, $"{d}"));

        // And each GA child names its two hyperparameter parents and its weights parent; its family tree comes with its lineage
        var bred = decisions.Where(d => d.Run == "ga" && d.Kind == "bred").ToArray();
        Assert.NotEmpty(bred);
        Assert.All(bred, d => Assert.True(d.ParentA is >= 0 and < MethodsExperiment.Population && d.ParentB is >= 0 and < MethodsExperiment.Population && d.From is >= 0 && d.Hash is { Length: > 0 }, $"{d}"));
        var child = bred[^1].Member;
        var family = (await feed.LineageAsync(experiment.Name, "ga", child, CancellationToken.None))?.Family;
        Assert.NotNull(family);
        Assert.Equal((child, 0, false), (family.Nodes[0].Member, family.Nodes[0].Depth, family.Nodes[0].Founder));
        Assert.Contains(family.Edges, e => e.Child == 0 && e.Role == "weights" && family.Nodes[e.Parent].Member == bred[^1].From);
        Assert.Contains(family.Edges, e => e.Child == 0 && e.Role == "a" && family.Nodes[e.Parent].Member == bred[^1].ParentA);

        // And the grid decides nothing; the best FIRE member is never an evaluator
        Assert.DoesNotContain(decisions, d => d.Run == "grid");
        var best = await feed.BestLineageAsync(experiment.Name, "fire", CancellationToken.None);
        Assert.NotNull(best);
        Assert.DoesNotContain(best.Member, evaluators);
    }

    [Fact]
    public void OpenDirectory_Should_FailNamingTheDirectory_When_ItHoldsNoExperiment()
    {
        var empty = Directory.CreateTempSubdirectory("cohort-dashboard-empty").FullName;
        try
        {
            var ex = Assert.Throws<DirectoryNotFoundException>(() => DashboardStore.OpenDirectory(empty));
            Assert.Contains(empty, ex.Message, StringComparison.Ordinal);
            Assert.Contains(SqliteExperimentStore.DefaultFileName, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public async Task OpenPostgres_Should_MaskThePassword_When_ShowingTheSource()
    {
        // The source is shown on the page: the password must never be in it. Opening a data source connects nowhere.
        await using var store = DashboardStore.OpenPostgres("postgresql://cohort:hunter2@127.0.0.1:5999/cohort");
        Assert.DoesNotContain("hunter2", store.Display, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", store.Display, StringComparison.Ordinal);
    }
}
