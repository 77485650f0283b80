using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Tests.Scheduling;

public sealed class GridSchedulerTests
{
    [Fact]
    public void Should_TrainEveryGridPointToBudgetInReadySizedTasks_When_Run()
    {
        var scheduler = new GridScheduler(new GridOptions { ReadyInterval = 50 }, Simulation.Space, Simulation.Loss, 120, 1);

        var (events, results) = Simulation.Drive(scheduler);

        Assert.Equal(36, scheduler.Population);
        Assert.Equal(36 * 3, results.Count);
        Assert.All(results.GroupBy(r => r.Task.Member), g =>
        {
            Assert.Equal(new[] { 50, 50, 20 }, g.Select(r => r.Task.Steps));
            Assert.Equal(new[] { 0L, 50L, 100L }, g.Select(r => r.Task.StartStep));
            Assert.Single(g.Select(r => r.Task.Hyperparameters).Distinct());
            Assert.All(g.Skip(1).Zip(g), x => Assert.Equal(x.Second.Checkpoint, x.First.Task.From));
        });
        Assert.Empty(events.OfType<Exploited>());
        Assert.Empty(events.OfType<Explored>());
        Assert.Equal(36, events.OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Completed && e.Step == 120));
        Assert.Equal(Simulation.Space.Grid(), scheduler.InitialEvents.Cast<MemberCreated>().Select(e => e.Hyperparameters));
    }

    [Fact]
    public void Should_FinishDivergedAndFailedMembers_When_ResultsSaySo()
    {
        var scheduler = new GridScheduler(new GridOptions { ReadyInterval = 10, MaxTaskRetries = 0 }, Simulation.Space, Simulation.Loss, 30, 1);

        var (events, _) = Simulation.Drive(scheduler, run: t => t.Member switch
        {
            0 when t.Generation == 1 => Simulation.Diverge(t),
            1 => Simulation.Fail(t),
            2 => Simulation.Complete(t, double.PositiveInfinity),
            _ => Simulation.Complete(t),
        });

        var finished = events.OfType<MemberFinished>().ToDictionary(e => e.Member);
        Assert.Equal(MemberStopReason.Diverged, finished[0].Reason);
        Assert.Equal(20, finished[0].Step);
        Assert.Equal(MemberStopReason.Failed, finished[1].Reason);
        Assert.Equal(MemberStopReason.Diverged, finished[2].Reason);
        Assert.Equal(MemberStopReason.Completed, finished[3].Reason);
        Assert.Equal(36, finished.Count);
    }
}

public sealed class RandomSchedulerTests
{
    [Fact]
    public void Should_SampleSamePointsAsPbtRandomInit_When_SameSeed()
    {
        var random = new RandomScheduler(new RandomOptions(), Simulation.Space, Simulation.Loss, 100, 5, 42);
        var pbt = (PbtScheduler)SchedulerFactory.Create(new PbtOptions(), Simulation.Space, Simulation.Loss, 100, 5, 42);

        Assert.Equal(pbt.InitialEvents, random.InitialEvents);
        Assert.Equal(5, random.Pending.Count);
        Assert.Equal("random", random.Method);
    }
}

public sealed class SchedulerFactoryTests
{
    [Fact]
    public void Should_BuildEachMethod_When_OptionsGiven()
    {
        Assert.IsType<PbtScheduler>(SchedulerFactory.Create(new PbtOptions { Initialization = InitializationKind.SubsampledGrid }, Simulation.Space, Simulation.Loss, 100, 12, 1));
        Assert.IsType<GridScheduler>(SchedulerFactory.Create(new GridOptions(), Simulation.Space, Simulation.Loss, 100, 36, 1));
        Assert.IsType<GridScheduler>(SchedulerFactory.Create(new GridOptions(), Simulation.Space, Simulation.Loss, 100, 0, 1));
        Assert.IsType<RandomScheduler>(SchedulerFactory.Create(new RandomOptions(), Simulation.Space, Simulation.Loss, 100, 3, 1));
    }

    [Fact]
    public void Should_StartPbtAndGridFromSamePoints_When_SubsampledGrid()
    {
        var pbt = SchedulerFactory.Create(new PbtOptions { Initialization = InitializationKind.SubsampledGrid }, Simulation.Space, Simulation.Loss, 100, 12, 1);
        var grid = SchedulerFactory.Create(new GridOptions(), Simulation.Space, Simulation.Loss, 100, 36, 1);

        var gridPoints = grid.InitialEvents.Cast<MemberCreated>().Select(e => e.Hyperparameters).ToHashSet();
        Assert.All(pbt.InitialEvents.Cast<MemberCreated>(), e => Assert.Contains(e.Hyperparameters, gridPoints));
    }

    [Fact]
    public void Should_RejectBadOptions_When_Invalid()
    {
        var ex = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(new PbtOptions { ReadyInterval = 0 }, Simulation.Space, Simulation.Loss, 100, 4, 1));
        Assert.Contains("ReadyInterval", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(new PbtOptions { BurnIn = -1 }, Simulation.Space, Simulation.Loss, 100, 4, 1));
        Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(new GridOptions(), Simulation.Space, Simulation.Loss, 100, 30, 1));
        Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(new PbtOptions(), Simulation.Space, Simulation.Loss, 100, 4, 1, Simulation.Points(5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SchedulerFactory.Create(new PbtOptions(), Simulation.Space, Simulation.Loss, 0, 4, 1));
    }
}

public sealed class PbtOptionsTests
{
    [Fact]
    public void Should_CarryPaperSettings_When_PresetsUsed()
    {
        var p000 = PbtOptions.Paper000;
        var p001 = PbtOptions.Paper001;
        var p003 = PbtOptions.Paper003;

        Assert.Equal(50, p000.ReadyInterval);
        Assert.Equal(0.2, Assert.IsType<Cohort.Core.Strategies.TruncationSelection>(p000.Exploit).Fraction);
        Assert.Equal(new[] { 0.2, 0.5, 1.5, 2.0 }, Assert.IsType<Cohort.Core.Strategies.PerturbExplore>(p000.Explore).Factors);
        Assert.Equal(0.25, Assert.IsType<Cohort.Core.Strategies.TruncationSelection>(p001.Exploit).Fraction);
        Assert.Equal(new[] { 0.5, 0.8, 1.25, 2.0 }, Assert.IsType<Cohort.Core.Strategies.PerturbExplore>(p001.Explore).Factors);
        Assert.Equal(3, Assert.IsType<Cohort.Core.Strategies.CopyBestIntoWorst>(p003.Exploit).Worst);
        Assert.Equal(0.5, Assert.IsType<Cohort.Core.Strategies.NoiseExplore>(p003.Explore).Sigma);
        p000.Validate();
        p001.Validate();
        p003.Validate();

        // Defaults: synchronous, ready 50, truncation 20%, perturb {0.8, 1.2}.
        var d = new PbtOptions();
        Assert.Equal(PbtMode.Synchronous, d.Mode);
        Assert.Equal(new[] { 0.8, 1.2 }, Assert.IsType<Cohort.Core.Strategies.PerturbExplore>(d.Explore).Factors);
        Assert.Equal(0.2, Assert.IsType<Cohort.Core.Strategies.TruncationSelection>(d.Exploit).Fraction);
    }
}
