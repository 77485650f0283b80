using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Training.Environments;
using Cohort.Training.Reinforcement;

namespace Cohort.Benchmarks.Rl;

/// <summary>One run's figures.</summary>
/// <param name="StepsToTarget">Population × the first member step at which some member's validation return (10 greedy
/// episodes) is ≥ the target; every member has trained that many steps by then.</param>
/// <param name="StepsToTargetTwice">The same, for the target met on two successive evaluations of one member (paper 004).</param>
/// <param name="StepsToConfirmedTarget">The same, for a member whose 100-episode test return is also ≥ the target.</param>
internal sealed record RunReport(
    string Method,
    ulong Seed,
    long? StepsToTarget,
    long? StepsToTargetTwice,
    long? StepsToConfirmedTarget,
    long? MemberStepAtTarget,
    IReadOnlyList<double> TestReturnsAtTarget,
    string? HyperparametersAtTarget,
    double FinalBest,
    double FinalMean,
    int FinalSolved,
    int Exploits,
    long TrainSteps,
    long EvaluationSteps,
    double WallSeconds,
    IReadOnlyList<double> BestCurve,
    IReadOnlyList<double> MeanCurve);

/// <summary>The whole invocation's figures.</summary>
internal sealed record ExperimentReport(
    string Environment,
    double Target,
    int Population,
    int ReadyInterval,
    int Budget,
    string Network,
    string SearchSpace,
    IReadOnlyList<RunReport> Runs);

/// <summary>Runs PBT and the fixed-hyperparameter baselines on CartPole-v1 through the <see cref="ExperimentRunner"/>.</summary>
internal static class CartPoleExperiment
{
    private static readonly Objective Return = new(DeepDoubleSarsaTrainable.MetricReturn, ObjectiveMode.Maximize);

    /// <summary>The prior every method starts from (PBT explores within it).</summary>
    public static SearchSpace Space { get; } = new(
        new FloatParameter(SarsaHyperparameters.LearningRate, 1e-4, 1e-2, ParameterScale.Log),
        new FloatParameter(SarsaHyperparameters.Discount, 0.9, 0.999),
        new IntegerParameter(SarsaHyperparameters.TargetSync, 20, 2000, ParameterScale.Log),
        new IntegerParameter(SarsaHyperparameters.EpsilonDecay, 1000, 30_000, ParameterScale.Log));

