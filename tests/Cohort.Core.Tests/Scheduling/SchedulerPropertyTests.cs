using System.Globalization;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using FsCheck.Xunit;

namespace Cohort.Core.Tests.Scheduling;

/// <summary>
/// Property-based tests of every scheduler over random valid search spaces (extreme bounds, log scales over hundreds of
/// decades, integers up to 2^63, categoricals, min == max), random outcomes (ties, huge, NaN and infinite scores,
/// divergences, failures) and random orders of telling each round's results. Invariants checked on every run:
/// <list type="bullet">
/// <item>no exception, and something is pending until the scheduler says it is finished, within a bounded number of tells;</item>
/// <item>every issued task's hyperparameters (and every event's) lie inside the space; no task passes the step budget;</item>
/// <item>every donor of weights (exploit, rescue, GA weights parent, FIRE evaluator start and success) is a member whose
/// latest scored result had a finite score, and the weights are that result's checkpoint;</item>
/// <item>replaying the told results, through the store's JSON form, into a fresh scheduler gives the same events.</item>
/// </list>
/// Fixed FsCheck seeds (Replay) keep the cases the same on every run; the sizes keep the whole class to seconds.
/// </summary>
public sealed class SchedulerPropertyTests
{
    [Property(MaxTest = 60, Replay = "(1301,2603)", Arbitrary = [typeof(SchedulerCases)])]
    public void Grid_Should_KeepItsInvariants_When_DrivenWithRandomSpacesAndOutcomes(Case<GridScheduler> c) => Check(c.Scenario);

    [Property(MaxTest = 60, Replay = "(1303,2605)", Arbitrary = [typeof(SchedulerCases)])]
    public void Random_Should_KeepItsInvariants_When_DrivenWithRandomSpacesAndOutcomes(Case<RandomScheduler> c) => Check(c.Scenario);

    [Property(MaxTest = 200, Replay = "(1307,2607)", Arbitrary = [typeof(SchedulerCases)])]
    public void Pbt_Should_KeepItsInvariants_When_DrivenWithRandomSpacesAndOutcomes(Case<PbtScheduler> c) => Check(c.Scenario);

    [Property(MaxTest = 120, Replay = "(1319,2609)", Arbitrary = [typeof(SchedulerCases)])]
    public void Ga_Should_KeepItsInvariants_When_DrivenWithRandomSpacesAndOutcomes(Case<GaScheduler> c) => Check(c.Scenario);

    [Property(MaxTest = 80, Replay = "(1321,2611)", Arbitrary = [typeof(SchedulerCases)])]
    public void TopologyGa_Should_KeepItsInvariants_When_DrivenWithRandomSpacesAndOutcomes(Case<TopologyGaScheduler> c) => Check(c.Scenario);

    [Property(MaxTest = 80, Replay = "(1327,2613)", Arbitrary = [typeof(SchedulerCases)])]
    public void Fire_Should_KeepItsInvariants_When_DrivenWithRandomSpacesAndOutcomes(Case<FireScheduler> c) => Check(c.Scenario);

    private static void Check(SchedulerCase c)
    {
        var scheduler = c.Create();
        var events = new List<string>();
        var told = new List<string>();
        var lastScored = new Dictionary<int, TaskResult>();
        foreach (var e in scheduler.InitialEvents)
        {
            CheckEvent(c, e, lastScored);
            events.Add(CohortJson.Serialize(e));
        }

        var order = new Rng(c.OrderSeed);
        var retries = c.Method.MaxTaskRetries + 1;
        var generations = c.Method is GaOptions { Mode: GaMode.Topology } topology ? topology.Generations : 1;
        var bound = 20L * scheduler.Population * ((c.Steps / c.Method.ReadyInterval) + 2) * retries * generations;
        var tells = 0L;
        while (!scheduler.IsFinished)
        {
            var round = scheduler.Pending.ToList();
            Assert.True(round.Count > 0, "the scheduler is not finished but has nothing pending");
            for (var i = round.Count - 1; i > 0; i--)
            {
                var j = order.NextInt(i + 1);
                (round[i], round[j]) = (round[j], round[i]);
            }

            foreach (var task in round)
            {
                if (!scheduler.Pending.Any(p => p.Member == task.Member && p.Ordinal == task.Ordinal))
                {
                    continue;
                }

                CheckTask(c, scheduler, task);
                var result = c.Run(task);
                var emitted = scheduler.Tell(result);
                told.Add(CohortJson.Serialize(result));
                if (result.Outcome != TaskOutcome.Failed)
                {
                    lastScored[task.Member] = result;
                }

                foreach (var e in emitted)
                {
                    CheckEvent(c, e, lastScored);
                    events.Add(CohortJson.Serialize(e));
                }

                Assert.True(++tells <= bound, string.Create(CultureInfo.InvariantCulture, $"not finished after {tells} tells"));
            }
        }

        // Resume: the stored results, read back, rebuild the same decisions.
        var replayed = c.Create();
        var replayedEvents = replayed.InitialEvents.Select(CohortJson.Serialize).ToList();
        foreach (var json in told)
        {
            replayedEvents.AddRange(replayed.Tell(CohortJson.DeserializeTaskResult(json)).Select(CohortJson.Serialize));
        }

        Assert.Equal(events, replayedEvents);
        Assert.True(replayed.IsFinished);
    }

    private static void CheckTask(SchedulerCase c, IPopulationScheduler scheduler, TrainTask task)
    {
        c.Space.Validate(task.Hyperparameters);
        Assert.True(task.StartStep >= 0 && task.Steps >= 1, $"task {task} has a bad step range");
        Assert.True(task.EndStep <= scheduler.StepsPerMember, $"task {task} ends past the budget {scheduler.StepsPerMember}");
    }

    private static void CheckEvent(SchedulerCase c, RunEvent e, Dictionary<int, TaskResult> lastScored)
    {
        switch (e)
        {
            case MemberCreated created:
                c.Space.Validate(created.Hyperparameters);
                break;
            case Explored explored:
                c.Space.Validate(explored.After);
                break;
            case Exploited exploited:
                c.Space.Validate(exploited.After);
                RequireScoredDonor(c, exploited.Donor, exploited.Checkpoint, lastScored, e);
                break;
            case Bred bred:
                c.Space.Validate(bred.After);
                if (bred.WeightsParent != Bred.NoWeightsParent)
                {
                    RequireScoredDonor(c, bred.WeightsParent, bred.Checkpoint, lastScored, e);
                }

                break;
            case EvaluatorStarted started:
                c.Space.Validate(started.Hyperparameters);
                RequireScoredDonor(c, started.Parent, started.Checkpoint, lastScored, e);
                break;
            case EvaluatorSucceeded succeeded:
                RequireScoredDonor(c, succeeded.Evaluator, succeeded.Checkpoint, lastScored, e);
                break;
        }
    }

    private static void RequireScoredDonor(SchedulerCase c, int donor, CheckpointRef? checkpoint, Dictionary<int, TaskResult> lastScored, RunEvent e)
    {
        Assert.True(lastScored.TryGetValue(donor, out var result), $"{e}: donor {donor} has no scored result");
        Assert.True(double.IsFinite(c.Objective.Score(result)) && result.Checkpoint is not null, $"{e}: donor {donor}'s latest result is not a finite score with a checkpoint ({result.Outcome}, {c.Objective.Score(result)})");
        Assert.Equal(result.Checkpoint, checkpoint);
    }
}
