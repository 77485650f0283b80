using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Tests.Scheduling;

public sealed class FireSchedulerTests
{
    // Two sub-populations of four: P1 = members 0..3, P2 = members 4..7; evaluators from 8.
    private static FireScheduler Create(int evaluators, FireOptions? options = null, long steps = 400, ulong seed = 11)
    {
        options ??= new FireOptions { ReadyInterval = 40, EvalInterval = 10, MaxEvalSteps = 100000 };
        options = options with { Evaluators = evaluators };
        return new FireScheduler(options, Simulation.Space, Simulation.Points(8), Simulation.Loss, steps, seed);
    }

    /// <summary>
    /// A controlled landscape: P1 members improve slowly and member 0 is the best; P2 members are worse; evaluators start
    /// from their parent's loss and improve fast, so an evaluator catches up with its target and then stays above it.
    /// </summary>
    private static TaskResult Landscape(TrainTask t)
    {
        double loss;
        if (t.Member < 4)
        {
            loss = 2.0 + (0.1 * t.Member) - (0.0001 * t.EndStep);
        }
        else if (t.Member < 8)
        {
            loss = 3.0 + (0.1 * (t.Member - 4)) - (0.0001 * t.EndStep);
        }
        else
        {
            // The tests' evaluators start at step 10 (the first barrier).
            loss = 3.0 - (0.05 * (t.EndStep - 10));
        }

        return Simulation.Complete(t, loss);
    }

    [Fact]
    public void Should_SplitWorkersAsInPaper_When_SizesDerived()
    {
        Assert.Equal((8, 6), new FireOptions { SubPopulations = 2 }.Split(22));
        Assert.Equal((8, 12), new FireOptions { SubPopulations = 3 }.Split(36));
        Assert.Equal((8, 18), new FireOptions { SubPopulations = 4 }.Split(50));
        Assert.Equal((6, 4), new FireOptions { SubPopulations = 2 }.Split(16));
        Assert.Equal((5, 2), new FireOptions { SubPopulations = 2, Evaluators = 2 }.Split(12));
        Assert.Throws<ArgumentException>(() => new FireOptions { SubPopulations = 2, Evaluators = 3 }.Split(12));
        Assert.Throws<ArgumentException>(() => new FireOptions { ReadyInterval = 40, EvalInterval = 15 }.Validate());
    }

    [Fact]
    public void Should_TrainMembersOnlyAndThenAssignEvaluatorsInMemberOrder_When_FirstIntervalTold()
    {
        var scheduler = Create(evaluators: 3);

        Assert.Equal(11, scheduler.Population);
        Assert.Equal(Enumerable.Range(0, 8), scheduler.Pending.Select(t => t.Member));
        Assert.All(scheduler.Pending, t => Assert.Equal(10, t.Steps));

        var told = scheduler.Pending.ToDictionary(t => t.Member, t => Landscape(t));
        var events = told.Values.SelectMany(scheduler.Tell).ToList();

        var joined = events.OfType<SubPopulationJoined>().ToArray();
        Assert.Equal(Enumerable.Range(0, 11), joined.Select(j => j.Member));
        Assert.Equal(new[] { 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0 }, joined.Select(j => j.SubPopulation));

        // All parents are equally long without evaluation: the evaluators take P2 in member-id order, and every target
        // is P1's best member (0), whose hyperparameters they copy.
        var started = events.OfType<EvaluatorStarted>().ToArray();
        Assert.Equal(new[] { 8, 9, 10 }, started.Select(s => s.Member));
        Assert.Equal(new[] { 4, 5, 6 }, started.Select(s => s.Parent));
        Assert.All(started, s => Assert.Equal(0, s.Target));
        foreach (var s in started)
        {
            Assert.Equal(told[s.Parent].Checkpoint, s.Checkpoint);
            Assert.Equal(told[0].Task.Hyperparameters, s.Hyperparameters);
            var task = scheduler.Pending.Single(t => t.Member == s.Member);
            Assert.Equal(told[s.Parent].Checkpoint, task.From);
            Assert.Equal(10, task.StartStep);
            Assert.Equal(told[0].Task.Hyperparameters, task.Hyperparameters);
        }

        Assert.Equal(11, scheduler.Pending.Count);
    }

