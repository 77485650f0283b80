using System.Diagnostics;
using Cohort.Engine.Models;
using Cohort.Engine.Randomness;
using Cohort.Engine.Training;

namespace Cohort.Benchmarks;

/// <summary>One training-throughput measurement.</summary>
public sealed record CaseResult(string Case, int Threads, double SamplesPerSecond, double Gflops);

/// <summary>
/// Training throughput (forward + backward + Adam step) on synthetic data of the right shape, the same cases and
/// FLOP count as ../shared/peers/throughput.py: GFLOP/s = samples/s × 3 × forward multiply-adds × 2 / 10⁹.
/// </summary>
public static class TrainingBench
{
    /// <summary>One network and batch size: the papers' cases.</summary>
    internal sealed record Case(string Name, Func<ModelSpec> Spec, int Batch, bool Classify);

    /// <summary>The cases, in the order they are run.</summary>
    internal static IReadOnlyList<Case> Cases { get; } =
    [
        new("lenet5_b32", () => ModelSpec.LeNet5(), 32, true),
        new("lenet5_b128", () => ModelSpec.LeNet5(), 128, true),
        new("mlp13_b32", () => ModelSpec.Mlp(13, [64], 1), 32, false),
        new("fc3072_b64", () => ModelSpec.Fc(), 64, true),
    ];

    /// <summary>Runs every case at 1 and 2 threads for about <paramref name="secondsPerCase"/> each.</summary>
    public static IReadOnlyList<CaseResult> Run(double secondsPerCase)
    {
        var results = new List<CaseResult>();
        foreach (var c in Cases)
        {
            foreach (var threads in (int[])[1, 2])
            {
                results.Add(Measure(c, threads, secondsPerCase));
            }
        }

        return results;
    }

    /// <summary>The engine's training throughput on <paramref name="c"/> with <paramref name="threads"/> kernel threads.</summary>
    internal static CaseResult Measure(Case c, int threads, double seconds)
    {
        var loss = c.Classify ? LossKind.SoftmaxCrossEntropy : LossKind.MeanSquaredError;
        var trainer = new Trainer(c.Spec(), OptimizerKind.Adam, loss, 0, threads, c.Batch);
        if (!c.Classify)
        {
            trainer.Hyperparameters = trainer.Hyperparameters with { L1 = 1e-3f };
            trainer.Hyperparameters = trainer.Hyperparameters with { L2 = 1e-3f };
        }

        var random = new EngineRandom(1);
        var x = new float[c.Batch * trainer.InputSize];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextGaussian();
        }

        var y = new float[c.Batch * trainer.TargetSize];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = c.Classify ? (int)(random.NextUInt64() % 10) : (float)random.NextGaussian();
        }

        for (var i = 0; i < 20; i++)
        {
            trainer.TrainStep(x, y, c.Batch);
        }

        // Time in rounds of steps so the clock is not read every microsecond-scale step.
        var round = Math.Max(1, (int)(2e6 / (trainer.MultiplyAddsPerSample * c.Batch)));
        long steps = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < round; i++)
            {
                trainer.TrainStep(x, y, c.Batch);
            }

            steps += round;
        }

        var elapsed = watch.Elapsed.TotalSeconds;
        var samplesPerSecond = steps * c.Batch / elapsed;
        var gflops = samplesPerSecond * 3 * trainer.MultiplyAddsPerSample * 2 / 1e9;
        return new CaseResult(c.Name, threads, Math.Round(samplesPerSecond, 1), Math.Round(gflops, 2));
    }
}
