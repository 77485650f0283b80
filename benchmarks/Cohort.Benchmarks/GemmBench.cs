using System.Diagnostics;
using System.Text.Json.Serialization;
using Cohort.Engine.Kernels;

namespace Cohort.Benchmarks;

/// <summary>One GEMM throughput measurement: square n×n×n, on a number of threads.</summary>
public sealed record GemmResult(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("gflops")] double Gflops);

/// <summary>One GEMM throughput measurement on a training-shaped problem.</summary>
public sealed record GemmShapeResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("m")] int M,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("microseconds")] double Microseconds,
    [property: JsonPropertyName("gflops")] double Gflops);

/// <summary>
/// Measures <see cref="Gemm.Compute"/> throughput (2·m·n·k flops per call): square sizes 256, 512 and 1024 on
/// 1 and 2 threads, and the small shapes of the built-in networks (MLP 13-64-1, LeNet-5, fc 3072-1024-1024-10).
/// Each case warms up, then loops for the given number of seconds.
/// </summary>
public static class GemmBench
{
    public static IReadOnlyList<GemmResult> Run(double secondsPerCase)
    {
        var results = new List<GemmResult>();
        foreach (var n in new[] { 256, 512, 1024 })
        {
            foreach (var threads in new[] { 1, 2 })
            {
                var (_, gflops) = Measure(Transpose.No, Transpose.No, n, n, n, threads, secondsPerCase);
                results.Add(new GemmResult(n, threads, gflops));
            }
        }

        return results;
    }

    /// <summary>Training-shaped problems (forward and the two backward products of each layer).</summary>
    public static IReadOnlyList<GemmShapeResult> RunShapes(double secondsPerCase, int threads)
    {
        var cases = new (string Name, Transpose TA, Transpose TB, int M, int N, int K)[]
        {
            ("mlp13-64 fwd", Transpose.No, Transpose.Yes, 32, 64, 13),
            ("mlp13-64 dW", Transpose.Yes, Transpose.No, 64, 13, 32),
            ("mlp13-64 dX", Transpose.No, Transpose.No, 32, 13, 64),
            ("mlp64-1 fwd", Transpose.No, Transpose.Yes, 32, 1, 64),
            ("lenet conv1 fwd", Transpose.No, Transpose.No, 6, 784, 25),
            ("lenet conv1 dW", Transpose.No, Transpose.Yes, 6, 25, 784),
            ("lenet conv2 fwd", Transpose.No, Transpose.No, 16, 100, 150),
            ("lenet fc400-120 fwd", Transpose.No, Transpose.Yes, 32, 120, 400),
            ("lenet fc120-84 fwd", Transpose.No, Transpose.Yes, 32, 84, 120),
            ("fc3072-1024 fwd", Transpose.No, Transpose.Yes, 64, 1024, 3072),
            ("fc3072-1024 dW", Transpose.Yes, Transpose.No, 1024, 3072, 64),
            ("fc3072-1024 dX", Transpose.No, Transpose.No, 64, 3072, 1024),
            ("fc1024-1024 fwd", Transpose.No, Transpose.Yes, 64, 1024, 1024),
            ("fc1024-10 fwd", Transpose.No, Transpose.Yes, 64, 10, 1024),
        };
        var results = new List<GemmShapeResult>();
        foreach (var (name, ta, tb, m, n, k) in cases)
        {
            var (seconds, gflops) = Measure(ta, tb, m, n, k, threads, secondsPerCase);
            results.Add(new GemmShapeResult(name, m, n, k, threads, seconds * 1e6, gflops));
        }

        return results;
    }

    /// <summary>Returns (seconds per call, GFLOP/s).</summary>
    internal static (double Seconds, double Gflops) Measure(
        Transpose transA, Transpose transB, int m, int n, int k, int threads, double secondsPerCase)
    {
        var rng = new Random(42);
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (float)(rng.NextDouble() - 0.5);
        }

        for (var i = 0; i < b.Length; i++)
        {
            b[i] = (float)(rng.NextDouble() - 0.5);
        }

        var lda = transA == Transpose.No ? k : m;
        var ldb = transB == Transpose.No ? n : k;
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < Math.Min(0.2, secondsPerCase))
        {
            Gemm.Compute(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n, threads);
        }

        var best = double.MaxValue;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < secondsPerCase)
        {
            // Batches of calls of at least ~2 ms; keep the fastest batch (others share the machine).
            var calls = 0;
            var batch = Stopwatch.StartNew();
            do
            {
                Gemm.Compute(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n, threads);
                calls++;
            }
            while (batch.Elapsed.TotalMilliseconds < 2);
            best = Math.Min(best, batch.Elapsed.TotalSeconds / calls);
        }

        return (best, 2.0 * m * n * k / best / 1e9);
    }
}
