using System.Diagnostics;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Storage.Sqlite;
using Cohort.Training.Networks;

namespace Cohort.Benchmarks;

/// <summary>One measured run of a <see cref="BookkeepingBench"/> case.</summary>
/// <param name="Case">Which experiment (boston-pbt36, lenet5-pbt16).</param>
/// <param name="Variant">"ready-N" (PBT as the example spec has it) or "one-task" (ready = steps: one task per member, no exploit).</param>
/// <param name="Tasks">Tasks run.</param>
/// <param name="WallSeconds">Wall time of <see cref="ExperimentRunner.RunAsync"/>, stores opened and closed included.</param>
/// <param name="TrainSeconds">Time spent in <see cref="ITrainable.Train"/>, summed over worker threads.</param>
/// <param name="EvaluateSeconds">Time spent in <see cref="ITrainable.Evaluate"/>, summed over worker threads.</param>
/// <param name="OutsideShare">1 − (train + evaluate) / (wall × workers): the share of the workers' wall time spent on anything else.</param>
/// <param name="CpuSeconds">CPU time of the process during the run (all threads): less sensitive than wall time to a busy machine.</param>
/// <param name="GcPauseSeconds">Time the process was paused for garbage collection during the run.</param>
/// <param name="AllocatedMegabytes">Memory allocated during the run, all threads.</param>
/// <param name="Collections">Garbage collections during the run, by generation (0, 1, 2).</param>
/// <param name="Best">The run's best objective value (to check both variants trained).</param>
public sealed record BookkeepingResult(
    string Case,
    string Variant,
    int Tasks,
    double WallSeconds,
    double TrainSeconds,
    double EvaluateSeconds,
    double OutsideShare,
    double CpuSeconds,
    double GcPauseSeconds,
    double AllocatedMegabytes,
    IReadOnlyList<int> Collections,
    double Best);

/// <summary>
/// Issue 12's measurement: the cost of PBT's bookkeeping (telling, exploit/explore, checkpoints, the store) against
/// the training it organises. Each case runs the same population twice, side by side in one process: with the example
/// spec's ready interval, and with one task per member (ready = steps, so nothing is exploited and almost nothing is
/// stored). Both go through the product path of <c>cohort run</c>: an <see cref="ExperimentRunner"/> on a fresh
/// directory with the SQLite store (<c>cohort.db</c>) and the run directory's checkpoint store, one worker per core.
/// The trainables are wrapped to time <see cref="ITrainable.Train"/> and <see cref="ITrainable.Evaluate"/>.
/// <list type="bullet">
/// <item><c>boston-pbt36</c>: examples/boston-bad-grid.yaml's pbt-36 run (MLP 13-64-1, 36 members from the sub-sampled
/// grid, 3000 steps, ready every 50: 2,160 tasks).</item>
/// <item><c>lenet5-pbt16</c>: examples/lenet5-mnist-pbt.yaml's pbt-16 run shortened to <see cref="LeNetSteps"/> steps
/// (ready every 300).</item>
/// </list>
/// </summary>
public static class BookkeepingBench
{
    /// <summary>LeNet-5's budget per member here: 5 ready intervals of 300 (the example has 3000; ~1 min per variant on 2 cores).</summary>
    public const int LeNetSteps = 1500;

    /// <summary>Runs every case <paramref name="repeats"/> times, alternating the variants, and returns every measurement.</summary>
    /// <param name="dataDirectory">Where boston and mnist are; null: COHORT_DATA or the default.</param>
    /// <param name="workers">Worker threads (as <c>cohort run --workers</c>).</param>
    /// <param name="repeats">How many times each pair of variants runs.</param>
    /// <param name="cases">Which cases.</param>
    /// <param name="inMemory">Use the in-memory stores (the library path) instead of SQLite: shows what storage costs.</param>
    /// <param name="readyOnly">Run only the ready-N variant (for a profiler; no ratio then).</param>
    public static async Task<IReadOnlyList<BookkeepingResult>> RunAsync(string? dataDirectory, int workers, int repeats, IReadOnlyList<string> cases, bool inMemory = false, bool readyOnly = false)
    {
        var data = DataDirectory.Resolve(dataDirectory);
        var results = new List<BookkeepingResult>();
        foreach (var name in cases)
        {
            var c = Find(data, name);
            // Warm-up (discarded): the first runs of a process JIT and re-JIT (tier 1) everything, which would count
            // against whichever variant comes first. One run of each variant, with the Boston case's full budget (LeNet's
            // tasks are long enough that a shortened run warms up as well).
            var warmUp = c.Name == "boston-pbt36" ? c : c with { Steps = 4 * c.Ready };
            _ = await MeasureAsync(warmUp, warmUp.Ready, "warm-up", workers, inMemory).ConfigureAwait(false);
            _ = await MeasureAsync(warmUp, warmUp.Steps, "warm-up", workers, inMemory).ConfigureAwait(false);
            for (var r = 0; r < repeats; r++)
            {
                results.Add(await MeasureAsync(c, c.Ready, $"ready-{c.Ready}", workers, inMemory).ConfigureAwait(false));
                if (!readyOnly)
                {
                    results.Add(await MeasureAsync(c, c.Steps, "one-task", workers, inMemory).ConfigureAwait(false));
                }
            }
        }

        return results;
    }

