using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Tests.Scheduling;

namespace Cohort.Core.Tests.Lineage;

public sealed class RunLineageTests
{
    private static readonly HyperparameterSet s_h0 = HyperparameterSet.Empty.With("lr", 0.1);
    private static readonly HyperparameterSet s_h1 = HyperparameterSet.Empty.With("lr", 0.01);
    private static readonly HyperparameterSet s_h1Explored = HyperparameterSet.Empty.With("lr", 0.012);
    private static readonly HyperparameterSet s_h0Explored = HyperparameterSet.Empty.With("lr", 0.0096);

    private static TaskResult R(int member, int ordinal, CheckpointRef? from, HyperparameterSet h, long start, string hash, double loss) =>
        new(
            new TrainTask(member, ordinal, ordinal, from, h, start, 100, 1),
            TaskOutcome.Completed,
            new Dictionary<string, double> { ["loss"] = loss },
            new Dictionary<string, double> { ["loss"] = loss + 1 },
            new CheckpointRef(hash, start + 100, 10));

    /// <summary>Member 1 copies 0 at step 100; then 0 copies 1 at step 200; both train to 300.</summary>
    private static (List<RunEvent> Events, List<TaskResult> Results) HandBuiltLog()
    {
        var a0 = R(0, 0, null, s_h0, 0, "a0", 5);
        var b0 = R(1, 0, null, s_h1, 0, "b0", 9);
        var a1 = R(0, 1, a0.Checkpoint, s_h0, 100, "a1", 4);
        var b1 = R(1, 1, a0.Checkpoint, s_h1Explored, 100, "b1", 3);
        var a2 = R(0, 2, b1.Checkpoint, s_h0Explored, 200, "a2", 1);
        var b2 = R(1, 2, b1.Checkpoint, s_h1Explored, 200, "b2", 2);
        var events = new List<RunEvent>
        {
            new MemberCreated(0, s_h0),
            new MemberCreated(1, s_h1),
            new Exploited(1, 100, 0, a0.Checkpoint!, s_h1, s_h0),
            new Explored(1, 100, s_h0, s_h1Explored, "perturb lr:*1.2"),
            new Exploited(0, 200, 1, b1.Checkpoint!, s_h0, s_h1Explored),
            new Explored(0, 200, s_h1Explored, s_h0Explored, "perturb lr:*0.8"),
            new MemberFinished(0, 300, MemberStopReason.Completed, null),
            new MemberFinished(1, 300, MemberStopReason.Completed, null),
        };
        return (events, [a0, b0, a1, b1, a2, b2]);
    }

    [Fact]
    public void Should_WalkBackThroughDonors_When_MembersCopiedEachOther()
    {
        var (events, results) = HandBuiltLog();

        var lineage = RunLineage.Build(events, results, Simulation.Loss);

        Assert.Equal(
            new[] { new ScheduleSegment(0, s_h0), new ScheduleSegment(100, s_h1Explored), new ScheduleSegment(200, s_h0Explored) },
            lineage.Schedule(0));
        Assert.Equal(
            new[] { new AncestrySegment(0, 0, 100), new AncestrySegment(1, 100, 200), new AncestrySegment(0, 200, 300) },
            lineage.Ancestry(0));
        Assert.Equal(new[] { new ScheduleSegment(0, s_h0), new ScheduleSegment(100, s_h1Explored) }, lineage.Schedule(1));
        Assert.Equal(new[] { new AncestrySegment(0, 0, 100), new AncestrySegment(1, 100, 300) }, lineage.Ancestry(1));
        Assert.Equal(s_h0Explored, lineage.FinalHyperparameters(0));
        Assert.Equal(1, Assert.Single(lineage.Exploits(0)).Donor);
    }

