using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Stopping;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Cohort.Core.Strategies;
using Cohort.Core.Tests.Scheduling;

namespace Cohort.Core.Tests.Stopping;

/// <summary>How each scheduler handles a member a stop condition declares done (StopConditions' documented rules).</summary>
public sealed class StopSchedulerTests
{
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>();

    /// <summary>Member 0's loss is low from its second task on (it meets a threshold of 0.05); the others follow the simulation.</summary>
    private static TaskResult Run(TrainTask t) =>
        t.Member == 0 && t.EndStep > 10 ? Simulation.Complete(t, 0.01) : Simulation.Complete(t, Simulation.LossOf(t) + 1);

    private static MemberFinished Finished(IEnumerable<RunEvent> events, int member) =>
        events.OfType<MemberFinished>().Single(e => e.Member == member);

    [Fact]
    public void Grid_Should_FinishAMemberEarly_When_AConditionHolds()
    {
        var options = new GridOptions { ReadyInterval = 10, Stop = new StopConditions(MetricThreshold.Below("loss", 0.05)) };
        var scheduler = new GridScheduler(options, Simulation.Space, Simulation.Loss, 50, 1, Simulation.Points(4));

        var (events, results) = Simulation.Drive(scheduler, Run);

        var stopped = Finished(events, 0);
        Assert.Equal(MemberStopReason.Threshold, stopped.Reason);
        Assert.Equal(20, stopped.Step);
        Assert.Equal("loss = 0.01 ≤ 0.05 at step 20", stopped.Message);
        Assert.Equal(2, results.Count(r => r.Task.Member == 0));
        Assert.Equal(MemberStatus.Stopped, scheduler.Members[0].Status);
        Assert.All(Enumerable.Range(1, 3), m => Assert.Equal(MemberStopReason.Completed, Finished(events, m).Reason));
    }

    [Fact]
    public void Random_Should_EndTasksAtTheStepLimit_When_ItIsNotAMultipleOfTheReadyInterval()
    {
        var options = new RandomOptions { ReadyInterval = 10, Stop = new StopConditions(new StepLimit(25)) };
        var scheduler = new RandomScheduler(options, Simulation.Space, Simulation.Loss, 50, 3, 1);

        var (events, results) = Simulation.Drive(scheduler);

        Assert.All(results.GroupBy(r => r.Task.Member), g => Assert.Equal(new[] { 10, 10, 5 }, g.Select(r => r.Task.Steps)));
        Assert.All(events.OfType<MemberFinished>(), e => Assert.Equal((MemberStopReason.StepLimit, 25L), (e.Reason, e.Step)));
    }

    [Fact]
    public void Grid_Should_StopAMember_When_TheTrainableReportsDone()
    {
        var scheduler = new GridScheduler(new GridOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Loss, 50, 1, Simulation.Points(2));

        var (events, _) = Simulation.Drive(scheduler, t => t.Member == 1 && t.EndStep == 30
            ? new TaskResult(t, TaskOutcome.Completed, new Dictionary<string, double> { ["loss"] = 1, [StopConditions.DoneMetric] = 1 }, NoMetrics, new CheckpointRef(Simulation.Hash(t), t.EndStep, 8))
            : Simulation.Complete(t));

        Assert.Equal((MemberStopReason.TrainableDone, 30L), (Finished(events, 1).Reason, Finished(events, 1).Step));
        Assert.Equal(MemberStopReason.Completed, Finished(events, 0).Reason);
    }

    [Theory]
    [InlineData(PbtMode.Synchronous, false)]
    [InlineData(PbtMode.Synchronous, true)]
    [InlineData(PbtMode.Asynchronous, false)]
    [InlineData(PbtMode.Asynchronous, true)]
    public void Pbt_Should_TakeNoMoreTasksFromAStoppedMember_And_KeepItAsADonorOnlyWhenAsked(PbtMode mode, bool donors)
    {
        var options = new PbtOptions
        {
            Mode = mode,
            ReadyInterval = 10,
            Exploit = new TruncationSelection(0.25),
            Stop = new StopConditions(MetricThreshold.Below("loss", 0.05)) { StoppedDonors = donors },
        };
        var scheduler = new PbtScheduler(options, Simulation.Space, Simulation.Points(8), Simulation.Loss, 100, 7);

        var (events, results) = Simulation.Drive(scheduler, Run);

        var stopped = Finished(events, 0);
        Assert.Equal((MemberStopReason.Threshold, 20L), (stopped.Reason, stopped.Step));
        Assert.DoesNotContain(results, r => r.Task.Member == 0 && r.Task.StartStep >= 20);
        Assert.DoesNotContain(events.OfType<Exploited>(), e => e.Member == 0 && events.IndexOf(e) > events.IndexOf(stopped));
        var copiedFromStopped = events.OfType<Exploited>().Where(e => e.Donor == 0 && events.IndexOf(e) > events.IndexOf(stopped)).ToArray();
        if (donors)
        {
            // The stopped member has the best score: the bottom quarter copies it, from its step 20 checkpoint, each at most once.
            Assert.NotEmpty(copiedFromStopped);
            Assert.All(copiedFromStopped, e => Assert.Equal(20, e.Checkpoint.Step));
            Assert.Equal(copiedFromStopped.Length, copiedFromStopped.Select(e => e.Member).Distinct().Count());
        }
        else
        {
            Assert.Empty(copiedFromStopped);
        }

        Assert.All(Enumerable.Range(1, 7), m => Assert.Equal(MemberStopReason.Completed, Finished(events, m).Reason));
    }