    public static async Task<ExperimentReport> RunAsync(CartPoleOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var target = new CartPole().RewardThreshold;
        var runs = new List<RunReport>();
        foreach (var seed in options.Seeds)
        {
            foreach (var method in options.Methods)
            {
                var report = await RunOneAsync(options, method, seed, target, cancellationToken);
                runs.Add(report);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{method,-7} seed {seed}: steps to {target} = {report.StepsToTarget?.ToString(CultureInfo.InvariantCulture) ?? "not reached"} (twice {report.StepsToTargetTwice?.ToString(CultureInfo.InvariantCulture) ?? "never"}, confirmed {report.StepsToConfirmedTarget?.ToString(CultureInfo.InvariantCulture) ?? "never"}), test returns there [{string.Join(", ", report.TestReturnsAtTarget.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}], final best {report.FinalBest:F1}, mean {report.FinalMean:F1}, solved {report.FinalSolved}, {report.WallSeconds:F0} s"));
            }
        }

        return new ExperimentReport(
            CartPole.Id, target, options.Population, options.ReadyInterval, options.Budget,
            string.Create(CultureInfo.InvariantCulture, $"{new DeepDoubleSarsaTrainableFactory(options.Network).Model.Describe()}, batch {options.Network.BatchSize}, replay {options.Network.ReplayCapacity}"),
            string.Join("; ", Space.Parameters.Select(p => p.ToString())),
            runs);
    }

    private static async Task<RunReport> RunOneAsync(CartPoleOptions o, string method, ulong seed, double target, CancellationToken cancellationToken)
    {
        var factory = new ConfirmingFactory(new DeepDoubleSarsaTrainableFactory(o.Network), target);
        var scheduler = method switch
        {
            "pbt" => SchedulerFactory.Create(
                new PbtOptions { ReadyInterval = o.ReadyInterval, Exploit = new TruncationSelection(0.2), Explore = new PerturbExplore() },
                Space, Return, o.Budget, o.Population, seed),
            "random" => SchedulerFactory.Create(new RandomOptions { ReadyInterval = o.ReadyInterval }, Space, Return, o.Budget, o.Population, seed),
            "fixed" => SchedulerFactory.Create(
                new RandomOptions { ReadyInterval = o.ReadyInterval }, Space, Return, o.Budget, o.Population, seed,
                Enumerable.Repeat(o.Fixed ?? throw new ArgumentException("The 'fixed' method needs --fixed name=value,..."), o.Population).ToArray()),
            _ => throw new ArgumentException($"Unknown method '{method}'."),
        };
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(
            new InMemoryCheckpointStore(),
            store,
            new RunnerOptions { Workers = o.Workers, StepsPerMember = o.Budget, TestEvaluation = TestEvaluation.Never });
        var clock = Stopwatch.StartNew();
        var name = string.Create(CultureInfo.InvariantCulture, $"{method}-{seed}");
        var outcome = await runner.RunAsync(new RunDefinition(name, seed, Return), scheduler, factory, cancellationToken);
        if (outcome.Status != RunStatus.Completed)
        {
            throw new InvalidOperationException($"Run {name} ended {outcome.Status}: {outcome.Message}");
        }

        var results = (await store.ReadResultsAsync(name, cancellationToken)).Where(r => r.Outcome == TaskOutcome.Completed).ToList();
        var events = await store.ReadEventsAsync(name, cancellationToken);
        var byStep = results.GroupBy(r => r.Task.EndStep).OrderBy(g => g.Key).ToList();
        var hits = results.Where(r => r.Validation[DeepDoubleSarsaTrainable.MetricReturn] >= target).OrderBy(r => r.Task.EndStep).ThenBy(r => r.Task.Member).ToList();
        var reached = hits.Count == 0 ? -1 : hits[0].Task.EndStep;
        var twice = results.GroupBy(r => r.Task.Member)
            .Select(g => g.OrderBy(r => r.Task.EndStep).Select(r => r.Validation[DeepDoubleSarsaTrainable.MetricReturn]).ToList() is var values
                && TimeToTarget.ReachedAt(values, target, ObjectiveMode.Maximize, TimeToTarget.PaperSuccessive) is { } at
                    ? (at + 1L) * o.ReadyInterval
                    : long.MaxValue)
            .Min();
        var confirmed = factory.Reached.Where(x => x.Test >= target).Select(x => x.Step).DefaultIfEmpty(long.MaxValue).Min();
        var final = byStep[^1].Select(r => r.Validation[DeepDoubleSarsaTrainable.MetricReturn]).ToList();
        return new RunReport(
            method,
            seed,
            reached < 0 ? null : reached * o.Population,
            twice == long.MaxValue ? null : twice * o.Population,
            confirmed == long.MaxValue ? null : confirmed * o.Population,
            reached < 0 ? null : reached,
            reached < 0 ? [] : factory.Reached.Where(x => x.Step == reached).Select(x => x.Test).Order().ToArray(),
            reached < 0 ? null : hits[0].Task.Hyperparameters.ToString(),
            final.Max(),
            final.Average(),
            final.Count(v => v >= target),
            events.Count(e => e.Event is Exploited),
            outcome.StepsTrained,
            (long)results.Sum(r => r.Validation[DeepDoubleSarsaTrainable.MetricEvaluationSteps]),
            clock.Elapsed.TotalSeconds,
            byStep.Select(g => g.Max(r => r.Validation[DeepDoubleSarsaTrainable.MetricReturn])).ToArray(),
            byStep.Select(g => Math.Round(g.Average(r => r.Validation[DeepDoubleSarsaTrainable.MetricReturn]), 2)).ToArray());
    }
}