    [Fact]
    public void Should_ReportScoresBestAndTotalSteps_When_Projected()
    {
        var (events, results) = HandBuiltLog();

        var lineage = RunLineage.Build(events, results, Simulation.Loss);

        Assert.Equal(new[] { 100L, 200L, 300L }, lineage.Scores(0).Select(p => p.Step));
        Assert.Equal(new[] { 5.0, 4.0, 1.0 }, lineage.Scores(0).Select(p => p.Value));
        Assert.Equal(-1.0, lineage.Scores(0)[^1].Score);
        Assert.Equal(2.0, lineage.Scores(0)[^1].Test["loss"]);
        Assert.Equal(0, lineage.BestMember());
        Assert.Equal(600, lineage.TotalSteps);
        Assert.Equal(MemberStopReason.Completed, lineage.Finished(1)!.Reason);
    }

    [Fact]
    public void Should_AgreeWithExploitEvents_When_ProjectingASchedulerRun()
    {
        var scheduler = new PbtScheduler(new PbtOptions { ReadyInterval = 25 }, Simulation.Space, Simulation.Points(10), Simulation.Loss, 300, 11);
        var (events, results) = Simulation.Drive(scheduler);
        var log = scheduler.InitialEvents.Concat(events).ToList();

        var lineage = RunLineage.Build(log, results, Simulation.Loss);

        var exploits = events.OfType<Exploited>().ToList();
        Assert.NotEmpty(exploits);
        foreach (var m in lineage.Members)
        {
            var ancestry = lineage.Ancestry(m);
            var schedule = lineage.Schedule(m);
            Assert.Equal(m, ancestry[^1].Member);
            Assert.Equal(0, ancestry[0].FromStep);
            Assert.Equal(300, ancestry[^1].ToStep);
            Assert.Equal(0, schedule[0].Step);
            Assert.Equal(((MemberCreated)log[ancestry[0].Member]).Hyperparameters, schedule[0].Hyperparameters);
            Assert.Equal(lineage.FinalHyperparameters(m), schedule[^1].Hyperparameters);
            Assert.True(schedule.Zip(schedule.Skip(1)).All(x => x.First.Step < x.Second.Step));

            // Every change of member in the ancestry is an exploit in the log: the later member copied the earlier at that step.
            foreach (var (from, to) in ancestry.Zip(ancestry.Skip(1)))
            {
                Assert.Contains(exploits, e => e.Member == to.Member && e.Donor == from.Member && e.Checkpoint.Step == from.ToStep);
            }
        }
    }

    [Fact]
    public void Should_GiveInitialHyperparameters_When_MemberHasNoResult()
    {
        var lineage = RunLineage.Build([new MemberCreated(0, s_h0)], [], Simulation.Loss);

        Assert.Equal(new[] { new ScheduleSegment(0, s_h0) }, lineage.Schedule(0));
        Assert.Empty(lineage.Ancestry(0));
        Assert.Null(lineage.BestMember());
        Assert.Throws<KeyNotFoundException>(() => lineage.FinalHyperparameters(3));
    }

    [Fact]
    public void Should_FollowTheWeightsParent_When_AGaChildStartsFromWeightsOthersAlsoWrote()
    {
        // Members 0 and 2 wrote identical weights (same hash and step); member 1's slot is bred with weights parent 2.
        var h2 = HyperparameterSet.Empty.With("lr", 0.05);
        var child = HyperparameterSet.Empty.With("lr", 0.07);
        var a0 = R(0, 0, null, s_h0, 0, "same", 5);
        var b0 = R(1, 0, null, s_h1, 0, "b0", 9);
        var c0 = R(2, 0, null, h2, 0, "same", 5);
        var b1 = R(1, 1, c0.Checkpoint, child, 100, "b1", 3);
        var events = new List<RunEvent>
        {
            new MemberCreated(0, s_h0),
            new MemberCreated(1, s_h1),
            new MemberCreated(2, h2),
            new Bred(1, 100, 0, 2, 2, c0.Checkpoint!, s_h1, child, "crossover:lr"),
        };

        var lineage = RunLineage.Build(events, [a0, b0, c0, b1], Simulation.Loss);

        Assert.Equal(new[] { new ScheduleSegment(0, h2), new ScheduleSegment(100, child) }, lineage.Schedule(1));
        Assert.Equal(new[] { new AncestrySegment(2, 0, 100), new AncestrySegment(1, 100, 200) }, lineage.Ancestry(1));
        Assert.Equal(2, Assert.Single(lineage.Breedings(1)).WeightsParent);
    }