    [Fact]
    public void Pbt_Should_RefuseStoppedDonors_When_ExploitsCopyWeightsOnly()
    {
        var options = new PbtOptions { CopyOptimizerState = false, Stop = new StopConditions() { StoppedDonors = true } };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("StoppedDonors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pb2_Should_HandleStoppedMembersAsPbtDoes()
    {
        var options = new Pb2Options { ReadyInterval = 10, Stop = new StopConditions(new Plateau(1, 0.1)) };
        var scheduler = new Pb2Scheduler(options, Simulation.Space, Simulation.Points(4), Simulation.Loss, 60, 3);

        // Member 2's loss never improves; the others' improves with every task.
        var (events, results) = Simulation.Drive(scheduler, t => Simulation.Complete(t, t.Member == 2 ? 5 : 100.0 / t.EndStep));

        var stopped = Finished(events, 2);
        Assert.Equal((MemberStopReason.Plateau, 20L), (stopped.Reason, stopped.Step));
        Assert.Equal(2, results.Count(r => r.Task.Member == 2));
        Assert.Equal(3, events.OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Completed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ga_Should_NotRefillAStoppedSlot_And_BreedFromItOnlyWhenAsked(bool donors)
    {
        var options = new GaOptions { ReadyInterval = 10, Stop = new StopConditions(MetricThreshold.Below("loss", 0.05)) { StoppedDonors = donors } };
        var scheduler = new GaScheduler(options, Simulation.Space, Simulation.Points(8), Simulation.Loss, 100, 5);

        var (events, results) = Simulation.Drive(scheduler, Run);

        var stopped = Finished(events, 0);
        Assert.Equal(MemberStopReason.Threshold, stopped.Reason);
        Assert.DoesNotContain(results, r => r.Task.Member == 0 && r.Task.StartStep >= 20);
        var after = events.Skip(events.IndexOf(stopped) + 1).OfType<Bred>().ToArray();
        Assert.NotEmpty(after);
        Assert.DoesNotContain(after, b => b.Member == 0);
        var fromStopped = after.Where(b => b.WeightsParent == 0 || b.HyperparameterParentA == 0 || b.HyperparameterParentB == 0).ToArray();
        Assert.DoesNotContain(after, b => b.WeightsParent == 0);
        if (donors)
        {
            Assert.NotEmpty(fromStopped);
        }
        else
        {
            Assert.Empty(fromStopped);
        }
    }

    [Fact]
    public void TopologyGa_Should_EndAnIndividualAtTheCondition_And_GoOn()
    {
        var options = new GaOptions { Mode = GaMode.Topology, Generations = 3, ReadyInterval = 10, Stop = new StopConditions(new StepLimit(20)) };
        var scheduler = new TopologyGaScheduler(options, Simulation.Space, Simulation.Points(4), Simulation.Loss, 50, 5);

        var (events, results) = Simulation.Drive(scheduler);

        Assert.All(results, r => Assert.True(r.Task.EndStep <= 20));
        Assert.NotEmpty(events.OfType<Bred>());
        Assert.All(events.OfType<MemberFinished>(), e => Assert.Equal(MemberStopReason.Completed, e.Reason));
        Assert.Equal(4, events.OfType<MemberFinished>().Count());
    }

    [Fact]
    public void Fire_Should_StopAMember_And_MakeItNoDonorEvaluatorParentOrTarget()
    {
        var options = new FireOptions
        {
            SubPopulations = 2,
            ReadyInterval = 20,
            EvalInterval = 10,
            Stop = new StopConditions(MetricThreshold.Below("loss", 0.05)),
        };
        var scheduler = (FireScheduler)SchedulerFactory.Create(options, Simulation.Space, Simulation.Loss, 100, 10, 2);

        var (events, results) = Simulation.Drive(scheduler, Run);

        var stopped = Finished(events, 0);
        Assert.Equal((MemberStopReason.Threshold, 20L), (stopped.Reason, stopped.Step));
        Assert.DoesNotContain(results, r => r.Task.Member == 0 && r.Task.StartStep >= 20);
        var later = events.Skip(events.IndexOf(stopped) + 1).ToArray();
        Assert.DoesNotContain(later.OfType<Exploited>(), e => e.Donor == 0 || e.Member == 0);
        Assert.DoesNotContain(later.OfType<EvaluatorStarted>(), e => e.Parent == 0 || e.Target == 0);
        foreach (var started in events.OfType<EvaluatorStarted>().Where(e => e.Target == 0 && events.IndexOf(e) < events.IndexOf(stopped)))
        {
            Assert.Contains(events.OfType<EvaluatorStopped>(), e => e.Member == started.Member && e.Step <= 20);
        }

        Assert.All(Enumerable.Range(1, (scheduler.SubPopulationSize * 2) - 1), m => Assert.Equal(MemberStopReason.Completed, Finished(events, m).Reason));
        Assert.Throws<ArgumentException>(() => new FireOptions { Stop = new StopConditions() { StoppedDonors = true } }.Validate());
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("pbt")]
    [InlineData("pbt-async")]
    [InlineData("ga")]
    [InlineData("fire")]
    public void Replay_Should_TakeTheSameStopDecisions_When_StoredResultsAreToldToAFreshScheduler(string method)
    {
        // Given a run whose members stop on every kind of condition, its results and events stored as JSON
        var stop = new StopConditions(MetricThreshold.Below("loss", 0.05), new Plateau(2, 0.2), new TimeLimit(0.5), new StepLimit(80))
        {
            StoppedDonors = method is "pbt" or "pbt-async" or "ga",
        };
        IPopulationScheduler Create() => method switch
        {
            "grid" => new GridScheduler(new GridOptions { ReadyInterval = 10, Stop = stop }, Simulation.Space, Simulation.Loss, 100, 9, Simulation.Points(6)),
            "pbt" => new PbtScheduler(new PbtOptions { ReadyInterval = 10, Stop = stop }, Simulation.Space, Simulation.Points(6), Simulation.Loss, 100, 9),
            "pbt-async" => new PbtScheduler(new PbtOptions { ReadyInterval = 10, Mode = PbtMode.Asynchronous, Stop = stop }, Simulation.Space, Simulation.Points(6), Simulation.Loss, 100, 9),
            "ga" => new GaScheduler(new GaOptions { ReadyInterval = 10, Stop = stop }, Simulation.Space, Simulation.Points(6), Simulation.Loss, 100, 9),
            _ => SchedulerFactory.Create(new FireOptions { SubPopulations = 2, ReadyInterval = 20, EvalInterval = 10, Stop = stop }, Simulation.Space, Simulation.Loss, 100, 8, 9),
        };

        // Seconds are a metric the results record (member 3 trains slowly); member 1 plateaus; member 0 meets the threshold.
        static TaskResult Timed(TrainTask t)
        {
            var loss = t.Member switch
            {
                0 => t.EndStep >= 30 ? 0.01 : 1,
                1 => 2.0,
                _ => Simulation.LossOf(t) + 0.5,
            };
            var metrics = new Dictionary<string, double> { ["loss"] = loss, [TimeToTarget.SecondsMetric] = t.Member == 3 ? 0.2 : 0.01 * new Rng(t.Seed).NextDouble() };
            return new TaskResult(t, TaskOutcome.Completed, metrics, NoMetrics, new CheckpointRef(Simulation.Hash(t), t.EndStep, 8));
        }

        var first = Create();
        var (events, results) = Simulation.Drive(first, Timed);
        var storedResults = results.Select(r => CohortJson.DeserializeTaskResult(CohortJson.Serialize(r))).ToArray();
        var storedEvents = events.Select(e => CohortJson.DeserializeEvent(CohortJson.Serialize(e))).ToArray();

        // When a fresh scheduler is told the stored results in their stored order
        var replayed = new List<RunEvent>();
        var fresh = Create();
        foreach (var result in storedResults)
        {
            replayed.AddRange(fresh.Tell(result));
        }

        // Then it takes exactly the logged decisions, stop reasons and messages included
        Assert.Equal(storedEvents, replayed);
        Assert.True(fresh.IsFinished);
        var reasons = events.OfType<MemberFinished>().Select(e => e.Reason).ToHashSet();
        Assert.Contains(MemberStopReason.Threshold, reasons);
        Assert.Contains(MemberStopReason.Plateau, reasons);
        Assert.Contains(MemberStopReason.TimeLimit, reasons);
    }
}
