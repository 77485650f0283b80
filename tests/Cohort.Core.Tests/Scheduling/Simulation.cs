using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Scheduling;

/// <summary>Synthetic results for scheduler tests: no training, a loss that is a pure function of the task.</summary>
internal static class Simulation
{
    public static readonly Objective Loss = new("loss", ObjectiveMode.Minimize);

    public static readonly SearchSpace Space = new(
        new FloatParameter("lr", 1e-4, 1, ParameterScale.Log, GridCount: 6),
        new FloatParameter("l2", 1e-4, 1, ParameterScale.Log, GridCount: 6));

    public static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>();

    public static string Hash(TrainTask t) =>
        string.Create(CultureInfo.InvariantCulture, $"m{t.Member}-o{t.Ordinal}-s{t.EndStep}-{t.From?.Hash ?? "init"}");

    /// <summary>Loss: distance of log(lr) from log(0.01), plus noise from the task seed; lower with more steps.</summary>
    public static double LossOf(TrainTask t) =>
        Math.Abs(Math.Log(t.Hyperparameters.GetNumber("lr")) - Math.Log(0.01)) + (100.0 / t.EndStep) + (new Rng(t.Seed).NextDouble() * 0.01);

    public static TaskResult Complete(TrainTask t, double? loss = null) =>
        new(t, TaskOutcome.Completed, new Dictionary<string, double> { ["loss"] = loss ?? LossOf(t) }, NoMetrics, new CheckpointRef(Hash(t), t.EndStep, 64));

    public static TaskResult Fail(TrainTask t) => new(t, TaskOutcome.Failed, NoMetrics, NoMetrics, null, "boom");

    public static TaskResult Diverge(TrainTask t) =>
        new(t, TaskOutcome.Diverged, new Dictionary<string, double> { ["loss"] = double.NaN }, NoMetrics, new CheckpointRef(Hash(t), t.EndStep, 64), "nan loss");

    public static IReadOnlyList<HyperparameterSet> Points(int n) => InitialPoints.SubsampleGrid(Space, n);

    /// <summary>Drives a scheduler to the end: each round tells every pending task in an order chosen by <paramref name="order"/>.</summary>
    public static (List<RunEvent> Events, List<TaskResult> Results) Drive(
        IScheduler scheduler,
        Func<TrainTask, TaskResult>? run = null,
        Rng? shuffle = null,
        Action<IScheduler, TaskResult, IReadOnlyList<RunEvent>>? afterTell = null,
        int maxTells = 100000)
    {
        run ??= t => Complete(t);
        var events = new List<RunEvent>();
        var results = new List<TaskResult>();
        while (!scheduler.IsFinished)
        {
            var round = scheduler.Pending.ToList();
            Assert.NotEmpty(round);
            if (shuffle is not null)
            {
                for (var i = round.Count - 1; i > 0; i--)
                {
                    var j = shuffle.NextInt(i + 1);
                    (round[i], round[j]) = (round[j], round[i]);
                }
            }

            foreach (var task in round)
            {
                var result = run(task);
                var e = scheduler.Tell(result);
                results.Add(result);
                events.AddRange(e);
                afterTell?.Invoke(scheduler, result, e);
                Assert.True(results.Count < maxTells, "the run does not finish");
            }
        }

        return (events, results);
    }
}
