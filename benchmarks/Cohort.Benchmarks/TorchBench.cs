using System.Diagnostics;
using System.Globalization;
using Cohort.TorchSharp;
using Cohort.TorchSharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cohort.Benchmarks;

/// <summary>The engine's and TorchSharp's training throughput on one case, measured one after the other in one process.</summary>
public sealed record EngineComparison(string Case, int Threads, double CohortSamplesPerSecond, double TorchSharpSamplesPerSecond)
{
    /// <summary>Cohort's samples/s over TorchSharp's.</summary>
    public double Ratio => CohortSamplesPerSecond / TorchSharpSamplesPerSecond;
}

/// <summary>
/// Cohort's engine against TorchSharp (LibTorch 2.10, CPU) on the papers' networks: the same cases as
/// <see cref="TrainingBench"/> (forward + backward + Adam step on synthetic data of the right shape; the 13-64-1 MLP
/// with l1 = l2 = 1e-3 on its weights in both), the same architectures (<see cref="TorchModels"/>), at 1 and 2 threads
/// (the engine's kernel threads; LibTorch's intra-op threads). Each TorchSharp step runs in a dispose scope, as
/// Cohort's TorchSharp trainables do.
/// </summary>
public static class TorchBench
{
    /// <summary>Runs every case at 1 and 2 threads, each engine for about <paramref name="secondsPerCase"/>.</summary>
    public static IReadOnlyList<EngineComparison> Run(double secondsPerCase)
    {
        TorchRuntime.EnsureAvailable();
        var results = new List<EngineComparison>();
        foreach (var c in TrainingBench.Cases)
        {
            foreach (var threads in (int[])[1, 2])
            {
                var cohort = TrainingBench.Measure(c, threads, secondsPerCase);
                var torchSharp = Measure(c, threads, secondsPerCase);
                results.Add(new EngineComparison(c.Name, threads, cohort.SamplesPerSecond, Math.Round(torchSharp, 1)));
            }
        }

        return results;
    }

    /// <summary>The results as a Markdown table.</summary>
    public static string Table(IReadOnlyList<EngineComparison> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var lines = new List<string>
        {
            "| case | threads | Cohort samples/s | TorchSharp samples/s | ratio |",
            "|---|---:|---:|---:|---:|",
        };
        lines.AddRange(results.Select(r => string.Create(
            CultureInfo.InvariantCulture,
            $"| {r.Case} | {r.Threads} | {r.CohortSamplesPerSecond:N0} | {r.TorchSharpSamplesPerSecond:N0} | {r.Ratio:F2}x |")));
        return string.Join(Environment.NewLine, lines);
    }

    private static double Measure(TrainingBench.Case c, int threads, double seconds)
    {
        TorchThreads.Use(threads);
        using var generator = new torch.Generator(1);
        using var model = c.Name switch
        {
            "lenet5_b32" or "lenet5_b128" => TorchModels.LeNet5(generator),
            "mlp13_b32" => TorchModels.Mlp(13, [64], 1, generator),
            "fc3072_b64" => TorchModels.Mlp(3072, [1024, 1024], 10, generator),
            _ => throw new ArgumentException($"No TorchSharp model for case '{c.Name}'.", nameof(c)),
        };
        using var optimizer = optim.Adam(model.parameters());
        long[] inputShape = c.Name.StartsWith("lenet5", StringComparison.Ordinal) ? [c.Batch, 1, 28, 28]
            : c.Name == "mlp13_b32" ? [c.Batch, 13] : [c.Batch, 3072];
        using var x = randn(inputShape, generator: generator);
        using var y = c.Classify ? randint(10, [c.Batch], generator: generator) : randn([c.Batch, 1], generator: generator);
        var weights = TorchModels.PenalizedWeights(model);

        void Step()
        {
            using var scope = NewDisposeScope();
            var output = model.call(x);
            var loss = c.Classify ? nn.functional.cross_entropy(output, y) : nn.functional.mse_loss(output, y);
            if (!c.Classify)
            {
                foreach (var w in weights)
                {
                    loss = loss.add(w.abs().sum().mul(1e-3)).add(w.square().sum().mul(1e-3));
                }
            }

            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        for (var i = 0; i < 20; i++)
        {
            Step();
        }

        long steps = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            Step();
            steps++;
        }

        return steps * c.Batch / watch.Elapsed.TotalSeconds;
    }
}
