using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

public sealed class GemmTests
{
    private static readonly (int M, int N, int K)[] s_shapes =
    [
        (0, 0, 0), (0, 5, 3), (3, 0, 2), (4, 5, 0), (1, 1, 1), (1, 7, 3), (7, 1, 5), (2, 3, 4), (13, 17, 19),
        (12, 32, 256), (13, 33, 257), (6, 100, 25), (32, 64, 13), (25, 70, 300), (5, 40, 600), (197, 45, 31),
        (9, 2100, 3), (40, 37, 520), (21, 64, 40), (23, 96, 17),
    ];

    public static TheoryData<string> Isas()
    {
        var data = new TheoryData<string>();
        foreach (var isa in Enum.GetValues<GemmIsa>())
        {
            if (Gemm.IsSupported(isa))
            {
                data.Add(isa.ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Should_MatchDoubleReference_When_AnyShapeAndTranspose(string isaName)
    {
        var isa = Enum.Parse<GemmIsa>(isaName);
        var random = new Random(1234);
        foreach (var (m, n, k) in s_shapes)
        {
            foreach (var transA in new[] { Transpose.No, Transpose.Yes })
            {
                foreach (var transB in new[] { Transpose.No, Transpose.Yes })
                {
                    CheckAgainstReference(random, isa, transA, transB, m, n, k, 1f, 0f, pad: 0, threads: 1);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Should_ApplyAlphaAndBeta_When_CombinedWithPaddedStrides(string isaName)
    {
        var isa = Enum.Parse<GemmIsa>(isaName);
        var random = new Random(99);
        var combos = new (float Alpha, float Beta)[] { (1f, 0f), (0.5f, 0f), (1f, 1f), (-1.5f, 0.25f), (0f, 2f), (0f, 0f), (2f, -1f) };
        foreach (var (alpha, beta) in combos)
        {
            foreach (var (m, n, k) in new[] { (1, 1, 1), (13, 33, 19), (30, 47, 300), (3, 5, 0) })
            {
                foreach (var transA in new[] { Transpose.No, Transpose.Yes })
                {
                    foreach (var transB in new[] { Transpose.No, Transpose.Yes })
                    {
                        CheckAgainstReference(random, isa, transA, transB, m, n, k, alpha, beta, pad: 3, threads: 2);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Should_BeBitwiseIdentical_When_ThreadCountChanges(string isaName)
    {
        var isa = Enum.Parse<GemmIsa>(isaName);
        var random = new Random(7);
        foreach (var (m, n, k) in new[] { (100, 300, 70), (400, 60, 90), (1100, 20, 100), (64, 129, 600), (96, 200, 300), (130, 130, 130) })
        {
            foreach (var transA in new[] { Transpose.No, Transpose.Yes })
            {
                foreach (var transB in new[] { Transpose.No, Transpose.Yes })
                {
                    var a = RandomArray(random, m * k);
                    var b = RandomArray(random, k * n);
                    var c0 = RandomArray(random, m * n);
                    var lda = transA == Transpose.No ? k : m;
                    var ldb = transB == Transpose.No ? n : k;
                    float[]? first = null;
                    foreach (var threads in new[] { 1, 2, 3, 4 })
                    {
                        var c = (float[])c0.Clone();
                        Gemm.Compute(transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 0.5f, c, n, threads, isa);
                        if (first is null)
                        {
                            first = c;
                        }
                        else
                        {
                            Assert.Equal(BitsOf(first), BitsOf(c));
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Should_BeBitwiseIdentical_When_CalledConcurrentlyFromSeveralThreads()
    {
        var random = new Random(11);
        const int m = 150, n = 140, k = 130;
        var a = RandomArray(random, m * k);
        var b = RandomArray(random, k * n);
        var expected = new float[m * n];
        Gemm.Compute(Transpose.No, Transpose.Yes, m, n, k, 1f, a, k, b, k, 0f, expected, n, 1);
        var outputs = Enumerable.Range(0, 4).Select(_ => new float[m * n]).ToArray();

        Parallel.For(0, outputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            for (var repeat = 0; repeat < 20; repeat++)
            {
                Gemm.Compute(Transpose.No, Transpose.Yes, m, n, k, 1f, a, k, b, k, 0f, outputs[i], n, 2);
            }
        });

        foreach (var output in outputs)
        {
            Assert.Equal(BitsOf(expected), BitsOf(output));
        }
    }

    [Fact]
    public void Should_OverwriteNaN_When_BetaIsZero()
    {
        var a = new float[] { 1, 2, 3, 4 };
        var b = new float[] { 5, 6, 7, 8 };
        var c = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };

        Gemm.Compute(Transpose.No, Transpose.No, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);

        Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Should_UseOverriddenPath_When_ThreadOverrideIsSet(string isaName)
    {
        var isa = Enum.Parse<GemmIsa>(isaName);
        var random = new Random(5);
        var a = RandomArray(random, 31 * 45);
        var b = RandomArray(random, 45 * 29);
        var expected = new float[31 * 29];
        var actual = new float[31 * 29];
        Gemm.Compute(Transpose.No, Transpose.No, 31, 29, 45, 1f, a, 45, b, 29, 0f, expected, 29, 1, isa);

        Gemm.t_isaOverride = isa;
        try
        {
            Gemm.Compute(Transpose.No, Transpose.No, 31, 29, 45, 1f, a, 45, b, 29, 0f, actual, 29);
        }
        finally
        {
            Gemm.t_isaOverride = null;
        }

        Assert.Equal(BitsOf(expected), BitsOf(actual));
    }

    [Fact]
    public void Should_NotAllocate_When_CalledRepeatedly()
    {
        var random = new Random(3);
        var shapes = new[] { (32, 64, 13), (64, 300, 500), (6, 784, 25), (256, 256, 256) };
        var buffers = shapes.Select(s => (s, RandomArray(random, s.Item1 * s.Item3), RandomArray(random, s.Item3 * s.Item2), new float[s.Item1 * s.Item2])).ToArray();
        void RunAll()
        {
            foreach (var ((m, n, k), a, b, c) in buffers)
            {
                Gemm.Compute(Transpose.No, Transpose.No, m, n, k, 1f, a, k, b, n, 0f, c, n, 1);
                Gemm.Compute(Transpose.Yes, Transpose.No, k, n, m, 1f, a, k, c, n, 0f, b, n, 2);
                Gemm.Compute(Transpose.No, Transpose.Yes, m, k, n, 1f, c, n, b, n, 0f, a, k, 2);
            }
        }

        RunAll();
        RunAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            RunAll();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Should_Throw_When_SpanTooShortOrStrideTooSmall()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];

        Assert.Throws<ArgumentException>(() => Gemm.Compute(Transpose.No, Transpose.No, 2, 2, 4, 1f, a, 4, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Compute(Transpose.No, Transpose.No, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Compute(Transpose.No, Transpose.No, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Compute(Transpose.No, Transpose.No, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, 0));
    }

    private static void CheckAgainstReference(
        Random random, GemmIsa isa, Transpose transA, Transpose transB, int m, int n, int k, float alpha, float beta, int pad, int threads)
    {
        var (aRows, aCols) = transA == Transpose.No ? (m, k) : (k, m);
        var (bRows, bCols) = transB == Transpose.No ? (k, n) : (n, k);
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        var a = RandomArray(random, aRows * lda);
        var b = RandomArray(random, bRows * ldb);
        var c = RandomArray(random, m * ldc);
        if (beta == 0f && n > 0)
        {
            for (var i = 0; i < m; i++)
            {
                c[(i * ldc) + random.Next(Math.Max(1, n))] = float.NaN;
            }
        }

        var original = (float[])c.Clone();

        Gemm.Compute(transA, transB, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, ldc), threads, isa);

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (var p = 0; p < k; p++)
                {
                    double av = transA == Transpose.No ? a[(i * lda) + p] : a[(p * lda) + i];
                    double bv = transB == Transpose.No ? b[(p * ldb) + j] : b[(j * ldb) + p];
                    sum += av * bv;
                    magnitude += Math.Abs(av * bv);
                }

                var c0 = original[(i * ldc) + j];
                var expected = (alpha * sum) + (beta == 0f ? 0 : beta * (double)c0);
                var scale = (Math.Abs(alpha) * magnitude) + (beta == 0f ? 0 : Math.Abs(beta * (double)c0));
                var tolerance = (1.2e-7 * (k + 4) * scale) + 1e-30;
                var actual = c[(i * ldc) + j];
                Assert.False(
                    !(Math.Abs(actual - expected) <= tolerance),
                    $"{isa} {transA}{transB} m={m} n={n} k={k} alpha={alpha} beta={beta}: C[{i},{j}] = {actual}, expected {expected}");
            }

            for (var j = n; j < ldc; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(original[(i * ldc) + j]), BitConverter.SingleToInt32Bits(c[(i * ldc) + j]));
            }
        }
    }

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static int[] BitsOf(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
