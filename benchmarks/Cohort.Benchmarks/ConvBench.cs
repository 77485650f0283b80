using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cohort.Engine.Kernels;

namespace Cohort.Benchmarks;

/// <summary>
/// Times the LeNet-5 convolution and pooling kernels (paper 000 sec. 4.2; shapes as in
/// /work/shared/peers/throughput.py): conv 1→6 5x5 pad 2 on 28x28, max pool 2, conv 6→16 5x5, max pool 2;
/// forward and backward (the first layer skips its input gradient). Prints one JSON object per line: per kernel
/// choice (Auto, Auto with kept columns, all ConvGemm, all Gemm.Compute) the minimum and median step time and the
/// minimum time of each stage over the steps (the minimum stands for the uncontended time on a shared machine).
/// Run: <c>ConvBench.Run(seconds: 3, threads: 1)</c> from Program.cs, with DOTNET_TieredCompilation=0.
/// </summary>
public static class ConvBench
{
    public static void Run(double seconds = 1.0, int threads = 1)
    {
        foreach (var batch in new[] { 32, 128 })
        {
            Console.WriteLine(Case(batch, threads, ConvProducts.Auto, seconds, keep: true));
            foreach (var products in new[] { ConvProducts.Auto, ConvProducts.Specialised, ConvProducts.Gemm })
            {
                Console.WriteLine(Case(batch, threads, products, seconds, keep: false));
            }
        }
    }

    private static string Case(int batch, int threads, ConvProducts products, double seconds, bool keep)
    {
        var c1 = new Conv2dShape(batch, 1, 28, 28, 6, 5, 5, PadHeight: 2, PadWidth: 2);
        var p1 = new PoolShape(batch, 6, 28, 28, 2, 2);
        var c2 = new Conv2dShape(batch, 6, 14, 14, 16, 5, 5);
        var p2 = new PoolShape(batch, 16, 10, 10, 2, 2);
        var rng = new Random(1);
        float[] Rand(int n)
        {
            var a = new float[n];
            for (var i = 0; i < n; i++)
            {
                a[i] = (float)(rng.NextDouble() - 0.5);
            }

            return a;
        }

        var x = Rand(batch * 784);
        var w1 = Rand(c1.WeightLength);
        var b1 = Rand(6);
        var y1 = new float[batch * c1.OutputImageLength];
        var q1 = new float[p1.OutputLength];
        var a1 = new int[p1.OutputLength];
        var w2 = Rand(c2.WeightLength);
        var b2 = Rand(16);
        var y2 = new float[batch * c2.OutputImageLength];
        var q2 = new float[p2.OutputLength];
        var a2 = new int[p2.OutputLength];
        var dq2 = Rand(p2.OutputLength);
        var dy2 = new float[y2.Length];
        var dq1 = new float[q1.Length];
        var dy1 = new float[y1.Length];
        var dw1 = new float[w1.Length];
        var db1 = new float[6];
        var dw2 = new float[w2.Length];
        var db2 = new float[16];
        var ws1 = new float[keep ? Conv2d.WorkspaceLengthKeepingColumns(c1, threads) : Conv2d.WorkspaceLength(c1, threads)];
        var ws2 = new float[keep ? Conv2d.WorkspaceLengthKeepingColumns(c2, threads) : Conv2d.WorkspaceLength(c2, threads)];
        var best = new double[6];
        Array.Fill(best, double.MaxValue);
        var stepTimes = new List<double>();
        var sw = new Stopwatch();

        void Step(bool time)
        {
            var t0 = Stopwatch.GetTimestamp();
            if (keep)
            {
                Conv2d.ForwardKeepingColumns(c1, x, w1, b1, y1, ws1, threads);
            }
            else
            {
                Conv2d.Forward(c1, x, w1, b1, y1, ws1, threads, products);
            }

            Lap(ref t0, 0, time);
            Pooling.MaxForward(p1, y1, q1, a1);
            if (keep)
            {
                Conv2d.ForwardKeepingColumns(c2, q1, w2, b2, y2, ws2, threads);
            }
            else
            {
                Conv2d.Forward(c2, q1, w2, b2, y2, ws2, threads, products);
            }

            Lap(ref t0, 1, time);
            Pooling.MaxForward(p2, y2, q2, a2);
            Pooling.MaxBackward(p2, dq2, a2, dy2);
            Lap(ref t0, 2, time);
            if (keep)
            {
                Conv2d.BackwardFromKeptColumns(c2, q1, w2, dy2, dq1, dw2, db2, ws2, threads);
            }
            else
            {
                Conv2d.Backward(c2, q1, w2, dy2, dq1, dw2, db2, ws2, threads, products);
            }

            Lap(ref t0, 3, time);
            Pooling.MaxBackward(p1, dq1, a1, dy1);
            Lap(ref t0, 4, time);
            if (keep)
            {
                Conv2d.BackwardFromKeptColumns(c1, x, w1, dy1, Span<float>.Empty, dw1, db1, ws1, threads);
            }
            else
            {
                Conv2d.Backward(c1, x, w1, dy1, Span<float>.Empty, dw1, db1, ws1, threads, products);
            }

            Lap(ref t0, 5, time);
        }

        void Lap(ref long t0, int slot, bool time)
        {
            var now = Stopwatch.GetTimestamp();
            if (time)
            {
                best[slot] = Math.Min(best[slot], now - t0);
            }

            t0 = now;
        }

        for (var i = 0; i < 3; i++)
        {
            Step(false);
        }

        var steps = 0;
        sw.Start();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            var s0 = Stopwatch.GetTimestamp();
            Step(true);
            stepTimes.Add((double)(Stopwatch.GetTimestamp() - s0) / Stopwatch.Frequency);
            steps++;
        }

        var total = sw.Elapsed.TotalSeconds;
        // The machine is shared: the minimum over steps estimates the uncontended time, the median the typical one.
        string Us(int slot) => (best[slot] / Stopwatch.Frequency * 1e6).ToString("F1", CultureInfo.InvariantCulture);
        stepTimes.Sort();
        var minStep = stepTimes[0];
        var medianStep = stepTimes[stepTimes.Count / 2];
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{{\"case\":\"lenet_conv_b{batch}\",\"products\":\"{products}{(keep ? "+kept_columns" : "")}\",\"threads\":{threads},");
        sb.Append(CultureInfo.InvariantCulture, $"\"steps\":{steps},\"us_per_step_min\":{(minStep * 1e6).ToString("F1", CultureInfo.InvariantCulture)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"us_per_step_median\":{(medianStep * 1e6).ToString("F1", CultureInfo.InvariantCulture)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"samples_per_second_mean\":{(steps * batch / total).ToString("F0", CultureInfo.InvariantCulture)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"samples_per_second_at_min\":{(batch / minStep).ToString("F0", CultureInfo.InvariantCulture)},");
        sb.Append(CultureInfo.InvariantCulture, $"\"us_min\":{{\"conv1_fwd\":{Us(0)},\"pool1+conv2_fwd\":{Us(1)},\"pool2_fwd+bwd\":{Us(2)},\"conv2_bwd\":{Us(3)},\"pool1_bwd\":{Us(4)},\"conv1_bwd\":{Us(5)}}}}}");
        return sb.ToString();
    }
}