    [Fact]
    public void Should_PickMemberLongestWithoutEvaluation_When_EvaluatorIsFreed()
    {
        var scheduler = Create(evaluators: 2, new FireOptions { ReadyInterval = 40, EvalInterval = 10, MaxEvalSteps = 100000, MaxTaskRetries = 0 });
        foreach (var t in scheduler.Pending.ToArray())
        {
            scheduler.Tell(Landscape(t));
        }

        Assert.Equal(4, scheduler.AssignmentOf(8));
        Assert.Equal(5, scheduler.AssignmentOf(9));

        // Evaluator 8's task fails (no retries): it stops and takes member 6, which has never been evaluated, rather
        // than 4 (evaluated at step 10) or 5 (being evaluated).
        var events = new List<RunEvent>();
        foreach (var t in scheduler.Pending.ToArray())
        {
            events.AddRange(scheduler.Tell(t.Member == 8 ? Simulation.Fail(t) : Landscape(t)));
        }

        var stopped = Assert.Single(events.OfType<EvaluatorStopped>());
        Assert.Equal(8, stopped.Member);
        Assert.Equal(4, stopped.Parent);
        Assert.StartsWith("failed", stopped.Reason, StringComparison.Ordinal);
        var restarted = Assert.Single(events.OfType<EvaluatorStarted>());
        Assert.Equal(8, restarted.Member);
        Assert.Equal(6, restarted.Parent);
        Assert.Equal(20, restarted.Step);
    }

    [Fact]
    public void Should_StopEvaluatorAndReassignIt_When_ItsMemberLosesAnExploit()
    {
        var scheduler = Create(evaluators: 2);
        var events = new List<RunEvent>();
        while (!events.OfType<Exploited>().Any(e => e.Member >= 4))
        {
            foreach (var t in scheduler.Pending.ToArray())
            {
                events.AddRange(scheduler.Tell(Landscape(t)));
            }
        }

        // At the first ready point (step 40) P2's Φ = {4, 5}: truncation makes the one with the lower fitness copy the other.
        var exploit = events.OfType<Exploited>().Single(e => e.Member >= 4);
        Assert.Equal(40, exploit.Step);
        Assert.Contains(exploit.Member, new[] { 4, 5 });
        Assert.Equal(9 - exploit.Member, exploit.Donor);
        var evaluator = exploit.Member == 4 ? 8 : 9;
        var stopped = Assert.Single(events.OfType<EvaluatorStopped>());
        Assert.Equal(evaluator, stopped.Member);
        Assert.Equal(exploit.Member, stopped.Parent);
        Assert.Equal("its member lost an evolution event", stopped.Reason);

        // It is reassigned at once to member 6, the one longest without evaluation.
        var restarted = events.OfType<EvaluatorStarted>().Last();
        Assert.Equal(evaluator, restarted.Member);
        Assert.Equal(6, restarted.Parent);
        Assert.Equal(40, restarted.Step);
        Assert.Equal(6, scheduler.AssignmentOf(evaluator));
    }

