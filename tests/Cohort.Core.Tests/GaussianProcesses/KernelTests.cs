using Cohort.Core.GaussianProcesses;
using MathNet.Numerics.LinearAlgebra;

namespace Cohort.Core.Tests.GaussianProcesses;

public sealed class KernelTests
{
    [Fact]
    public void Should_MatchFormula_When_SquaredExponentialEvaluated()
    {
        var k = new SquaredExponentialKernel(2.0, 0.5);

        Assert.Equal(2.0, k.Evaluate([0.3, 0.1], [0.3, 0.1]), 15);
        Assert.Equal(2.0 * Math.Exp(-(0.09 + 0.16) / 0.5), k.Evaluate([0.0, 0.0], [0.3, 0.4]), 14);
        Assert.Equal(2.0, k.Variance);
    }

    [Fact]
    public void Should_UseEuclideanDistance_When_MaternHasSeveralDimensions()
    {
        var k = new Matern52Kernel(1.3, 0.7);

        Assert.Equal(Matern52Kernel.Evaluate(0.5, 1.3, 0.7), k.Evaluate([0.0, 0.0], [0.3, 0.4]), 15);
        Assert.Equal(Matern52Kernel.Evaluate(0.25, 1.3, 0.7), k.Evaluate([1.0], [0.75]), 15);
    }

    [Fact]
    public void Should_ForgetByHalfPowerOfTimeGap_When_TimeVarying()
    {
        // Given the inner kernel over coordinates 1.. and ε = 0.19: (1 − ε)^{|Δt|/2} = 0.9^{|Δt|}
        var inner = new SquaredExponentialKernel(1.0, 0.4);
        var k = new TimeVaryingKernel(inner, 0.19);

        // Then
        var same = inner.Evaluate([0.2], [0.5]);
        Assert.Equal(same, k.Evaluate([3.0, 0.2], [3.0, 0.5]), 15);
        Assert.Equal(same * 0.9 * 0.9, k.Evaluate([1.0, 0.2], [3.0, 0.5]), 14);
        Assert.Equal(k.Evaluate([1.0, 0.2], [3.0, 0.5]), k.Evaluate([3.0, 0.5], [1.0, 0.2]));
        Assert.Equal(same, new TimeVaryingKernel(inner, 0.0).Evaluate([0.0, 0.2], [9.0, 0.5]), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeVaryingKernel(inner, 1.0));
    }

    [Fact]
    public void Should_DiscountEachCategoricalMismatch_When_Overlap()
    {
        var k = new OverlapKernel(new SquaredExponentialKernel(1.0, 0.5), 1, 0.8);
        var factor = Math.Exp(-1.0 / (2 * 0.64));

        Assert.Equal(Math.Exp(-0.01 / 0.5), k.Evaluate([0.1, 2, 1], [0.2, 2, 1]), 15);
        Assert.Equal(Math.Exp(-0.01 / 0.5) * factor, k.Evaluate([0.1, 2, 1], [0.2, 0, 1]), 15);
        Assert.Equal(Math.Exp(-0.01 / 0.5) * factor * factor, k.Evaluate([0.1, 2, 1], [0.2, 0, 0]), 14);
    }

    [Fact]
    public void Should_GivePositiveSemiDefiniteGram_When_MixedTimeKernelOverRandomPoints()
    {
        // Given 30 random points (time, two continuous, one categorical of three choices)
        var random = new Random(5);
        var points = Enumerable.Range(0, 30)
            .Select(_ => new[] { random.Next(6), random.NextDouble(), random.NextDouble(), random.Next(3) })
            .ToArray();
        var k = new TimeVaryingKernel(new OverlapKernel(new SquaredExponentialKernel(1.0, 0.3), 2, 0.5), 0.3);

        // When
        var gram = Matrix<double>.Build.Dense(30, 30, (i, j) => k.Evaluate(points[i], points[j]));

        // Then every eigenvalue is >= 0 up to rounding
        var smallest = gram.Evd().EigenValues.Select(e => e.Real).Min();
        Assert.True(smallest > -1e-10, $"smallest eigenvalue {smallest}");
    }
}
