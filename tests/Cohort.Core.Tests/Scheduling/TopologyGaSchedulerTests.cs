using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Scheduling;

public sealed class TopologyGaSchedulerTests
{
    private static readonly Objective s_accuracy = new("accuracy", ObjectiveMode.Maximize);

    private static GaOptions Options(int generations = 4, double? target = 0.8) =>
        new() { Mode = GaMode.Topology, ReadyInterval = 50, Generations = generations, Target = target };

    private static TopologyGaScheduler Create(GaOptions? options = null, int population = 8, long cap = 1000, ulong seed = 9) =>
        new(options ?? Options(), Simulation.Space, Simulation.Points(population), s_accuracy, cap, seed);

    /// <summary>Accuracy rises with the individual's steps, faster the nearer lr is to 0.01; it is a function of the task.</summary>
    private static double AccuracyOf(TrainTask t)
    {
        var distance = Math.Abs(Math.Log(t.Hyperparameters.GetNumber("lr")) - Math.Log(0.01));
        return t.EndStep / (t.EndStep + (100.0 * (1 + distance)));
    }

    private static TaskResult Run(TrainTask t) =>
        new(t, TaskOutcome.Completed, new Dictionary<string, double> { ["accuracy"] = AccuracyOf(t) }, Simulation.NoMetrics, new CheckpointRef(Simulation.Hash(t), t.EndStep, 64));

    [Fact]
    public void Should_BeBuiltByTheFactory_When_ModeIsTopology()
    {
        Assert.IsType<TopologyGaScheduler>(SchedulerFactory.Create(Options(), Simulation.Space, s_accuracy, 100, 4, 1));
        Assert.IsType<GaScheduler>(SchedulerFactory.Create(new GaOptions(), Simulation.Space, s_accuracy, 100, 4, 1));
        Assert.Throws<ArgumentException>(() => new GaOptions { Target = 0.9 }.Validate());
        Assert.Throws<ArgumentException>(() => new GaOptions { Mode = GaMode.Topology, Generations = 0 }.Validate());
    }

    [Fact]
    public void Should_StopAnIndividual_When_TheTargetIsMetOnTwoSuccessiveEvaluations()
    {
        var scheduler = Create(Options(generations: 1), population: 2);
        var tasks = new List<TrainTask>();

        var (_, results) = Simulation.Drive(scheduler, t =>
        {
            tasks.Add(t);
            return Run(t);
        });

        foreach (var member in new[] { 0, 1 })
        {
            var own = results.Where(r => r.Task.Member == member).ToArray();
            var values = own.Select(r => r.Validation["accuracy"]).ToArray();
            var at = TimeToTarget.ReachedAt(values, 0.8, ObjectiveMode.Maximize);
            // It trained exactly until the second successive evaluation at or above the target (or the cap).
            Assert.Equal(at is { } i ? i + 1 : 1000 / 50, own.Length);
        }

        Assert.All(tasks, t => Assert.Equal(t.StartStep == 0, t.From is null));
        Assert.True(scheduler.IsFinished);
    }

    [Fact]
    public void Should_TrainChildrenFromScratchWithTwoParentsAndNoWeightsParent_When_AGenerationEnds()
    {
        var scheduler = Create();

        var (events, results) = Simulation.Drive(scheduler, Run);

        var bred = events.OfType<Bred>().ToArray();
        Assert.NotEmpty(bred);
        foreach (var b in bred)
        {
            Assert.Equal(Bred.NoWeightsParent, b.WeightsParent);
            Assert.Null(b.Checkpoint);
            // The child's first task starts from scratch with the bred hyperparameters.
            var first = results.First(r => r.Task.Member == b.Member && r.Task.StartStep == 0 && r.Task.Hyperparameters.Equals(b.After) && r.Task.Generation >= 1);
            Assert.Null(first.Task.From);
        }

        Assert.Equal(8, events.OfType<MemberFinished>().Count());
        Assert.All(events.OfType<MemberFinished>(), f => Assert.Equal(MemberStopReason.Completed, f.Reason));
    }

    [Fact]
    public void Should_ImproveTheBestTimeToTarget_When_GenerationsRun()
    {
        var scheduler = Create(Options(generations: 8), population: 12, seed: 4);

        var (_, results) = Simulation.Drive(scheduler, Run);

        var individuals = TopologyIndividual.FromResults(results, s_accuracy, 0.8, TimeMeasure.Steps);
        var best = TopologyIndividual.Best(individuals, s_accuracy)!;
        var firstGeneration = individuals.Where(i => i.Generation == 0 && i.TimeToTarget is not null).Min(i => i.TimeToTarget!.Value);
        Assert.True(best.TimeToTarget <= firstGeneration);
        Assert.True(individuals.Count > 12, "children were trained");
        // Each individual's time to target is what its own evaluations say.
        Assert.All(individuals.Where(i => i.TimeToTarget is not null), i => Assert.Equal(0, i.TimeToTarget!.Value % 50));
        Assert.All(individuals, i => Assert.Equal(i.Steps, i.Time));
    }

    [Fact]
    public void Should_GiveIdenticalEvents_When_ResultsArriveInAnotherOrder()
    {
        var a = Simulation.Drive(Create(), Run).Events;
        var b = Simulation.Drive(Create(), Run, shuffle: new Rng(17)).Events;

        Assert.Equal(a, b);
    }

    [Fact]
    public void Should_SelectOnTheFinalValue_When_NoIndividualReachesTheTarget()
    {
        var scheduler = Create(Options(generations: 3, target: 0.999), population: 6, cap: 200);

        var (events, results) = Simulation.Drive(scheduler, Run);

        Assert.NotEmpty(events.OfType<Bred>());
        var individuals = TopologyIndividual.FromResults(results, s_accuracy, 0.999, TimeMeasure.Steps);
        Assert.All(individuals, i => Assert.Null(i.TimeToTarget));
        var best = TopologyIndividual.Best(individuals, s_accuracy)!;
        Assert.Equal(individuals.Max(i => i.FinalValue), best.FinalValue);
    }

    [Fact]
    public void Should_RetryThenGiveTheIndividualFitnessZero_When_ItsTaskFails()
    {
        var scheduler = Create(Options(generations: 2), population: 4);

        var (events, _) = Simulation.Drive(scheduler, t => t.Member == 0 && t.Generation == 0 ? Simulation.Fail(t) : Run(t));

        // Member 0's individual failed twice (one retry), so it cannot survive: its slot is bred into.
        Assert.Contains(events.OfType<Bred>(), b => b.Member == 0);
        Assert.True(scheduler.IsFinished);
    }
}