    /// <summary>Runs <paramref name="name"/>'s ready-N variant once with the in-memory checkpoints and <paramref name="store"/>.</summary>
    public static async Task RunCaseAsync(string? dataDirectory, string name, IExperimentStore store)
    {
        var c = Find(DataDirectory.Resolve(dataDirectory), name);
        var options = new RunnerOptions { Workers = 2, Retries = 2, StepsPerMember = c.Steps };
        var outcome = await new ExperimentRunner(new InMemoryCheckpointStore(), store, options)
            .RunAsync(new RunDefinition(c.Name, c.Seed, c.Objective), Scheduler(c, c.Ready), c.Factory, CancellationToken.None).ConfigureAwait(false);
        if (outcome.Status != RunStatus.Completed)
        {
            throw new InvalidOperationException($"{c.Name} ended {outcome.Status}: {outcome.Message}");
        }
    }

    private static Case Find(DataDirectory data, string name) => name switch
    {
        "boston-pbt36" => Boston(data),
        "lenet5-pbt16" => LeNet(data),
        _ => throw new ArgumentException($"Unknown case '{name}'; use boston-pbt36 or lenet5-pbt16.", nameof(name)),
    };

    private static IScheduler Scheduler(Case c, int ready) => SchedulerFactory.Create(
        new PbtOptions
        {
            ReadyInterval = ready,
            MaxTaskRetries = 2,
            Initialization = c.Init,
            Exploit = new TruncationSelection(0.2, TruncationRule.Count),
            Explore = new PerturbExplore([0.2, 0.5, 1.5, 2.0], 0),
        },
        c.Space,
        c.Objective,
        c.Steps,
        c.Population,
        c.Seed);

    private sealed record Case(
        string Name,
        NetworkTrainableFactory Factory,
        SearchSpace Space,
        Objective Objective,
        int Population,
        int Steps,
        int Ready,
        InitializationKind Init,
        ulong Seed);

    /// <summary>examples/boston-bad-grid.yaml, run pbt-36.</summary>
    private static Case Boston(DataDirectory data)
    {
        var splits = DatasetCatalog.Load("boston", data, new SplitOptions
        {
            ValidationFraction = 0.2,
            TestFraction = 0.2,
            Seed = 1,
            StandardizeTargets = true,
            FeatureScaling = FeatureScaling.Auto,
        });
        var factory = new NetworkTrainableFactory(
            new NetworkTrainableOptions(ModelSpec.Mlp(splits.Train.SampleSize, [64], splits.Train.TargetWidth, ActivationKind.Relu), OptimizerKind.Adam, LossKind.MeanSquaredError, 32, 0),
            splits);
        double[] grid = [0.01, 0.01825, 0.0331, 0.06034176336545162, 0.1099, 0.2];
        var space = new SearchSpace(
        [
            new FloatParameter("l1", 1e-7, 1.0, ParameterScale.Log, Grid: grid),
            new FloatParameter("l2", 1e-7, 1.0, ParameterScale.Log, Grid: grid),
            new ConstantParameter("learning_rate", 0.001),
        ]);
        return new Case("boston-pbt36", factory, space, new Objective("mse", ObjectiveMode.Minimize), 36, 3000, 50, InitializationKind.SubsampledGrid, RunSeed(1, "pbt-36"));
    }

    /// <summary>examples/lenet5-mnist-pbt.yaml, run pbt-16, <see cref="LeNetSteps"/> steps.</summary>
    private static Case LeNet(DataDirectory data)
    {
        var splits = DatasetCatalog.Load("mnist", data, new SplitOptions
        {
            ValidationFraction = 0.2,
            TestFraction = 0.2,
            Seed = 1,
            FeatureScaling = FeatureScaling.Auto,
        });
        var factory = new NetworkTrainableFactory(
            new NetworkTrainableOptions(ModelSpec.LeNet5(true), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 32, 2000),
            splits);
        var space = new SearchSpace(
        [
            new FloatParameter("l1", 1e-7, 1.0, ParameterScale.Log, Grid: [0.0001, 0.0012599, 0.015874, 0.2]),
            new FloatParameter("dropout", 1e-4, 0.9, ParameterScale.Log, Grid: [0.01, 0.027144, 0.073681, 0.2]),
            new ConstantParameter("learning_rate", 0.001),
            new ConstantParameter("l2", 0),
        ]);
        return new Case("lenet5-pbt16", factory, space, new Objective("accuracy", ObjectiveMode.Maximize), 16, LeNetSteps, 300, InitializationKind.Grid, RunSeed(1, "pbt-16"));
    }