    [Fact]
    public void Should_WalkThroughEvaluatorIntoParent_When_TargetCopiedEvaluatorWeights()
    {
        // FIRE: parent 1 (P2) trains 0..200 with lr 0.1; evaluator 2 copies it at 200 and trains 200..300 with the
        // target's lr 0.01; target 0 (P1) copies the evaluator's weights at 300 and trains on with its own lr 0.012.
        var p0 = R(1, 0, null, s_h0, 0, "p0", 6);
        var p1 = R(1, 1, p0.Checkpoint, s_h0, 100, "p1", 5);
        var e0 = R(2, 0, p1.Checkpoint, s_h1, 200, "e0", 0.5);
        var t0 = R(0, 0, null, s_h1, 0, "t0", 4);
        var t1 = R(0, 1, t0.Checkpoint, s_h1, 100, "t1", 3);
        var t2 = R(0, 2, t1.Checkpoint, s_h1, 200, "t2", 2.5);
        var t3 = R(0, 3, e0.Checkpoint, s_h1Explored, 300, "t3", 1);
        var events = new List<RunEvent>
        {
            new SubPopulationJoined(0, 0, 1),
            new SubPopulationJoined(1, 0, 2),
            new SubPopulationJoined(2, 0, SubPopulationJoined.EvaluatorSet),
            new EvaluatorStarted(2, 200, 1, 0, p1.Checkpoint!, s_h1),
            new EvaluatorSucceeded(0, 300, 2, 1, e0.Checkpoint!, s_h1Explored, 0.5, 0.001),
            new EvaluatorStopped(2, 300, 1, 0, "success"),
        };
        var lineage = RunLineage.Build(events, [p0, t0, p1, t1, e0, t2, t3], Simulation.Loss);

        Assert.Equal(
            new[] { new ScheduleSegment(0, s_h0), new ScheduleSegment(200, s_h1), new ScheduleSegment(300, s_h1Explored) },
            lineage.Schedule(0));
        Assert.Equal(
            new[] { new AncestrySegment(1, 0, 200), new AncestrySegment(2, 200, 300), new AncestrySegment(0, 300, 400) },
            lineage.Ancestry(0));
        Assert.Equal(1, lineage.SubPopulation(0));
        Assert.Equal(2, lineage.SubPopulation(1));
        Assert.True(lineage.IsEvaluator(2));
        Assert.False(lineage.IsEvaluator(0));
        Assert.Single(lineage.EvaluatorSuccesses(0));
        Assert.Equal(1, lineage.EvaluatorAssignments(2).Single().Parent);

        // The evaluator's own score (0.5) is the lowest loss, but an evaluator is not a member of the population.
        Assert.Equal(0, lineage.BestMember());
    }

    [Fact]
    public void Should_ProjectEveryMember_When_ProjectingAFireSchedulerRun()
    {
        var scheduler = new FireScheduler(
            new FireOptions { ReadyInterval = 40, EvalInterval = 10, Evaluators = 3 },
            Simulation.Space,
            Simulation.Points(8),
            Simulation.Loss,
            400,
            5);
        var (events, results) = Simulation.Drive(scheduler);
        var lineage = RunLineage.Build(events, results, Simulation.Loss);

        Assert.Equal(Enumerable.Range(0, 11), lineage.Members);
        var best = lineage.BestMember();
        Assert.NotNull(best);
        Assert.True(best < 8);
        foreach (var m in Enumerable.Range(0, 8))
        {
            var schedule = lineage.Schedule(m);
            Assert.Equal(0, schedule[0].Step);
            Assert.Equal(lineage.FinalHyperparameters(m), schedule[^1].Hyperparameters);
            Assert.Equal(400, lineage.Ancestry(m)[^1].ToStep);
        }

        Assert.Equal(Enumerable.Range(8, 3), Enumerable.Range(0, 11).Where(lineage.IsEvaluator));
    }
}

