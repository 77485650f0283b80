using System.Diagnostics;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Training.Networks;
using Cohort.Training.NoisyQuadratic;
using Cohort.Training.Toy;

namespace Cohort.Benchmarks;

/// <summary>One run's cost: wall time, time deciding inside it, and the same decisions replayed without training.</summary>
public sealed record DecisionCost(
    string Method,
    ulong Seed,
    int Population,
    int Hyperparameters,
    int Generations,
    int Workers,
    double WallSeconds,
    double TellSeconds,
    double TellFraction,
    double ReplaySeconds,
    int Explores,
    double BestMse)
{
    /// <summary>Which pass over the seeds measured it (1 = first; see <c>--rounds</c>).</summary>
    public int Round { get; init; } = 1;

    /// <summary>Seconds of Tell in the first tenth of the run's Tells: JIT warm-up would show here.</summary>
    public double TellSecondsFirstTenth { get; init; }

    /// <summary>The longest single Tell (a PB2 round of decisions, or a pause of the shared machine).</summary>
    public double SlowestTellSeconds { get; init; }
}

/// <summary>PB2 against PBT on one testbed and seed.</summary>
public sealed record SanityResult(string Testbed, string Method, ulong Seed, int Population, double FinalBest, double BestEver, int Explores);

/// <summary>
/// PB2 measurements through <see cref="ExperimentRunner"/> with in-memory stores (issue 16):
/// <list type="bullet">
/// <item><c>pb2-cost</c>: the decision cost of PB2 for population 36, 5 hyperparameters and 100 generations on the
/// engine's Boston MLP (13-64-1, Adam, batch 32, ready every 50 steps, 5000 steps per member), against the run's wall
/// time, beside PBT's on the same run. The stored results are then replayed into a fresh scheduler (no training) to
/// time the decisions alone.</item>
/// <item><c>pb2-vs-pbt</c>: a sanity comparison at population 4 on the noisy quadratic and the toy, a few seeds.</item>
/// </list>
/// </summary>
public static class Pb2Bench
{
    private static readonly SearchSpace s_boston = new(
        new FloatParameter("learning_rate", 1e-4, 0.1, ParameterScale.Log),
        new FloatParameter("l1", 1e-7, 1.0, ParameterScale.Log),
        new FloatParameter("l2", 1e-7, 1.0, ParameterScale.Log),
        new FloatParameter("beta1", 0.5, 0.99),
        new FloatParameter("beta2", 0.9, 0.9999, ParameterScale.Log));

    private static readonly Objective s_mse = new("mse", ObjectiveMode.Minimize);

    /// <summary>A cheaper PB2 setting (smaller window and fit subset, fewer acquisition evaluations), measured with <c>--lean</c>.</summary>
    public static Pb2ExploreOptions Lean { get; } = new() { Window = 32, FitWindow = 24, Candidates = 16, LocalEvaluations = 16 };