    /// <summary>As the CLI derives a run's seed from the experiment seed and the run's name.</summary>
    private static ulong RunSeed(ulong experimentSeed, string run) => Seeds.Derive(experimentSeed, Seeds.Purpose(run));

    private static async Task<BookkeepingResult> MeasureAsync(Case c, int ready, string variant, int workers, bool inMemory)
    {
        var scheduler = Scheduler(c, ready);
        var factory = new TimedFactory(c.Factory);
        var directory = Path.Combine(Path.GetTempPath(), "cohort-bookkeeping-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var paused = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes();
            int[] gcs = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            var wall = Stopwatch.StartNew();
            var options = new RunnerOptions { Workers = workers, Retries = 2, StepsPerMember = c.Steps };
            var run = new RunDefinition(c.Name, c.Seed, c.Objective);
            RunOutcome outcome;
            if (inMemory)
            {
                outcome = await new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore(), options)
                    .RunAsync(run, scheduler, factory, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                // As `cohort run` composes them: cohort.db holds the log and the checkpoints.
                var database = Path.Combine(directory, "cohort.db");
                await using var store = await SqliteExperimentStore.OpenAsync(database).ConfigureAwait(false);
                await using var checkpoints = await SqliteCheckpointStore.OpenAsync(database).ConfigureAwait(false);
                outcome = await new ExperimentRunner(checkpoints, store, options).RunAsync(run, scheduler, factory, CancellationToken.None).ConfigureAwait(false);
            }

            wall.Stop();
            {
            }
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            var gcSeconds = (GC.GetTotalPauseDuration() - paused).TotalSeconds;
            var megabytes = (GC.GetTotalAllocatedBytes() - allocated) / 1e6;
            int[] collections = [GC.CollectionCount(0) - gcs[0], GC.CollectionCount(1) - gcs[1], GC.CollectionCount(2) - gcs[2]];
            if (outcome.Status != RunStatus.Completed)
            {
                throw new InvalidOperationException($"{c.Name} {variant} ended {outcome.Status}: {outcome.Message}");
            }

            var train = Stopwatch.GetElapsedTime(0, factory.TrainTicks).TotalSeconds;
            var evaluate = Stopwatch.GetElapsedTime(0, factory.EvaluateTicks).TotalSeconds;
            var seconds = wall.Elapsed.TotalSeconds;
            var best = outcome.Best?.Validation[c.Objective.Metric] ?? double.NaN;
            return new BookkeepingResult(c.Name, variant, outcome.Results, seconds, train, evaluate, 1 - ((train + evaluate) / (seconds * workers)), cpuSeconds, gcSeconds, megabytes, collections, best);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Wraps every trainable to add the time of its Train and Evaluate calls to two counters.</summary>
    private sealed class TimedFactory(ITrainableFactory inner) : ITrainableFactory
    {
        private long _train;
        private long _evaluate;

        public long TrainTicks => Interlocked.Read(ref _train);

        public long EvaluateTicks => Interlocked.Read(ref _evaluate);

        public IReadOnlyList<string> Metrics => inner.Metrics;

        public bool HasTestSet => inner.HasTestSet;

        public ITrainable Create(ulong seed) => new Timed(this, inner.Create(seed));

        private sealed class Timed(TimedFactory owner, ITrainable trainable) : ITrainable, IWeightTransfer
        {
            public ITrainable Inner => trainable;

            public long Step => trainable.Step;

            public void Apply(HyperparameterSet hyperparameters) => trainable.Apply(hyperparameters);

            public void Train(int steps, ulong seed, CancellationToken cancellationToken)
            {
                var start = Stopwatch.GetTimestamp();
                trainable.Train(steps, seed, cancellationToken);
                Interlocked.Add(ref owner._train, Stopwatch.GetTimestamp() - start);
            }

            public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
            {
                var start = Stopwatch.GetTimestamp();
                var metrics = trainable.Evaluate(split);
                Interlocked.Add(ref owner._evaluate, Stopwatch.GetTimestamp() - start);
                return metrics;
            }

            public void Save(Stream destination) => trainable.Save(destination);

            public void Load(Stream source) => trainable.Load(source);

            public void CopyFrom(ITrainable other) => trainable.CopyFrom(((Timed)other).Inner);

            public void CopyWeightsFrom(ITrainable other) => ((IWeightTransfer)trainable).CopyWeightsFrom(((Timed)other).Inner);

            public void LoadWeights(Stream source) => ((IWeightTransfer)trainable).LoadWeights(source);

            public void Dispose() => trainable.Dispose();
        }
    }
}