    [Fact]
    public void Should_CopyEvaluatorWeightsIntoTarget_When_EvaluatorSucceeds()
    {
        var scheduler = Create(evaluators: 1);
        var events = new List<RunEvent>();
        var latest = new Dictionary<int, TaskResult>();
        while (!scheduler.IsFinished && !events.OfType<EvaluatorSucceeded>().Any())
        {
            foreach (var t in scheduler.Pending.ToArray())
            {
                var r = Landscape(t);
                latest[t.Member] = r;
                events.AddRange(scheduler.Tell(r));
            }
        }

        var success = Assert.Single(events.OfType<EvaluatorSucceeded>());
        Assert.Equal(0, success.Member);      // the target: P1's best member
        Assert.Equal(8, success.Evaluator);
        Assert.Equal(4, success.Parent);
        Assert.True(success.BestScoreDiff > 0);
        Assert.True(success.PValue < 0.01);
        Assert.Equal(0, success.Step % 40);
        Assert.Equal(latest[8].Checkpoint, success.Checkpoint);

        // The target's next task starts from the evaluator's weights, with its own hyperparameters.
        var next = scheduler.Pending.Single(t => t.Member == 0);
        Assert.Equal(latest[8].Checkpoint, next.From);
        Assert.Equal(latest[8].Checkpoint!.Step, next.StartStep);
        Assert.Equal(latest[0].Task.Hyperparameters, next.Hyperparameters);
        Assert.Equal(success.Hyperparameters, next.Hyperparameters);

        // The evaluator is freed by its success and takes the next member of P2.
        var stop = events.OfType<EvaluatorStopped>().Single();
        Assert.Equal("success", stop.Reason);
        Assert.Equal(5, events.OfType<EvaluatorStarted>().Last().Parent);
    }

    [Fact]
    public void Should_GiveIdenticalEventsAndTasks_When_TellOrderWithinBarrierShuffled()
    {
        var a = Simulation.Drive(Create(evaluators: 3), Landscape);
        var b = Simulation.Drive(Create(evaluators: 3), Landscape, new Rng(5));

        Assert.Equal(a.Events, b.Events);
        Assert.Equal(
            a.Results.Select(r => r.Task).OrderBy(t => t.Member).ThenBy(t => t.Ordinal),
            b.Results.Select(r => r.Task).OrderBy(t => t.Member).ThenBy(t => t.Ordinal));
        Assert.Contains(a.Events, e => e is EvaluatorStarted);
        Assert.Contains(a.Events, e => e is EvaluatorStopped);
        Assert.Equal(11, a.Events.OfType<MemberFinished>().Count());
    }

    [Fact]
    public void Should_TakeSameNextDecisions_When_RebuiltFromStoredResults()
    {
        var original = Create(evaluators: 3, seed: 3);
        var history = new List<TaskResult>();
        var logged = new List<RunEvent>();
        for (var round = 0; round < 17; round++)
        {
            foreach (var t in original.Pending.ToArray())
            {
                var r = Simulation.Complete(t);
                history.Add(r);
                logged.AddRange(original.Tell(r));
            }
        }

        var rebuilt = Create(evaluators: 3, seed: 3);
        var replayed = history.SelectMany(rebuilt.Tell).ToList();

        Assert.Equal(logged, replayed);
        Assert.Equal(original.Pending, rebuilt.Pending);
        Assert.Equal(original.Members, rebuilt.Members);
        var nextA = original.Pending.Select(t => Simulation.Complete(t)).SelectMany(original.Tell).ToList();
        var nextB = rebuilt.Pending.Select(t => Simulation.Complete(t)).SelectMany(rebuilt.Tell).ToList();
        Assert.Equal(nextA, nextB);
    }

    [Fact]
    public void Should_FinishEveryWorkerAtBudget_When_DrivenToTheEnd()
    {
        var scheduler = Create(evaluators: 2, steps: 200);
        var (events, results) = Simulation.Drive(scheduler);

        Assert.True(scheduler.IsFinished);
        Assert.Empty(scheduler.Pending);
        Assert.All(Enumerable.Range(0, 8), m => Assert.Equal(200, results.Where(r => r.Task.Member == m).Max(r => r.Task.EndStep)));
        Assert.All(results, r => Assert.True(r.Task.EndStep <= 200));
        var finished = events.OfType<MemberFinished>().Select(e => e.Member).Order();
        Assert.Equal(Enumerable.Range(0, 10), finished);

        // Every exploit stays inside its sub-population.
        Assert.All(events.OfType<Exploited>(), e => Assert.Equal(e.Member / 4, e.Donor / 4));
    }
}