    public static IReadOnlyList<DecisionCost> Cost(string dataDirectory, IReadOnlyList<ulong> seeds, int workers, bool lean = false, int population = 36, int generations = 100, int rounds = 1)
    {
        var factory = BostonMlp(dataDirectory);
        const int ready = 50;
        var steps = (long)generations * ready;
        var results = new List<DecisionCost>();
        // Warm-up (discarded): full-length runs of each method, then PB2's decisions replayed until two replays agree
        // within 20% (at most 8). A 30-generation warm-up left the first measured PB2 run's first tenth of decisions 3-5
        // times slower than later runs' (tier-1 code still arriving from the background JIT on a loaded machine).
        _ = Measure(new PbtOptions { ReadyInterval = ready }, 0, steps);
        var warm = new List<InMemoryExperimentStore>();
        _ = Measure(new Pb2Options { ReadyInterval = ready }, 0, steps, kept: warm);
        if (lean)
        {
            _ = Measure(new Pb2Options { ReadyInterval = ready, Explore = Lean }, 0, steps);
        }

        var previous = double.PositiveInfinity;
        for (var i = 0; i < 8; i++)
        {
            var seconds = Replay(new Pb2Options { ReadyInterval = ready }, warm[0], 0);
            if (Math.Abs(seconds - previous) <= 0.2 * previous)
            {
                break;
            }

            previous = seconds;
        }

        // Several rounds over the same seeds tell warm-up (only round 1's first seed slow) from the shared machine's noise.
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var seed in seeds)
            {
                results.Add(Measure(new PbtOptions { ReadyInterval = ready, Exploit = new TruncationSelection(0.25) }, seed, steps) with { Round = round });
                results.Add(Measure(new Pb2Options { ReadyInterval = ready }, seed, steps) with { Round = round });
                if (lean)
                {
                    results.Add(Measure(new Pb2Options { ReadyInterval = ready, Explore = Lean }, seed, steps, "pb2-lean") with { Round = round });
                }
            }
        }

        return results;

        // Seconds to tell a run's stored results to a fresh scheduler: its decisions without training.
        double Replay(MethodOptions method, InMemoryExperimentStore store, ulong seed)
        {
            var stored = store.ReadResultsAsync(method.Method, CancellationToken.None).GetAwaiter().GetResult();
            var fresh = SchedulerFactory.Create(method, s_boston, s_mse, steps, population, seed);
            var watch = Stopwatch.StartNew();
            foreach (var r in stored)
            {
                fresh.Tell(r);
            }

            return watch.Elapsed.TotalSeconds;
        }

        DecisionCost Measure(MethodOptions method, ulong seed, long steps, string? label = null, List<InMemoryExperimentStore>? kept = null)
        {
            var scheduler = SchedulerFactory.Create(method, s_boston, s_mse, steps, population, seed);
            var timed = new TimedScheduler(scheduler);
            var store = new InMemoryExperimentStore();
            var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = workers, StepsPerMember = steps });
            var watch = Stopwatch.StartNew();
            var outcome = runner.RunAsync(new RunDefinition(method.Method, seed, s_mse), timed, factory, CancellationToken.None).GetAwaiter().GetResult();
            var wall = watch.Elapsed.TotalSeconds;
            kept?.Add(store);

            // The same decisions without training: replay the stored results into a fresh scheduler.
            var stored = store.ReadResultsAsync(method.Method, CancellationToken.None).GetAwaiter().GetResult();
            var fresh = SchedulerFactory.Create(method, s_boston, s_mse, steps, population, seed);
            var replay = Stopwatch.StartNew();
            var explores = 0;
            foreach (var r in stored)
            {
                explores += fresh.Tell(r).OfType<Explored>().Count();
            }

            var replaySeconds = replay.Elapsed.TotalSeconds;
            var best = outcome.Latest.Select(r => r.Validation["mse"]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
            return new DecisionCost(label ?? method.Method, seed, population, s_boston.Parameters.Count, (int)(steps / ready), workers,
                Math.Round(wall, 3), Math.Round(timed.TellSeconds, 3), Math.Round(timed.TellSeconds / wall, 4), Math.Round(replaySeconds, 3), explores, Math.Round(best, 3))
            {
                TellSecondsFirstTenth = Math.Round(timed.TellSecondsOfFirst(0.1), 4),
                SlowestTellSeconds = Math.Round(timed.SlowestTellSeconds, 4),
            };
        }
    }

    /// <summary>
    /// PB2's decisions alone: one PB2 run of the <see cref="Cost"/> setting is trained, then its stored results are
    /// replayed <paramref name="repeats"/> times into fresh schedulers; returns the seconds of each replay (the first
    /// includes JIT warm-up). For profiling (perf) and for comparing PB2 settings without the noise of training.
    /// </summary>
    public static IReadOnlyList<double> Replay(string dataDirectory, ulong seed, int repeats, Pb2ExploreOptions? explore = null, int population = 36, int generations = 100)
    {
        var factory = BostonMlp(dataDirectory);
        const int ready = 50;
        var steps = (long)generations * ready;
        var method = new Pb2Options { ReadyInterval = ready, Explore = explore ?? new Pb2ExploreOptions() };
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 2, StepsPerMember = steps });
        runner.RunAsync(new RunDefinition("pb2", seed, s_mse), SchedulerFactory.Create(method, s_boston, s_mse, steps, population, seed), factory, CancellationToken.None)
            .GetAwaiter().GetResult();
        var stored = store.ReadResultsAsync("pb2", CancellationToken.None).GetAwaiter().GetResult();
        var seconds = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var fresh = SchedulerFactory.Create(method, s_boston, s_mse, steps, population, seed);
            var watch = Stopwatch.StartNew();
            foreach (var r in stored)
            {
                fresh.Tell(r);
            }

            seconds.Add(Math.Round(watch.Elapsed.TotalSeconds, 4));
        }

        return seconds;
    }

    /// <summary>The Boston MLP 13-64-1 (Adam, batch 32) on standardised targets: the trainable of pb2-cost and pb2-replay.</summary>
    private static NetworkTrainableFactory BostonMlp(string dataDirectory)
    {
        var splits = DatasetCatalog.Load("boston", new DataDirectory(dataDirectory), new SplitOptions
        {
            ValidationFraction = 0.2,
            TestFraction = 0.2,
            StandardizeTargets = true,
        });
        return new NetworkTrainableFactory(new NetworkTrainableOptions(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError), splits);
    }

    public static IReadOnlyList<SanityResult> Sanity(IReadOnlyList<ulong> seeds, int population = 4)
    {
        var results = new List<SanityResult>();
        var nqmSpace = new SearchSpace(new FloatParameter("lr", 0.001, 1.9, ParameterScale.Log));
        var toySpace = new SearchSpace(new FloatParameter("h0", 0, 1), new FloatParameter("h1", 0, 1), new ConstantParameter("lr", 0.01));
        var testbeds = new (string Name, SearchSpace Space, Objective Objective, ITrainableFactory Factory, long Steps, int Ready)[]
        {
            ("noisy-quadratic", nqmSpace, new Objective("loss", ObjectiveMode.Minimize), new NoisyQuadraticTrainableFactory(), 4000, 200),
            ("toy", toySpace, new Objective("q", ObjectiveMode.Maximize), new ToyTrainableFactory(), 100, 4),
        };
        foreach (var (name, space, objective, factory, steps, ready) in testbeds)
        {
            foreach (var seed in seeds)
            {
                foreach (MethodOptions method in new MethodOptions[]
                {
                    new PbtOptions { ReadyInterval = ready, Exploit = new TruncationSelection(0.25) },
                    new Pb2Options { ReadyInterval = ready },
                })
                {
                    var scheduler = SchedulerFactory.Create(method, space, objective, steps, population, seed);
                    var store = new InMemoryExperimentStore();
                    var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 1, StepsPerMember = steps });
                    var outcome = runner.RunAsync(new RunDefinition(method.Method, seed, objective), scheduler, factory, CancellationToken.None).GetAwaiter().GetResult();
                    var events = store.ReadEventsAsync(method.Method, CancellationToken.None).GetAwaiter().GetResult();
                    var finals = outcome.Latest.Select(r => objective.Score(r)).Where(double.IsFinite).ToArray();
                    var finalBest = finals.Length == 0 ? double.NaN : Value(objective, finals.Max());
                    results.Add(new SanityResult(name, method.Method, seed, population, finalBest, Value(objective, outcome.BestScore),
                        events.Count(e => e.Event is Explored)));
                }
            }
        }

        return results;
    }

    /// <summary>The metric value of a score (scores are higher-is-better).</summary>
    private static double Value(Objective objective, double score) => objective.Mode == ObjectiveMode.Minimize ? -score : score;
}
