using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

public sealed class ElementwiseTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 7, 8, 15, 16, 17, 33, 64, 100, 255, 256, 1000 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Should_MatchScalarReference_When_AnyLength(int n)
    {
        var x = TestData.Gaussian(n, 1);
        var dy = TestData.Gaussian(n, 2);
        var d = new float[n];
        Elementwise.ReluBackward(x, dy, d);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i] > 0 ? dy[i] : 0f, d[i]);
        }

        Elementwise.LeakyRelu(x, 0.2f, d);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i] > 0 ? x[i] : 0.2f * x[i], d[i]);
        }

        Elementwise.LeakyReluBackward(x, dy, 0.2f, d);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i] > 0 ? dy[i] : 0.2f * dy[i], d[i]);
        }

        Elementwise.TanhBackward(x, dy, d);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(dy[i] * (1f - (x[i] * x[i])), d[i]);
        }

        Elementwise.SigmoidBackward(x, dy, d);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(dy[i] * x[i] * (1f - x[i]), d[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Should_MatchScalarReference_When_AdamOverAnyLength(int n)
    {
        var w = TestData.Gaussian(n, 1);
        var g = TestData.Gaussian(n, 2);
        var m = TestData.Gaussian(n, 3, 0.1);
        var v = TestData.Gaussian(n, 4, 0.1).Select(MathF.Abs).ToArray();
        var (w0, m0, v0) = ((float[])w.Clone(), (float[])m.Clone(), (float[])v.Clone());
        var s = new AdamScalars(0.9f, 0.99f, 0.02f, 3f, 1e-6f, 0.01f, 0.999f);
        AdamStep.Apply(w, g, m, v, s);
        for (var i = 0; i < n; i++)
        {
            var gi = g[i] + (w0[i] * 0.01f);
            var wi = w0[i] * 0.999f;
            var mi = (m0[i] * 0.9f) + (gi * (1f - 0.9f));
            var vi = (v0[i] * 0.99f) + (gi * gi * (1f - 0.99f));
            wi -= 0.02f * mi / ((MathF.Sqrt(vi) * 3f) + 1e-6f);
            Assert.Equal(mi, m[i]);
            Assert.Equal(vi, v[i]);
            Assert.Equal(wi, w[i]);
        }
    }
}
