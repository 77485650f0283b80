using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

/// <summary>Naive float64 direct-loop convolution used as the oracle for the kernels.</summary>
internal static class ConvReference
{
    public static float[] RandomArray(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        }

        return a;
    }

    public static double[] Forward(in Conv2dShape s, float[] x, float[] w, float[] b) =>
        ForwardD(s, ToDouble(x), ToDouble(w), ToDouble(b));

    /// <summary>Forward with float64 input (for finite differences with respect to the input).</summary>
    public static double[] ForwardD(in Conv2dShape s, double[] x, double[] w, double[] b)
    {
        int oh = s.OutHeight, ow = s.OutWidth;
        var y = new double[s.Batch * s.OutChannels * oh * ow];
        for (var n = 0; n < s.Batch; n++)
        {
            for (var oc = 0; oc < s.OutChannels; oc++)
            {
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        double sum = b[oc];
                        for (var c = 0; c < s.InChannels; c++)
                        {
                            for (var ky = 0; ky < s.KernelHeight; ky++)
                            {
                                for (var kx = 0; kx < s.KernelWidth; kx++)
                                {
                                    var iy = oy * s.StrideHeight - s.PadHeight + ky;
                                    var ix = ox * s.StrideWidth - s.PadWidth + kx;
                                    if (iy >= 0 && iy < s.Height && ix >= 0 && ix < s.Width)
                                    {
                                        sum += x[((n * s.InChannels + c) * s.Height + iy) * s.Width + ix]
                                            * w[oc * s.PatchSize + (c * s.KernelHeight + ky) * s.KernelWidth + kx];
                                    }
                                }
                            }
                        }

                        y[((n * s.OutChannels + oc) * oh + oy) * ow + ox] = sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>Analytic gradients by direct loops in float64.</summary>
    public static (double[] Dx, double[] Dw, double[] Db) Backward(in Conv2dShape s, float[] x, float[] w, float[] dy)
    {
        int oh = s.OutHeight, ow = s.OutWidth;
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[s.OutChannels];
        for (var n = 0; n < s.Batch; n++)
        {
            for (var oc = 0; oc < s.OutChannels; oc++)
            {
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        double g = dy[((n * s.OutChannels + oc) * oh + oy) * ow + ox];
                        db[oc] += g;
                        for (var c = 0; c < s.InChannels; c++)
                        {
                            for (var ky = 0; ky < s.KernelHeight; ky++)
                            {
                                for (var kx = 0; kx < s.KernelWidth; kx++)
                                {
                                    var iy = oy * s.StrideHeight - s.PadHeight + ky;
                                    var ix = ox * s.StrideWidth - s.PadWidth + kx;
                                    if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width)
                                    {
                                        continue;
                                    }

                                    var xi = ((n * s.InChannels + c) * s.Height + iy) * s.Width + ix;
                                    var wi = oc * s.PatchSize + (c * s.KernelHeight + ky) * s.KernelWidth + kx;
                                    dx[xi] += g * w[wi];
                                    dw[wi] += g * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }

        return (dx, dw, db);
    }

    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);

    /// <summary>Asserts |actual − expected| ≤ tol·(1 + |expected|) elementwise, naming the first bad index.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double tol, string what)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            var err = Math.Abs(actual[i] - expected[i]);
            Assert.True(
                err <= tol * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (error {err})");
        }
    }
}
